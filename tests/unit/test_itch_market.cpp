#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine_run.hpp"
#include "feed_test_support.hpp"
#include "sim/itch_market.hpp"

using namespace tw;
using namespace tw::test;
using tw::sim::ItchMarket;
using tw::sim::ItchMarketOptions;
using tw::sim::ItchWriter;

namespace {

ItchMarketOptions small_market(uint64_t seed) {
  ItchMarketOptions o;
  o.messages = 60'000;
  o.symbols = 120;
  o.seed = seed;
  o.live_orders_per_symbol = 50;
  return o;
}

std::string market_bytes(const ItchMarketOptions& options, sim::ItchMarketSummary* summary) {
  ItchMarket market(options);
  ItchWriter w;
  while (market.write_next(w)) {
  }
  if (summary != nullptr) *summary = market.summary();
  return w.bytes();
}

FeedOptions dated() {
  FeedOptions options;
  options.format = "itch";
  options.date = sim::kItchMarketDate;
  return options;
}

}  // namespace

TEST(ItchMarket, TheSameSeedWritesTheSameBytes) {
  EXPECT_EQ(market_bytes(small_market(7), nullptr), market_bytes(small_market(7), nullptr));
  EXPECT_NE(market_bytes(small_market(7), nullptr), market_bytes(small_market(8), nullptr));
}

TEST(ItchMarket, WritesEveryOrderFlowMessageTheReaderAcceptsWhole) {
  sim::ItchMarketSummary summary;
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("flow.itch", market_bytes(small_market(3), &summary)), dated());
  EXPECT_TRUE(run.sink.records.empty());
  EXPECT_EQ(summary.messages, 60'000u);
  EXPECT_EQ(summary.by_type['R'], 120u);
  for (char type : {'S', 'R', 'H', 'A', 'F', 'E', 'C', 'X', 'D', 'U', 'P'})
    EXPECT_GT(summary.by_type[static_cast<unsigned char>(type)], 0u) << type;
  EXPECT_NE(run.universe.find_symbol("AAAA").value, 0u);
  EXPECT_NE(run.universe.find_symbol(ItchMarket::symbol_name(119)).value, 0u);
  // Every message but S and R is an event.
  EXPECT_EQ(run.events.size(), summary.messages - summary.by_type['S'] - summary.by_type['R']);
}

// Ids are unique and every cancel, execution and replace names a live order: the books meet
// nothing a clean feed would not have, and the live orders stay near the target per symbol.
TEST(ItchMarket, OrdersAreConsistentAndTheirNumberStaysBounded) {
  sim::ItchMarketSummary summary;
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("flow.itch", market_bytes(small_market(5), &summary)), dated());
  tw::testing::EngineRun engine_run(run.universe, run.events);
  const BookReport books = engine_run.engine.book_report();
  EXPECT_EQ(books.diagnostics.unknown_order, 0u);
  EXPECT_EQ(books.diagnostics.duplicate_add, 0u);
  EXPECT_EQ(books.diagnostics.overfill, 0u);
  EXPECT_EQ(books.symbols, 120u);
  EXPECT_GT(summary.max_live_orders, 120u * 50 / 2);
  EXPECT_LT(summary.max_live_orders, 120u * 50 * 2);
  EXPECT_EQ(engine_run.engine.counters().executions, summary.by_type['E'] + summary.by_type['C']);
}

// The median delete comes soon after its add when most pulls take recent orders, and long
// after when every live order is as likely (50 live per symbol here).
TEST(ItchMarket, PullsTakeRecentOrdersAsRecentShareSays) {
  auto median_age = [](double recent_share) {
    ItchMarketOptions options = small_market(9);
    options.recent_share = recent_share;
    TempDir dir;
    FeedRun run;
    read_file(run, dir.write("flow.itch", market_bytes(options, nullptr)), dated());
    std::map<uint64_t, size_t> added_at;  // order id -> its symbol's message count then
    std::map<uint32_t, size_t> seen;      // symbol -> messages so far
    std::vector<size_t> ages;
    for (const Event& e : run.events) {
      const size_t n = ++seen[e.symbol.value];
      if (e.kind == EventKind::kOrderAdd) added_at[e.id.as_number()] = n;
      auto it = added_at.find(e.id.as_number());
      if (e.kind == EventKind::kOrderDelete && it != added_at.end()) ages.push_back(n - it->second);
    }
    std::nth_element(ages.begin(), ages.begin() + ages.size() / 2, ages.end());
    return ages[ages.size() / 2];
  };
  const size_t recent = median_age(0.8);
  const size_t uniform = median_age(0.0);
  EXPECT_LT(recent, 40u);
  EXPECT_GT(uniform, 2 * recent) << recent;
}

// A matching engine in price-time priority fills the oldest order at the best price first:
// every execution here names the lowest (oldest: refs ascend) live ref at its side's best.
TEST(ItchMarket, ExecutionsTakeTheOldestOrderAtTheBestPrice) {
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("flow.itch", market_bytes(small_market(4), nullptr)), dated());
  struct Resting {
    Side side;
    Price price;
  };
  using Queues = std::map<Price, std::set<uint64_t>>;
  std::map<uint32_t, std::array<Queues, 2>> books;  // symbol -> bids, asks
  std::map<uint64_t, Resting> live;
  auto queues = [&](uint32_t symbol, Side side) -> Queues& {
    return books[symbol][side == Side::kBuy ? 0 : 1];
  };
  auto remove = [&](uint32_t symbol, uint64_t ref) {
    const Resting r = live.at(ref);
    Queues& q = queues(symbol, r.side);
    q[r.price].erase(ref);
    if (q[r.price].empty()) q.erase(r.price);
    live.erase(ref);
  };
  auto add = [&](uint32_t symbol, uint64_t ref, Side side, Price price) {
    live[ref] = {side, price};
    queues(symbol, side)[price].insert(ref);
  };
  std::map<uint64_t, int64_t> shares;
  size_t executions = 0;
  for (const Event& e : run.events) {
    const uint32_t symbol = e.symbol.value;
    const uint64_t ref = e.id.as_number();
    switch (e.kind) {
      case EventKind::kOrderAdd:
        add(symbol, ref, e.side, e.price);
        shares[ref] = e.qty.raw();
        break;
      case EventKind::kOrderExecute: {
        const Resting r = live.at(ref);
        Queues& q = queues(symbol, r.side);
        const auto& best = r.side == Side::kBuy ? *q.rbegin() : *q.begin();
        EXPECT_EQ(r.price, best.first) << "execution of " << ref << " away from the best";
        EXPECT_EQ(ref, *best.second.begin()) << "execution of " << ref << " ahead of older orders";
        ++executions;
        [[fallthrough]];
      }
      case EventKind::kOrderCancel:
        if ((shares[ref] -= e.qty.raw()) == 0) remove(symbol, ref);
        break;
      case EventKind::kOrderDelete:
        remove(symbol, ref);
        break;
      case EventKind::kOrderReplace: {
        const Side side = live.at(ref).side;
        remove(symbol, ref);
        add(symbol, e.ref.as_number(), side, e.price);
        shares[e.ref.as_number()] = e.qty.raw();
        break;
      }
      default:
        break;
    }
  }
  EXPECT_GT(executions, 1000u);
}

TEST(ItchMarket, RefusesOptionsItCannotWrite) {
  ItchMarketOptions none = small_market(1);
  none.symbols = 0;
  EXPECT_THROW(ItchMarket{none}, std::invalid_argument);
  ItchMarketOptions too_few = small_market(1);
  too_few.messages = 2 * 120 + 4;
  EXPECT_THROW(ItchMarket{too_few}, std::invalid_argument);
  ItchMarketOptions share = small_market(1);
  share.recent_share = 1.5;
  EXPECT_THROW(ItchMarket{share}, std::invalid_argument);
  EXPECT_EQ(ItchMarket::symbol_name(0), "AAAA");
  EXPECT_EQ(ItchMarket::symbol_name(27), "AABB");
}
