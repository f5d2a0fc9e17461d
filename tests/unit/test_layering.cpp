// layering: sets of orders over several levels of one side pulled together after a trade
// against them; each threshold just under and over, accounts, episodes and the LOBSTER days.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "amazon_days.hpp"
#include "order_flow.hpp"
#include "rule_run.hpp"

using namespace tw;
using tw::testing::OrderFlow;
using tw::testing::ParamTexts;
using tw::testing::RuleRun;

namespace {

constexpr std::string_view kRule = "layering";

/// ACME with three bids and five asks of 100 a cent apart, then three sell layers of 300 at
/// 100.02-100.04 placed at 1.0-1.2 s: 900 of the 1,400 offered within ten levels.
struct LayerFlow : OrderFlow {
  explicit LayerFlow(std::string_view account = {}) {
    add(0, "b1", Side::kBuy, 99.99, 100);
    add(0, "b2", Side::kBuy, 99.98, 100);
    add(0, "b3", Side::kBuy, 99.97, 100);
    for (int i = 1; i <= 5; ++i) {
      add(0, "a" + std::to_string(i), Side::kSell, 100.00 + 0.01 * i, 100);
    }
    add(1000, "L1", Side::kSell, 100.02, 300, account);
    add(1100, "L2", Side::kSell, 100.03, 300, account);
    add(1200, "L3", Side::kSell, 100.04, 300, account);
  }

  void pull_all(int64_t from_ms, int64_t step_ms = 100) {
    remove(from_ms, "L1");
    remove(from_ms + step_ms, "L2");
    remove(from_ms + 2 * step_ms, "L3");
  }
};

std::vector<Alert> run(OrderFlow& flow, ParamTexts params = {}) {
  RuleRun r(flow.universe, flow.events, kRule, params);
  return r.fired();
}

/// Sellers hit the bid at 2 s, and the layers go at 2.5-2.7 s.
LayerFlow classic() {
  LayerFlow flow;
  flow.execute(2000, "b1", 50);
  flow.pull_all(2500);
  return flow;
}

}  // namespace

TEST(Layering, IsRegisteredWithItsParameters) {
  const RuleInfo* info = find_rule(kRule);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->params.size(), 7u);
}

TEST(Layering, LayersPulledAfterATradeAgainstThemAreOneAlert) {
  LayerFlow flow = classic();
  std::vector<Alert> alerts = run(flow);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "layering");
  EXPECT_EQ(a.start, OrderFlow::at(1000));
  EXPECT_EQ(a.end, OrderFlow::at(2700));
  EXPECT_DOUBLE_EQ(metric(a, "orders"), 3);
  EXPECT_DOUBLE_EQ(metric(a, "price_levels"), 3);
  EXPECT_DOUBLE_EQ(metric(a, "size"), 900);
  EXPECT_DOUBLE_EQ(metric(a, "visible_depth"), 1400);
  EXPECT_DOUBLE_EQ(metric(a, "placement_span_s"), 0.2);
  EXPECT_DOUBLE_EQ(metric(a, "pull_span_s"), 0.2);
  EXPECT_DOUBLE_EQ(metric(a, "delay_after_trade_s"), 0.5);
  EXPECT_EQ(a.evidence,
            (std::vector<std::string>{"order:L1", "order:L2", "order:L3", "trade:line:12"}));
  EXPECT_TRUE(a.accounts.empty());
  EXPECT_NE(a.why.find("3 sell orders at 3 price levels (100.02-100.04)"), std::string::npos)
      << a.why;
}

// Event time alone reports the episode once cancel_window has passed its last pull: the ticks
// that event time in another symbol brings reach the tracker (its due time), before the input
// ends.
TEST(Layering, TheWatermarkReportsAnEpisode) {
  LayerFlow flow = classic();
  flow.symbol = "OTHER";
  for (int64_t ms = 3000; ms <= 20'000; ms += 1000) flow.trade(ms, Side::kBuy, 10, 1);
  Config config = tw::testing::only_rule(kRule);
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine(config, flow.universe, alerts, rejects);
  engine.push_events(flow.events);
  ASSERT_EQ(alerts.alerts.size(), 1u) << "reported by a tick, before finish";
  EXPECT_EQ(alerts.alerts[0].end, OrderFlow::at(2700));
  engine.finish();
  EXPECT_EQ(alerts.alerts.size(), 1u);
}

TEST(Layering, NeedsMinOrdersPriceLevels) {
  LayerFlow flow;
  flow.execute(2000, "b1", 50);
  flow.remove(2500, "L1");
  flow.remove(2600, "L2");
  EXPECT_TRUE(run(flow).empty()) << "two layers";
  // 600 of 1,400: the depth share has to come down with the count.
  EXPECT_EQ(run(flow, {{"min_orders", "2"}, {"depth_share", "0.4"}}).size(), 1u);

  LayerFlow one_price;
  one_price.add(1300, "L4", Side::kSell, 100.02, 300);
  one_price.add(1400, "L5", Side::kSell, 100.02, 300);
  one_price.execute(2000, "b1", 50);
  one_price.remove(2500, "L1");
  one_price.remove(2600, "L4");
  one_price.remove(2700, "L5");
  EXPECT_TRUE(run(one_price).empty()) << "three orders at one price are not layers";
}

TEST(Layering, AddsWithinPlacementWindowInclusive) {
  for (int64_t third : {6000, 6001}) {  // L1 at 1.0 s; the window is 5 s
    LayerFlow flow;
    flow.remove(1300, "L3");
    flow.add(third, "L3b", Side::kSell, 100.04, 300);
    flow.execute(third + 100, "b1", 50);
    flow.remove(third + 200, "L1");
    flow.remove(third + 300, "L2");
    flow.remove(third + 400, "L3b");
    EXPECT_EQ(run(flow).size(), third == 6000 ? 1u : 0u) << third;
  }
}

TEST(Layering, PullsWithinCancelWindowInclusive) {
  for (int64_t last : {3500, 3501}) {  // L1 pulled at 2.5 s; the window is 1 s
    LayerFlow flow;
    flow.execute(2000, "b1", 50);
    flow.remove(2500, "L1");
    flow.remove(2600, "L2");
    flow.remove(last, "L3");
    EXPECT_EQ(run(flow).size(), last == 3500 ? 1u : 0u) << last;
  }
}

TEST(Layering, TheFirstPullFollowsATradeAgainstTheLayersWithinMaxCancelDelay) {
  for (int64_t first_pull : {7000, 7001}) {  // the trade at 2 s; the delay is at most 5 s
    LayerFlow flow;
    flow.execute(2000, "b1", 50);
    flow.pull_all(first_pull);
    EXPECT_EQ(run(flow).size(), first_pull == 7000 ? 1u : 0u) << first_pull;
  }
  LayerFlow no_trade;
  no_trade.pull_all(2500);
  EXPECT_TRUE(run(no_trade).empty());

  LayerFlow before_layers;  // the trade came before the last layer was placed (the engine
  before_layers.execute(1150, "b1", 50);  // puts it back in time order)
  before_layers.pull_all(2500);
  EXPECT_TRUE(run(before_layers).empty());

  LayerFlow own_side;  // a buyer lifts the offer: not a trade against sell layers
  own_side.execute(2000, "a1", 50);
  own_side.pull_all(2500);
  EXPECT_TRUE(run(own_side).empty());
}

TEST(Layering, LayersHoldDepthShareOfTheVisibleDepth) {
  for (double deep : {400.0, 401.0}) {  // 900 of 1,800 is half; 900 of 1,801 is not
    LayerFlow flow;
    flow.add(1500, "deep", Side::kSell, 100.05, deep);
    flow.execute(2000, "b1", 50);
    flow.pull_all(2500);
    EXPECT_EQ(run(flow).size(), deep == 400 ? 1u : 0u) << deep;
  }
}

// The set's prices are counted only as far as min_orders, its size over every layer: here the
// fourth layer, at a price already counted, brings the set to half the depth (1,100 of 2,000).
TEST(Layering, EveryLayerCountsTowardsTheDepthShare) {
  LayerFlow flow;
  flow.add(1300, "L4", Side::kSell, 100.02, 200);
  flow.add(1500, "deep", Side::kSell, 100.05, 400);
  flow.execute(2000, "b1", 50);
  flow.pull_all(2500);
  flow.remove(2800, "L4");
  std::vector<Alert> alerts = run(flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "orders"), 4);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "price_levels"), 3);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "size"), 1100);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "visible_depth"), 2000);
}

TEST(Layering, FilledOrdersAreNotLayers) {
  for (double filled : {29.0, 30.0}) {  // under and at a tenth of 300
    LayerFlow flow;
    flow.execute(1900, "L1", filled);
    flow.execute(2000, "b1", 50);
    flow.pull_all(2500);
    EXPECT_EQ(run(flow).size(), filled == 29 ? 1u : 0u) << filled;
  }
}

TEST(Layering, WithAccountsTheLayersAndTheTradeAreOneAccounts) {
  LayerFlow flow("mallory");
  flow.trade(2000, Side::kBuy, 100.01, 50, "mallory", "bob");  // she buys while they rest
  flow.pull_all(2500);
  std::vector<Alert> alerts = run(flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"mallory"});

  LayerFlow others("mallory");
  others.trade(2000, Side::kBuy, 100.01, 50, "alice", "bob");
  others.pull_all(2500);
  EXPECT_TRUE(run(others).empty()) << "others' trades are not hers";

  LayerFlow mixed;
  mixed.events.clear();
  mixed.add(0, "b1", Side::kBuy, 99.99, 100);
  mixed.add(1000, "L1", Side::kSell, 100.02, 300, "mallory");
  mixed.add(1100, "L2", Side::kSell, 100.03, 300, "mallory");
  mixed.add(1200, "L3", Side::kSell, 100.04, 300, "bob");
  mixed.trade(2000, Side::kBuy, 100.01, 50, "mallory", "carol");
  mixed.pull_all(2500);
  EXPECT_TRUE(run(mixed).empty()) << "two accounts' orders are not one set";
}

TEST(Layering, MoreLayersPulledInTheSameBurstJoinTheEpisode) {
  LayerFlow flow;
  flow.add(1300, "L4", Side::kSell, 100.05, 300);
  flow.add(1400, "L5", Side::kSell, 100.06, 300);
  flow.execute(2000, "b1", 50);
  flow.pull_all(2500);
  flow.remove(2800, "L4");
  flow.remove(2900, "L5");
  std::vector<Alert> alerts = run(flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "orders"), 5);
  EXPECT_EQ(alerts[0].end, OrderFlow::at(2900));
}

TEST(Layering, ReRunsGiveTheSameIds) {
  LayerFlow flow = classic();
  std::vector<Alert> first = run(flow);
  std::vector<Alert> second = run(flow);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].id, second[0].id);
}

TEST(Layering, ParametersOutOfRangeFailAtStartUp) {
  LayerFlow flow = classic();
  EXPECT_THROW(run(flow, {{"min_orders", "33"}}), ConfigError);
}

TEST(LayeringLobster, AmazonDaysGiveWellFormedAlerts) {
  auto days = tw::testing::amazon_days();
  if (days.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
  for (auto& day : days) {
    RuleRun r(day->universe, day->events, kRule);
    tw::testing::report_per_million(kRule, *day, r.fired().size());
    for (const Alert& a : r.fired()) {
      EXPECT_GE(metric(a, "price_levels"), 3.0);
      EXPECT_GE(metric(a, "depth_share"), 0.5);
      EXPECT_LE(metric(a, "delay_after_trade_s"), 5.0);
      EXPECT_GE(a.evidence.size(), 4u);
    }
  }
}
