// Order flow through the engine: the book per symbol, and executions turned into prints that
// the trade rules see.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine_run.hpp"
#include "model/bar.hpp"
#include "rule_run.hpp"

using namespace tw;

namespace {

struct OrderFlow {
  Universe universe;
  std::vector<Event> events;

  void order(int64_t second, EventKind kind, const char* id, Side side, const char* account) {
    Event e;
    e.ts = Timestamp::from_nanos((1'700'000'000 + second) * 1'000'000'000);
    e.kind = kind;
    e.symbol = universe.symbol("ACME");
    e.id = ExternalId::from_text(id);
    e.side = side;
    e.price = Price::from_units(10);
    e.qty = Quantity::from_units(100);
    if (account != nullptr) e.account = universe.account(account);
    e.seq = events.size() + 1;
    events.push_back(e);
  }
};

// alice's resting buy is hit, then her resting sell is lifted at the same price and size; bob's
// sell rests.
OrderFlow alice_trades_with_herself() {
  OrderFlow flow;
  flow.order(0, EventKind::kOrderAdd, "o1", Side::kBuy, "alice");
  flow.order(1, EventKind::kOrderExecute, "o1", Side::kBuy, nullptr);
  flow.order(2, EventKind::kOrderAdd, "o2", Side::kSell, "alice");
  flow.order(3, EventKind::kOrderAdd, "o3", Side::kSell, "bob");
  flow.order(4, EventKind::kOrderExecute, "o2", Side::kSell, nullptr);
  return flow;
}

}  // namespace

// The two prints of alice_trades_with_herself() name her on both sides, and wash.round_trip
// sees them: both filled her resting orders, her quotes taken both ways, which it pairs only
// with pair_resting_legs (by default it leaves a market maker's fills alone).
TEST(EngineOrders, ExecutionsBecomePrintsThatTheTradeRulesSee) {
  OrderFlow flow = alice_trades_with_herself();
  tw::testing::EngineRun quoting(flow.universe, flow.events);
  EXPECT_TRUE(quoting.alerts.alerts.empty());
  tw::testing::RuleRun run(flow.universe, flow.events, "wash.round_trip",
                           {{"pair_resting_legs", "true"}});
  const Engine& engine = run.engine;

  const EngineCounters& c = engine.counters();
  EXPECT_EQ(c.order_events, 5u);
  EXPECT_EQ(c.executions, 2u);
  EXPECT_EQ(c.trades, 2u);
  const OrderBook* book = engine.book(flow.universe.symbol("ACME"));
  ASSERT_NE(book, nullptr);
  EXPECT_EQ(book->live_orders(), 1u);  // bob's sell
  EXPECT_EQ(book->depth(Side::kSell), 1u);
  BookReport report = engine.book_report();
  EXPECT_EQ(report.symbols, 1u);
  EXPECT_EQ(report.diagnostics.unknown_order, 0u);

  ASSERT_EQ(run.fired().size(), 1u);
  const Alert& a = run.fired()[0];
  EXPECT_EQ(a.rule, "wash.round_trip");
  EXPECT_EQ(a.accounts, std::vector<std::string>{"alice"});
  // The prints carry no trade id: they are named by the lines of their executions.
  EXPECT_EQ(a.evidence, (std::vector<std::string>{"trade:line:2", "trade:line:5"}));
}

// An execution that names both parties of its fill (an audit trail's, or the simulator's) gives
// its print the aggressor's account beside the resting owner's: carol sells into bob's bid and
// buys the same back from bob's offer, a trade reversed between the two that no book alone could
// name: wash.round_trip pairs her legs (bob's two, both his quotes taken, it leaves alone as
// market making). Had she bought from dave instead, her legs would have had two
// counterparties, which is trading, not a round trip. (By default the rule also asks that each
// party rested once and that the resting orders were taken at once, as prearranged trades are:
// both are turned off here, where carol takes bob's quotes both ways, seconds after he placed
// them.)
TEST(EngineOrders, AnExecutionNamingItsPartiesGivesThePrintTheAggressor) {
  for (const char* second_seller : {"bob", "dave"}) {
    OrderFlow flow;
    flow.order(0, EventKind::kOrderAdd, "o1", Side::kBuy, "bob");
    flow.order(1, EventKind::kOrderAdd, "o2", Side::kSell, second_seller);
    flow.order(2, EventKind::kOrderExecute, "o1", Side::kBuy, nullptr);
    flow.events.back().seller = flow.universe.account("carol");
    flow.order(3, EventKind::kOrderExecute, "o2", Side::kSell, nullptr);
    flow.events.back().buyer = flow.universe.account("carol");
    tw::testing::RuleRun run(flow.universe, flow.events, "wash.round_trip",
                             {{"swapped_roles", "false"}, {"prearranged_legs", "false"}});
    EXPECT_EQ(run.engine.counters().trades, 2u);
    std::vector<std::vector<std::string>> accounts;
    for (const Alert& a : run.fired()) {
      EXPECT_EQ(a.rule, "wash.round_trip");
      accounts.push_back(a.accounts);
    }
    std::sort(accounts.begin(), accounts.end());
    if (std::string_view(second_seller) == "bob") {
      EXPECT_EQ(accounts, (std::vector<std::vector<std::string>>{{"carol"}}));
    } else {
      EXPECT_TRUE(accounts.empty());
    }
  }
}

// A sequenced feed's delete whose time is 8 s before its add's still follows the add: taken in
// sequence it removes the order, at the add's time. Re-sorted by time, it would come first, as
// the delete of an unknown order, and the order would rest for ever.
TEST(EngineOrders, InSequenceAnEarlierTimeKeepsItsPlace) {
  OrderFlow flow;
  flow.order(10, EventKind::kOrderAdd, "o1", Side::kBuy, "alice");
  flow.order(2, EventKind::kOrderDelete, "o1", Side::kBuy, nullptr);
  flow.order(11, EventKind::kOrderAdd, "o2", Side::kSell, "bob");
  for (bool in_sequence : {true, false}) {
    Config config = default_config();
    AlertCollector alerts;
    DeadLetter rejects;
    Engine engine(config, flow.universe, alerts, rejects);
    if (in_sequence) engine.take_in_sequence();
    for (const Event& e : flow.events) engine.push(e);
    engine.finish();
    const EngineCounters& c = engine.counters();
    const OrderBook* book = engine.book(flow.universe.symbol("ACME"));
    ASSERT_NE(book, nullptr);
    EXPECT_EQ(c.times_clamped, in_sequence ? 1u : 0u);
    EXPECT_EQ(c.time_backwards, 0u);
    EXPECT_EQ(c.order_events, 3u);
    EXPECT_EQ(book->live_orders(), in_sequence ? 1u : 2u);
    EXPECT_EQ(book->diagnostics().unknown_order, in_sequence ? 0u : 1u);
    EXPECT_EQ(c.first_event, flow.events[in_sequence ? 0 : 1].ts);
    EXPECT_EQ(c.last_event, flow.events[2].ts);
  }
}

// The rules whose needs are trades alone read trades alone, and the engine hands them only the
// trades of order flow (Detector::reads_trades_only); every other rule gets every event.
TEST(EngineOrders, RulesThatNeedTradesAloneReadTradesAlone) {
  Config config = default_config();
  Universe universe;
  AlertCollector alerts;
  PerSymbol<OrderBook> books;
  size_t trade_rules = 0;
  for (const RuleInfo& info : rule_registry()) {
    auto rule = info.make(DetectorContext{universe, config.rule(info.name), alerts, &books});
    EXPECT_EQ(rule->reads_trades_only(), info.needs.starts_with("trades")) << info.name;
    trade_rules += rule->reads_trades_only() ? 1 : 0;
  }
  EXPECT_EQ(trade_rules, 6u);  // the three wash rules, pump_and_dump, momentum and the close
}

// An execution of an order the book never saw (it rested before the feed began) is printed
// from the execution's own side and price; one with neither is counted but not printed.
TEST(EngineOrders, ExecutionsOfUnknownOrdersArePrintedFromWhatTheyCarry) {
  OrderFlow flow;
  flow.order(0, EventKind::kOrderExecute, "old", Side::kSell, nullptr);
  flow.order(1, EventKind::kOrderExecute, "older", Side::kUnknown, nullptr);
  tw::testing::EngineRun run(flow.universe, flow.events);
  const Engine& engine = run.engine;
  EXPECT_EQ(engine.counters().executions, 1u);
  EXPECT_EQ(engine.book_report().diagnostics.unknown_order, 2u);
}

namespace {

/// The bars an engine closes, as (volume, buy volume, trades) each.
class BarLog final : public BarSink {
 public:
  void on_bar(std::string_view, const Bar& bar) override {
    bars.push_back({bar.volume.raw(), bar.buy_volume.raw(), bar.trades});
  }
  std::vector<std::tuple<int64_t, int64_t, uint64_t>> bars;
};

}  // namespace

// With every rule off, order flow only builds the books (nothing is gathered for rules): the
// books, the prints counted and the bars made of them are as with the rules on.
TEST(EngineOrders, WithoutRulesTheBooksPrintsAndBarsAreTheSame) {
  OrderFlow flow = alice_trades_with_herself();
  flow.order(65, EventKind::kOrderDelete, "o3", Side::kSell, nullptr);
  flow.order(66, EventKind::kOrderExecute, "old", Side::kSell, nullptr);
  struct Outcome {
    EngineCounters counters;
    BookReport books;
    std::vector<std::tuple<int64_t, int64_t, uint64_t>> bars;
  };
  auto run = [&](bool rules) {
    Config config = default_config();
    for (auto& [name, rule] : config.rules) rule.enabled = rules;
    AlertCollector alerts;
    DeadLetter rejects;
    BarLog bars;
    Engine engine(config, flow.universe, alerts, rejects, &bars);
    engine.push_events(flow.events);
    engine.finish();
    return Outcome{engine.counters(), engine.book_report(), bars.bars};
  };
  const Outcome with_rules = run(true);
  const Outcome without = run(false);
  EXPECT_EQ(without.counters.executions, 3u);
  EXPECT_EQ(without.counters.executions, with_rules.counters.executions);
  EXPECT_EQ(without.counters.trades, with_rules.counters.trades);
  EXPECT_EQ(without.counters.order_events, with_rules.counters.order_events);
  EXPECT_EQ(without.books.live_orders, 0u);
  EXPECT_EQ(without.books.live_orders, with_rules.books.live_orders);
  EXPECT_EQ(without.books.diagnostics.unknown_order, 1u);
  EXPECT_EQ(without.books.diagnostics.unknown_order, with_rules.books.diagnostics.unknown_order);
  ASSERT_EQ(without.bars.size(), 2u);
  EXPECT_EQ(without.bars, with_rules.bars);
}
