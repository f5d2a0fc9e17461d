#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine_run.hpp"
#include "feed/feed.hpp"
#include "feed/itch_reader.hpp"
#include "feed_test_support.hpp"
#include "sim/itch_writer.hpp"

using namespace tw;
using namespace tw::test;
using tw::sim::ItchWriter;

namespace {

constexpr uint64_t kNine30 = 34'200'000'000'000;  // 09:30 in ns after midnight
constexpr uint16_t kAcme = 7;

// One message of every type of the specification, order flow for ACME among them.
std::string every_message_type() {
  ItchWriter w;
  uint64_t t = kNine30;
  w.begin('S', 0, t).letter('Q').end();
  // Stock, market category, financial status, round lot, round lots only, issue class and
  // sub-type, authenticity, short sale threshold, IPO flag, LULD tier, ETP flag and leverage,
  // inverse indicator.
  w.begin('R', kAcme, t).alpha("ACME", 8).letter('Q').letter('N').number(100, 4).letter('N');
  w.letter('C').alpha("Z", 2).letter('P').letter('N').letter(' ').letter('1').letter('N');
  w.number(0, 4).letter('N').end();
  w.begin('H', kAcme, ++t).alpha("ACME", 8).letter('T').letter(' ').alpha("", 4).end();
  w.begin('Y', kAcme, ++t).alpha("ACME", 8).letter('0').end();
  w.begin('L', kAcme, ++t)
      .alpha("MMAA", 4)
      .alpha("ACME", 8)
      .letter('Y')
      .letter('N')
      .letter('A')
      .end();
  w.begin('V', 0, ++t).number(1, 8).number(2, 8).number(3, 8).end();
  w.begin('W', 0, ++t).letter('1').end();
  w.begin('K', kAcme, ++t).alpha("ACME", 8).number(36000, 4).letter('A').number(100000, 4).end();
  w.begin('J', kAcme, ++t).alpha("ACME", 8).number(100000, 4).number(110000, 4);
  w.number(90000, 4).number(0, 4).end();
  w.begin('h', kAcme, ++t).alpha("ACME", 8).letter('Q').letter('H').end();
  // Order flow: prices are Price(4).
  w.begin('A', kAcme, ++t).number(1, 8).letter('B').number(100, 4).alpha("ACME", 8);
  w.number(100000, 4).end();  // buy 100 at 10.0000
  w.begin('F', kAcme, ++t).number(2, 8).letter('S').number(50, 4).alpha("ACME", 8);
  w.number(100100, 4).alpha("MPID", 4).end();  // sell 50 at 10.0100, attributed
  w.begin('E', kAcme, ++t).number(1, 8).number(30, 4).number(11, 8).end();
  w.begin('C', kAcme, ++t).number(1, 8).number(20, 4).number(12, 8).letter('Y');
  w.number(99900, 4).end();
  w.begin('C', kAcme, ++t).number(2, 8).number(10, 4).number(13, 8).letter('N');
  w.number(100100, 4).end();
  w.begin('X', kAcme, ++t).number(2, 8).number(5, 4).end();
  w.begin('U', kAcme, ++t).number(1, 8).number(3, 8).number(40, 4).number(100200, 4).end();
  w.begin('D', kAcme, ++t).number(3, 8).end();
  w.begin('P', kAcme, ++t).number(0, 8).letter('S').number(25, 4).alpha("ACME", 8);
  w.number(100050, 4).number(14, 8).end();
  w.begin('Q', kAcme, ++t).number(500, 8).alpha("ACME", 8).number(100000, 4).number(15, 8);
  w.letter('O').end();
  w.begin('Q', kAcme, ++t).number(0, 8).alpha("ACME", 8).number(100000, 4).number(16, 8);
  w.letter('C').end();
  w.begin('B', kAcme, ++t).number(14, 8).end();
  w.begin('I', kAcme, ++t).number(1000, 8).number(200, 8).letter('B').alpha("ACME", 8);
  w.number(100000, 4).number(100000, 4).number(100000, 4).letter('O').letter('1').end();
  w.begin('N', kAcme, ++t).alpha("ACME", 8).letter('N').end();
  w.begin('O', kAcme, ++t).alpha("ACME", 8).letter('Y').number(90000, 4).number(110000, 4);
  w.number(100000, 4).number(t, 8).number(95000, 4).number(105000, 4).end();
  w.begin('H', kAcme, ++t).alpha("ACME", 8).letter('H').letter(' ').alpha("LUDP", 4).end();
  w.begin('Z', kAcme, ++t).end();  // no such type
  return w.bytes();
}

FeedOptions dated() {
  FeedOptions options;
  options.format = "itch";
  options.date = "2019-01-30";
  return options;
}

}  // namespace

TEST(FeedItch, ReadsTheRealDayFileHead) {
  const char* file = "itch50/admin_first1000.itch";
  if (!shared_data_present(file)) GTEST_SKIP() << "shared data absent: " << shared_data(file);
  Universe universe;
  RecordingSink sink;
  auto feed = open_feed(shared_data(file), dated(), universe, sink);
  std::vector<Event> events = read_all(*feed);
  EXPECT_TRUE(sink.records.empty());
  const ItchCounts& counts = dynamic_cast<const ItchFeed&>(*feed).counts();
  EXPECT_EQ(counts.messages, 1000u);
  EXPECT_EQ(counts.by_type['S'], 1u);
  EXPECT_EQ(counts.by_type['R'], 993u);
  EXPECT_EQ(counts.by_type['H'], 3u);
  EXPECT_EQ(counts.by_type['Y'], 3u);
  EXPECT_EQ(counts.unknown_locates, 0u);
  ASSERT_EQ(events.size(), 3u);  // the trading actions
  EXPECT_EQ(universe.symbol_name(events[0].symbol), "A");
  EXPECT_EQ(universe.symbol_name(events[2].symbol), "AAAU");
  EXPECT_EQ(events[0].kind, EventKind::kStatus);
  EXPECT_EQ(events[0].status, TradingStatus::kTrading);
  EXPECT_EQ(events[0].seq, 82u);
  EXPECT_EQ(feed->bytes_read(), feed->bytes_total());
}

TEST(FeedItch, EveryMessageTypeIsDecoded) {
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("flow.itch", every_message_type()), dated());
  ASSERT_TRUE(run.sink.records.empty()) << run.sink.records[0].detail;
  const std::vector<EventKind> kinds{
      EventKind::kStatus,       EventKind::kOrderAdd,     EventKind::kOrderAdd,
      EventKind::kOrderExecute, EventKind::kOrderExecute, EventKind::kOrderExecute,
      EventKind::kOrderCancel,  EventKind::kOrderReplace, EventKind::kOrderDelete,
      EventKind::kTrade,        EventKind::kTrade,        EventKind::kStatus};
  ASSERT_EQ(run.events.size(), kinds.size());
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(run.events[i].kind, kinds[i]) << i;
  const Event& add = run.events[1];
  EXPECT_EQ(run.universe.symbol_name(add.symbol), "ACME");
  EXPECT_EQ(add.ts.to_iso8601(), "2019-01-30T14:30:00.000000009Z");
  EXPECT_EQ(add.id.as_number(), 1u);
  EXPECT_EQ(add.side, Side::kBuy);
  EXPECT_EQ(add.price.to_string(), "10");
  EXPECT_EQ(add.qty.to_string(), "100");
  EXPECT_EQ(run.universe.account_name(run.events[2].account), "MPID");
  EXPECT_FALSE(run.events[3].price.is_positive());  // E: the book knows the price
  EXPECT_EQ(run.events[3].ref.as_number(), 11u);
  EXPECT_EQ(run.events[4].price.to_string(), "9.99");
  EXPECT_EQ(run.events[5].flags, event_flags::kNotPrintable);
  EXPECT_EQ(run.events[7].ref.as_number(), 3u);  // U: the new reference
  EXPECT_EQ(run.events[9].side, Side::kBuy);     // P: a hidden sell was hit
  EXPECT_EQ(run.events[9].flags, event_flags::kHidden);
  EXPECT_EQ(run.events[10].flags, event_flags::kAuction);
  EXPECT_EQ(run.events[10].qty.to_string(), "500");
  EXPECT_EQ(run.events[11].status, TradingStatus::kHalted);

  Universe universe;
  RecordingSink sink;
  auto feed = open_feed(dir.write("flow2.itch", every_message_type()), dated(), universe, sink);
  read_all(*feed);
  const ItchCounts& counts = dynamic_cast<const ItchFeed&>(*feed).counts();
  for (char type : std::string("SRHYLVWKJhAFECXDUPQBINO")) {
    EXPECT_GE(counts.by_type[static_cast<unsigned char>(type)], 1u) << type;
  }
  EXPECT_EQ(counts.unknown_types, 1u);
  EXPECT_EQ(counts.broken_trades, 1u);
  EXPECT_EQ(counts.empty_crosses, 1u);
}

// Read a few at a time (a batch of 5 ends mid-flow, and the last one is short), the events are
// those of next() one at a time, and so are the counts.
TEST(FeedItch, BatchesGiveWhatOneAtATimeGives) {
  TempDir dir;
  const std::string path = dir.write("flow.itch", every_message_type());
  Universe universe;
  RecordingSink sink;
  auto one_at_a_time = open_feed(path, dated(), universe, sink);
  const std::vector<Event> expected = read_all(*one_at_a_time);
  auto batched = open_feed(path, dated(), universe, sink);
  std::vector<Event> got;
  std::vector<Event> batch(5);
  while (const size_t n = batched->next_batch(batch)) {
    got.insert(got.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
  }
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].kind, expected[i].kind) << i;
    EXPECT_EQ(got[i].ts, expected[i].ts) << i;
    EXPECT_EQ(got[i].seq, expected[i].seq) << i;
    EXPECT_EQ(got[i].id.as_number(), expected[i].id.as_number()) << i;
    EXPECT_EQ(got[i].qty, expected[i].qty) << i;
  }
  EXPECT_EQ(batched->counters(), one_at_a_time->counters());
}

// The counts as the run summary and the run store see them, through the Feed interface.
TEST(FeedItch, NamesItsCountsForTheRunReport) {
  TempDir dir;
  Universe universe;
  RecordingSink sink;
  std::unique_ptr<Feed> feed =
      open_feed(dir.write("flow3.itch", every_message_type()), dated(), universe, sink);
  read_all(*feed);
  const ItchCounts& counts = dynamic_cast<const ItchFeed&>(*feed).counts();
  NamedCounts named = feed->counters();
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(named.front(), (NamedCount{"messages", counts.messages}));
  std::string types;
  for (const NamedCount& count : named) {
    if (count.name.size() == 1) {
      types += count.name;
      EXPECT_EQ(count.value, counts.by_type[static_cast<unsigned char>(count.name[0])]);
    }
  }
  EXPECT_EQ(types, "ABCDEFHIJKLNOPQRSUVWXYh") << "every defined type met, in byte order";
  EXPECT_EQ(named[named.size() - 3], (NamedCount{"unknown_types", 1}));
  EXPECT_EQ(named[named.size() - 2], (NamedCount{"unknown_locates", counts.unknown_locates}));
  EXPECT_EQ(named.back(), (NamedCount{"empty_crosses", 1}));
}

// Through the engine: executions become prints, except the one marked not printable.
TEST(FeedItch, TheEngineBuildsTheBookAndPrintsExecutions) {
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("flow.itch", every_message_type()), dated());
  tw::testing::EngineRun engine_run(run.universe, run.events);
  const Engine& engine = engine_run.engine;
  EXPECT_EQ(engine.counters().executions, 2u);  // E and the printable C
  EXPECT_EQ(engine.counters().trades, 4u);      // with P and Q
  const OrderBook* book = engine.book(run.universe.symbol("ACME"));
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->depth(Side::kBuy), 0u);
  ASSERT_EQ(book->depth(Side::kSell), 1u);
  EXPECT_EQ(book->level(Side::kSell, 0).qty.to_string(), "35");  // 50 - 10 - 5
  EXPECT_EQ(engine.book_report().diagnostics.unknown_order, 0u);
}

TEST(FeedItch, BadLengthsGoToTheDeadLetterAndATruncatedEndIsAnError) {
  TempDir dir;
  ItchWriter w;
  w.begin('A', kAcme, kNine30).number(1, 8).letter('B').number(100, 4).alpha("ACME", 8).end();
  w.begin('D', kAcme, kNine30).number(1, 8).end();
  FeedRun run;
  read_file(run, dir.write("short.itch", w.bytes()), dated());
  ASSERT_EQ(run.sink.records.size(), 1u);
  EXPECT_EQ(run.sink.records[0].line, 1u);
  EXPECT_EQ(run.sink.records[0].reason, RejectReason::kMalformedRow);
  EXPECT_EQ(run.sink.records[0].detail, "message 'A' of 32 bytes, not 36");
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].kind, EventKind::kOrderDelete);

  std::string cut = every_message_type();
  cut.resize(cut.size() - 3);  // into the last message's bytes
  std::string message = feed_error(dir.write("cut.itch", cut), dated());
  EXPECT_NE(message.find("is truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("at byte"), std::string::npos) << message;

  FeedRun gz;
  read_file(gz, dir.write_gz("flow.itch.gz", every_message_type()), dated());
  FeedRun plain;
  read_file(plain, dir.write("flow.itch", every_message_type()), dated());
  ASSERT_EQ(gz.events.size(), plain.events.size());
  for (size_t i = 0; i < gz.events.size(); ++i) EXPECT_EQ(gz.events[i].ts, plain.events[i].ts);
}

TEST(FeedItch, TheDayComesFromTheOptionsOrTheFileName) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  ASSERT_TRUE(itch_date_from_name("/data/01302019.NASDAQ_ITCH50.gz", y, m, d));
  EXPECT_EQ(y, 2019);
  EXPECT_EQ(m, 1u);
  EXPECT_EQ(d, 30u);
  EXPECT_FALSE(itch_date_from_name("admin_first1000.itch", y, m, d));
  EXPECT_FALSE(itch_date_from_name("123013019.itch", y, m, d));

  TempDir dir;
  std::string flow = every_message_type();
  FeedOptions undated;
  EXPECT_NE(feed_error(dir.write("flow.itch", flow), undated).find("give the day"),
            std::string::npos);
  FeedRun named;
  read_file(named, dir.write("S01302019-v50.itch", flow));  // auto: told from the bytes
  ASSERT_FALSE(named.events.empty());
  EXPECT_EQ(named.events[0].ts.to_iso8601().substr(0, 10), "2019-01-30");
  FeedOptions bad = dated();
  bad.date = "2019-02-30";
  EXPECT_NE(feed_error(dir.write("flow.itch", flow), bad).find("is not YYYY-MM-DD"),
            std::string::npos);
}
