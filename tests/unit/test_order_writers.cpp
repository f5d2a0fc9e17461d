// The order-level simulator's ITCH 5.0 and LOBSTER outputs, read back by the project's readers.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "book/lobster_book_check.hpp"
#include "book/order_book.hpp"
#include "config/config.hpp"
#include "eval/eval_run.hpp"
#include "eval/labels.hpp"
#include "feed_test_support.hpp"
#include "sim/order_csv_writer.hpp"
#include "sim/order_itch_writer.hpp"

using namespace tw;
using namespace tw::sim;

namespace {

/// A short market with every kind of episode injected early, so that manipulators' accounts
/// appear.
OrderMarketOptions short_market(uint64_t seed = 7) {
  OrderMarketOptions options;
  options.symbols = 2;
  options.hours = 0.2;
  options.seed = seed;
  for (const ManipulationInfo& k : manipulation_kinds()) options.inject.push_back(k.kind);
  options.episodes_per_hour = 30;
  options.warmup = Duration::minutes(1);
  options.tail = Duration::minutes(1);
  options.gap = Duration::seconds(30);
  return options;
}

/// A market written in one format into a folder of its own.
struct Written {
  Written(const tw::test::TempDir& root, const std::string& name, const OrderMarketOptions& options,
          OrderFileOptions files)
      : dir((root.path() / name).string()) {
    std::filesystem::create_directories(dir);
    summary =
        write_order_market(options, files, dir, in_dir("owners.toml"), in_dir("labels.jsonl"));
  }
  std::string in_dir(const std::string& file) const {
    return (std::filesystem::path(dir) / file).string();
  }
  std::string dir;
  OrderMarketSummary summary;
};

Written written_as(const tw::test::TempDir& root, OrderFileFormat format,
                   const OrderMarketOptions& options = short_market(), uint32_t levels = 10) {
  OrderFileOptions files;
  files.format = format;
  files.lobster_levels = levels;
  return Written(root, std::string(order_file_format_name(format)) + std::to_string(levels),
                 options, files);
}

/// The events read from `w`'s order-flow files, one read per file, in file order.
struct ReadBack {
  explicit ReadBack(const Written& w) {
    for (const std::string& file : w.summary.files) {
      auto feed = open_feed(file, {}, universe, sink);
      for (const Event& e : tw::test::read_all(*feed)) {
        if (e.is_order_event()) events.push_back(e);
      }
    }
  }
  std::vector<Event> of_symbol(std::string_view symbol) const {
    std::vector<Event> out;
    for (const Event& e : events) {
      if (universe.symbol_name(e.symbol) == symbol) out.push_back(e);
    }
    return out;
  }
  Universe universe;
  tw::test::RecordingSink sink;
  std::vector<Event> events;
};

/// What every format carries of an order event; `side`, `price` and `size` as the event kind
/// of `format` carries them.
void expect_same_event(const Event& csv, const Event& read, OrderFileFormat format, size_t at) {
  const bool itch = format == OrderFileFormat::kItch;
  ASSERT_EQ(read.kind, csv.kind) << at;
  ASSERT_EQ(read.id.to_string(), csv.id.to_string()) << at;
  ASSERT_EQ(read.ts, csv.ts) << at;
  if (csv.kind != EventKind::kOrderDelete) {
    ASSERT_EQ(read.qty, csv.qty) << at;
  }
  if (csv.kind == EventKind::kOrderAdd || (!itch && csv.kind == EventKind::kOrderExecute)) {
    ASSERT_EQ(read.price, csv.price) << at;
  }
  if (csv.kind == EventKind::kOrderAdd || !itch) {
    ASSERT_EQ(read.side, csv.side) << at;
  }
  if (itch && csv.kind == EventKind::kOrderExecute) {
    ASSERT_EQ(read.ref.to_string(), csv.ref.to_string()) << at;
  }
}

std::map<std::string, std::string> accounts_of_mpids(const std::string& mpids_csv) {
  std::map<std::string, std::string> accounts;
  const std::string text = tw::test::read_text(mpids_csv);
  size_t at = text.find('\n') + 1;  // past the header
  while (at < text.size()) {
    const size_t comma = text.find(',', at), end = text.find('\n', at);
    accounts[text.substr(at, comma - at)] = text.substr(comma + 1, end - comma - 1);
    at = end + 1;
  }
  return accounts;
}

BookDiagnostics books_of(const std::vector<Event>& events) {
  std::map<uint32_t, OrderBook> books;
  for (const Event& e : events) books[e.symbol.value].apply(e);
  BookDiagnostics all;
  for (const auto& [symbol, book] : books) all += book.diagnostics();
  return all;
}

}  // namespace

TEST(OrderItchWriter, ReadsBackAsTheCsvsOrderEventsWithTheirAccounts) {
  tw::test::TempDir root;
  const Written csv = written_as(root, OrderFileFormat::kCsv);
  const Written itch = written_as(root, OrderFileFormat::kItch);
  ASSERT_EQ(itch.summary.files.size(), 1u);
  EXPECT_EQ(std::filesystem::path(itch.summary.files[0]).filename(), "orders_01062025.itch");
  const ReadBack expected(csv), read(itch);
  ASSERT_TRUE(read.sink.records.empty()) << read.sink.records[0].detail;
  ASSERT_EQ(read.events.size(), expected.events.size());
  const auto accounts = accounts_of_mpids(itch.in_dir("mpids.csv"));
  std::map<std::string, uint64_t> adds_by_account;
  for (size_t i = 0; i < read.events.size(); ++i) {
    const Event& want = expected.events[i];
    expect_same_event(want, read.events[i], OrderFileFormat::kItch, i);
    if (want.kind != EventKind::kOrderAdd) continue;
    const auto account =
        accounts.find(std::string(read.universe.account_name(read.events[i].account)));
    ASSERT_NE(account, accounts.end()) << i;
    ASSERT_EQ(account->second, expected.universe.account_name(want.account)) << i;
    ++adds_by_account[account->second];
  }
  // Every account that added an order has an MPID of its own, manipulators' among them.
  EXPECT_EQ(adds_by_account.size(), accounts.size());
  EXPECT_TRUE(std::any_of(adds_by_account.begin(), adds_by_account.end(),
                          [](const auto& added) { return added.first.front() == 'X'; }));
  const BookDiagnostics books = books_of(read.events);
  EXPECT_EQ(books.unknown_order, 0u);
  EXPECT_EQ(books.crossed + books.locked, 0u);
  EXPECT_EQ(books.overfill, 0u);
}

// The owners file gives each MPID the beneficial owner of its account, so that rules and scores
// reading MPIDs see owners as a CSV run does.
TEST(OrderItchWriter, OwnersNameTheOwnerOfEachMpid) {
  tw::test::TempDir root;
  const Written itch = written_as(root, OrderFileFormat::kItch);
  const Written csv = written_as(root, OrderFileFormat::kCsv);
  std::map<std::string, std::string> owner_of, linked;
  for (const auto& [account, owner] : load_config(itch.in_dir("owners.toml")).owners) {
    owner_of[account] = owner;
  }
  for (const auto& [account, owner] : load_config(csv.in_dir("owners.toml")).owners) {
    linked[account] = owner;
  }
  ASSERT_FALSE(linked.empty());
  uint64_t linked_mpids = 0;
  for (const auto& [mpid, account] : accounts_of_mpids(itch.in_dir("mpids.csv"))) {
    ASSERT_TRUE(owner_of.count(mpid)) << mpid;
    const auto owner = linked.find(account);
    EXPECT_EQ(owner_of[mpid], owner == linked.end() ? account : owner->second) << mpid;
    linked_mpids += owner != linked.end();
  }
  EXPECT_GT(linked_mpids, 0u);
  for (const auto& [account, owner] : linked) EXPECT_EQ(owner_of[account], owner) << account;
}

TEST(OrderLobsterWriter, ReadsBackAsTheCsvsOrderEventsPerSymbol) {
  tw::test::TempDir root;
  const Written csv = written_as(root, OrderFileFormat::kCsv);
  const Written lobster = written_as(root, OrderFileFormat::kLobster);
  const ReadBack expected(csv), read(lobster);
  ASSERT_TRUE(read.sink.records.empty()) << read.sink.records[0].detail;
  ASSERT_EQ(lobster.summary.files.size(), expected.universe.symbol_count() - 1);
  ASSERT_EQ(read.events.size(), expected.events.size());
  for (uint32_t id = 1; id < expected.universe.symbol_count(); ++id) {
    const std::string_view symbol = expected.universe.symbol_name(SymbolId{id});
    const std::vector<Event> want = expected.of_symbol(symbol), got = read.of_symbol(symbol);
    ASSERT_EQ(got.size(), want.size()) << symbol;
    ASSERT_GT(got.size(), 0u) << symbol;
    for (size_t i = 0; i < got.size(); ++i) {
      expect_same_event(want[i], got[i], OrderFileFormat::kLobster, i);
      ASSERT_FALSE(got[i].account) << i;
    }
  }
  const BookDiagnostics books = books_of(read.events);
  EXPECT_EQ(books.unknown_order, 0u);
  EXPECT_EQ(books.crossed + books.locked, 0u);
  EXPECT_EQ(books.stale_levels, 0u);
}

// verify-book's replay matches every orderbook row, at the default depth and at a shallow one
// where most messages lie deeper than the rows show.
TEST(OrderLobsterWriter, EveryOrderbookRowMatchesTheReplayedBook) {
  tw::test::TempDir root;
  for (uint32_t levels : {10u, 2u}) {
    const Written lobster = written_as(root, OrderFileFormat::kLobster, short_market(), levels);
    for (const std::string& messages : lobster.summary.files) {
      std::string orderbook = messages;
      orderbook.replace(orderbook.rfind("message"), 7, "orderbook");
      tw::test::RecordingSink rejects;
      const BookCheck check = check_lobster_book(messages, orderbook, rejects);
      EXPECT_GT(check.rows, 100u) << messages;
      EXPECT_EQ(check.matched, check.rows) << messages << ": " << check.first_mismatch;
      EXPECT_EQ(check.rows + 1, check.messages) << messages;
      EXPECT_EQ(check.revealed_levels, 0u) << messages;
      EXPECT_EQ(check.diagnostics.unknown_order, 0u) << messages;
      EXPECT_TRUE(rejects.records.empty()) << messages;
    }
  }
}

// Wash volume is self-trades of one owner: its labels name wash.round_trip as also right.
TEST(OrderFlowWriters, WashVolumeLabelsNameTheRoundTripRuleAsAlsoRight) {
  tw::test::TempDir root;
  OrderMarketOptions options = short_market();
  options.inject = {ManipulationKind::kWashVolume, ManipulationKind::kSelfTrade};
  options.hours = 1;  // a wash-volume episode waits for a spread it can trade inside
  const auto episodes = tw::eval::read_labels(
      written_as(root, OrderFileFormat::kCsv, options).in_dir("labels.jsonl"));
  size_t wash_volume = 0;
  for (const tw::eval::Episode& e : episodes) {
    if (e.kind == "wash_volume") {
      ++wash_volume;
      EXPECT_EQ(e.also, std::vector<std::string>{"wash.round_trip"});
    } else {
      EXPECT_TRUE(e.also.empty()) << e.kind;
    }
  }
  EXPECT_GT(wash_volume, 0u);
}

TEST(OrderFlowWriters, TheSameSeedWritesTheSameBytesAndTheSameLabels) {
  tw::test::TempDir root, again, other;
  const OrderMarketOptions options = short_market(7);
  const std::string csv_labels =
      tw::test::read_text(written_as(root, OrderFileFormat::kCsv).in_dir("labels.jsonl"));
  ASSERT_FALSE(csv_labels.empty());
  for (OrderFileFormat format : {OrderFileFormat::kItch, OrderFileFormat::kLobster}) {
    const Written first = written_as(root, format, options);
    const Written second = written_as(again, format, options);
    const Written reseeded = written_as(other, format, short_market(8));
    EXPECT_EQ(tw::test::read_text(first.in_dir("labels.jsonl")), csv_labels);
    for (const auto& entry : std::filesystem::directory_iterator(first.dir)) {
      const std::string name = entry.path().filename().string();
      EXPECT_EQ(tw::test::read_text(entry.path().string()),
                tw::test::read_text(second.in_dir(name)))
          << name;
    }
    EXPECT_NE(tw::test::read_text(first.summary.files[0]),
              tw::test::read_text(reseeded.summary.files[0]));
  }
}

namespace {

const eval::RuleScore* score_of(const eval::Evaluation& e, const std::string& rule) {
  for (const eval::RuleScore& s : e.rules) {
    if (s.rule == rule) return &s;
  }
  return nullptr;
}

uint64_t found(const eval::Evaluation& e, const std::string& rule) {
  const eval::RuleScore* s = score_of(e, rule);
  return s == nullptr ? 0 : s->true_positives;
}

eval::GeneratedEvaluation evaluated(const tw::test::TempDir& root, OrderFileFormat format) {
  eval::MarketToGenerate market;
  market.orders = true;
  market.order_market.symbols = 2;
  market.order_market.hours = 1;
  market.order_market.seed = 4;
  market.order_market.episodes_per_hour = 8;
  market.order_market.warmup = Duration::minutes(10);
  market.order_market.tail = Duration::minutes(5);
  market.order_market.gap = Duration::minutes(1);
  market.order_market.inject = {ManipulationKind::kSelfTrade, ManipulationKind::kRoundTrip,
                                ManipulationKind::kQuoteStuffing,
                                ManipulationKind::kExcessiveSpread};
  market.order_files.format = format;
  return eval::generate_run_and_evaluate(
      market, (root.path() / order_file_format_name(format)).string(), {});
}

}  // namespace

uint64_t alerts_of(const eval::Evaluation& e, const std::string& rule) {
  const eval::RuleScore* s = score_of(e, rule);
  return s == nullptr ? 0 : s->alerts;
}

// eval --run over each format scores the same labels. ITCH keeps the orders' owners (MPIDs) but
// names no aggressor, LOBSTER names nobody: a rule that needs both parties of a trade finds less
// over ITCH and nothing over LOBSTER, one that reads orders and their owners finds as much over
// ITCH, and a market condition is found whatever the format.
TEST(OrderFlowWriters, EvalRunScoresEveryFormat) {
  tw::test::TempDir root;
  const eval::GeneratedEvaluation csv = evaluated(root, OrderFileFormat::kCsv);
  const eval::GeneratedEvaluation itch = evaluated(root, OrderFileFormat::kItch);
  const eval::GeneratedEvaluation lobster = evaluated(root, OrderFileFormat::kLobster);
  for (const eval::GeneratedEvaluation* g : {&csv, &itch, &lobster}) {
    EXPECT_EQ(g->evaluation.episodes, csv.evaluation.episodes);
    EXPECT_EQ(g->run.record.rejects, 0u);
    EXPECT_EQ(g->evaluation.events, g->run.record.events);
  }
  const std::string wash = "wash.round_trip";
  ASSERT_GT(found(csv.evaluation, wash), 0u);
  ASSERT_GT(found(csv.evaluation, "quote_stuffing"), 0u);
  ASSERT_GT(found(csv.evaluation, "excessive_spread"), 0u);
  EXPECT_LT(found(itch.evaluation, wash), found(csv.evaluation, wash));
  EXPECT_EQ(alerts_of(lobster.evaluation, wash), 0u);
  EXPECT_EQ(found(itch.evaluation, "quote_stuffing"), found(csv.evaluation, "quote_stuffing"));
  for (const eval::GeneratedEvaluation* g : {&itch, &lobster}) {
    EXPECT_EQ(found(g->evaluation, "excessive_spread"), found(csv.evaluation, "excessive_spread"));
  }
}
