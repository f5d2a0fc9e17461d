// spoofing: large orders pulled soon, mostly unfilled, while the other side traded; each
// threshold just under and over, accounts, configuration and the real LOBSTER days.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "amazon_days.hpp"
#include "order_flow.hpp"
#include "rule_run.hpp"

using namespace tw;
using tw::testing::OrderFlow;
using tw::testing::ParamTexts;
using tw::testing::RuleRun;

namespace {

constexpr std::string_view kRule = "spoofing";

/// A quiet book of ACME: three bids and five asks of 100, a cent apart around 100.00, which
/// give the median order size (100) its history.
struct SpoofFlow : OrderFlow {
  SpoofFlow() {
    add(0, "b1", Side::kBuy, 99.99, 100);
    add(0, "b2", Side::kBuy, 99.98, 100);
    add(0, "b3", Side::kBuy, 99.97, 100);
    add(0, "a1", Side::kSell, 100.01, 100);
    add(0, "a2", Side::kSell, 100.02, 100);
    add(0, "a3", Side::kSell, 100.03, 100);
    add(0, "a4", Side::kSell, 100.04, 100);
    add(0, "a5", Side::kSell, 100.05, 100);
  }
};

// Small history and median windows, so that the eight orders above are enough.
std::vector<Alert> run(OrderFlow& flow, ParamTexts params = {}) {
  // One trade against the order is enough here; NeedsMinOppositeTrades holds the default.
  tw::Config config = tw::testing::only_rule(
      kRule, {{"min_history", "5"}, {"median_orders", "16"}, {"min_opposite_trades", "1"}});
  const RuleInfo* info = find_rule(kRule);
  for (const auto& [name, text] : params) {
    set_param(config.rules.find(kRule)->second.values, *info, name, text);
  }
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine(config, flow.universe, alerts, rejects);
  engine.push_events(flow.events);
  engine.finish();
  return alerts.alerts;
}

/// The classic: a sell for 20 times the usual size rests 2 s while sellers hit the bid, then
/// goes.
SpoofFlow classic() {
  SpoofFlow flow;
  flow.add(1000, "spoof", Side::kSell, 100.02, 2000);
  flow.execute(1500, "b1", 50);  // a sell hits the bid: the trade the spoof leaned on
  flow.remove(3000, "spoof");
  return flow;
}

}  // namespace

TEST(Spoofing, IsRegisteredWithItsParameters) {
  const RuleInfo* info = find_rule(kRule);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->params.size(), 15u);
}

TEST(Spoofing, ALargeOrderPulledWhileTheOtherSideTradedIsOneAlert) {
  SpoofFlow flow = classic();
  std::vector<Alert> alerts = run(flow);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "spoofing");
  EXPECT_EQ(a.symbol, "ACME");
  EXPECT_EQ(a.start, OrderFlow::at(1000));
  EXPECT_EQ(a.end, OrderFlow::at(3000));
  EXPECT_TRUE(a.accounts.empty());
  EXPECT_DOUBLE_EQ(metric(a, "lifetime_s"), 2.0);
  EXPECT_DOUBLE_EQ(metric(a, "fill_ratio"), 0.0);
  EXPECT_DOUBLE_EQ(metric(a, "median_multiple"), 20.0);
  EXPECT_NEAR(metric(a, "depth_share"), 2000.0 / 2500.0, 1e-12);
  EXPECT_DOUBLE_EQ(metric(a, "opposite_trades"), 1.0);
  EXPECT_DOUBLE_EQ(metric(a, "opposite_volume"), 50.0);
  // The spoof, then the print of the execution on line 10 (prints of LOBSTER-like executions
  // carry no trade id).
  EXPECT_EQ(a.evidence, (std::vector<std::string>{"order:spoof", "trade:line:10"}));
  EXPECT_GE(a.score, 50);
  EXPECT_LE(a.score, 100);
  EXPECT_NE(a.why.find("Sell order spoof for 2000 at 100.02"), std::string::npos) << a.why;
}

TEST(Spoofing, NeedsMinOppositeTrades) {
  SpoofFlow flow = classic();
  EXPECT_TRUE(run(flow, {{"min_opposite_trades", "2"}}).empty()) << "one trade against it";
  SpoofFlow twice;
  twice.add(1000, "spoof", Side::kSell, 100.02, 2000);
  twice.execute(1500, "b1", 50);
  twice.execute(1600, "b1", 50);
  twice.remove(3000, "spoof");
  EXPECT_EQ(run(twice, {{"min_opposite_trades", "2"}}).size(), 1u);
}

TEST(Spoofing, TradesOnTheSpoofsOwnSideDoNotCount) {
  SpoofFlow flow;
  flow.add(1000, "spoof", Side::kSell, 100.02, 2000);
  flow.execute(1500, "a1", 50);  // a buyer lifts the offer: pressure the spoof did not make
  flow.remove(3000, "spoof");
  EXPECT_TRUE(run(flow).empty());
}

TEST(Spoofing, NothingWithoutTradesWhileItRested) {
  SpoofFlow flow;
  flow.execute(500, "b1", 50);  // before the spoof
  flow.add(1000, "spoof", Side::kSell, 100.02, 2000);
  flow.remove(3000, "spoof");
  flow.execute(3500, "b2", 50);  // after it
  EXPECT_TRUE(run(flow).empty());
}

TEST(Spoofing, PulledWithinMaxLifetimeInclusive) {
  for (int64_t pulled : {11000, 11001}) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000);
    flow.execute(1500, "b1", 50);
    flow.remove(pulled, "spoof");
    EXPECT_EQ(run(flow).size(), pulled == 11000 ? 1u : 0u) << pulled;
  }
  SpoofFlow flow = classic();
  EXPECT_TRUE(run(flow, {{"max_lifetime", "1s"}}).empty());
}

TEST(Spoofing, FilledLessThanMaxFillRatio) {
  for (double filled : {199.0, 200.0}) {  // 9.95 % and 10 % of 2000
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000);
    flow.execute(1500, "b1", 50);
    flow.execute(2000, "spoof", filled);
    flow.remove(3000, "spoof");
    std::vector<Alert> alerts = run(flow);
    EXPECT_EQ(alerts.size(), filled < 200 ? 1u : 0u) << filled;
    if (!alerts.empty()) {
      EXPECT_DOUBLE_EQ(metric(alerts[0], "fill_ratio"), 199.0 / 2000);
    }
  }
}

TEST(Spoofing, ACancelOfAllThatIsLeftIsAPull) {
  SpoofFlow flow;
  flow.add(1000, "spoof", Side::kSell, 100.02, 2000);
  flow.execute(1500, "b1", 50);
  flow.cancel(2000, "spoof", 1500);
  EXPECT_TRUE(run(flow).empty()) << "500 still rest";
  flow.cancel(2500, "spoof", 500);
  EXPECT_EQ(run(flow).size(), 1u);
}

TEST(Spoofing, SizeFromTenTimesTheMedianOrder) {
  // The depth test is kept out of the way: no order reaches the whole visible depth.
  for (double size : {999.0, 1000.0}) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, size);
    flow.execute(1500, "b1", 50);
    flow.remove(3000, "spoof");
    EXPECT_EQ(run(flow, {{"depth_share", "1"}}).size(), size >= 1000 ? 1u : 0u) << size;
  }
}

TEST(Spoofing, SizeFromAQuarterOfTheVisibleDepth) {
  // Asks rest 500 within 5 levels: 167 more is 25.04 % of 667, 166 is 24.9 % of 666.
  for (double size : {166.0, 167.0}) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, size);
    flow.execute(1500, "b1", 50);
    flow.remove(3000, "spoof");
    ParamTexts params = {{"size_multiple", "1000"}, {"depth_min_multiple", "0"}};
    EXPECT_EQ(run(flow, params).size(), size >= 167 ? 1u : 0u) << size;
  }
}

TEST(Spoofing, TheDepthTestAlsoNeedsDepthMinMultipleOfTheMedian) {
  for (double size : {499.0, 500.0}) {  // 4.99 and 5 times the median, both over a quarter
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, size);
    flow.execute(1500, "b1", 50);
    flow.remove(3000, "spoof");
    EXPECT_EQ(run(flow, {{"size_multiple", "1000"}}).size(), size >= 500 ? 1u : 0u) << size;
  }
}

TEST(Spoofing, TheDepthTestNeedsDepthLevelsInView) {
  SpoofFlow flow;
  flow.add(1000, "spoof", Side::kSell, 100.02, 1000);  // 67 % of the asks, 10x the median
  flow.execute(1500, "b1", 50);
  flow.remove(3000, "spoof");
  EXPECT_EQ(run(flow, {{"size_multiple", "1000"}, {"depth_levels", "5"}}).size(), 1u);
  EXPECT_TRUE(run(flow, {{"size_multiple", "1000"}, {"depth_levels", "6"}}).empty())
      << "five ask levels show, six are asked for";
}

TEST(Spoofing, OrdersDeeperThanDepthLevelsAreNotJudged) {
  for (double price : {100.05, 100.06}) {  // 4 or 5 levels better than it
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, price, 5000);
    flow.execute(1500, "b1", 50);
    flow.remove(3000, "spoof");
    EXPECT_EQ(run(flow).size(), price < 100.06 ? 1u : 0u) << price;
  }
}

TEST(Spoofing, WithAccountsOnlyTheSpoofersOwnTradesCount) {
  SpoofFlow flow;
  flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
  flow.trade(1500, Side::kSell, 99.99, 50, "alice", "bob");  // others trade: not hers
  flow.remove(3000, "spoof");
  EXPECT_TRUE(run(flow).empty());

  SpoofFlow bought;
  bought.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
  bought.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");  // she buys while it rests
  bought.remove(3000, "spoof");
  std::vector<Alert> alerts = run(bought);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"mallory"});
  EXPECT_EQ(alerts[0].evidence[1], "trade:t10");
}

// A market maker quotes both sides with the same large size and pulls both as it quotes again:
// its bid rested beside its offer (when the offer was added) and traded, so the offer is no
// spoof. Just under two_sided_share of the offer on the other side, it is one; 0 turns the test
// off.
TEST(Spoofing, TwoSidedQuotingIsNotSpoofing) {
  auto quotes = [](double bid_size) {
    SpoofFlow flow;
    flow.add(1000, "mm-bid", Side::kBuy, 99.99, bid_size, "maker");
    flow.add(1000, "mm-ask", Side::kSell, 100.02, 2000, "maker");
    flow.execute(1500, "mm-bid", 50);  // a seller hits its bid
    flow.remove(3000, "mm-bid");
    flow.remove(3000, "mm-ask");
    return flow;
  };
  SpoofFlow maker = quotes(2000);
  EXPECT_TRUE(run(maker).empty());
  // 940 resting and 50 traded against an offer of 2,000: 0.495 of it.
  SpoofFlow lopsided = quotes(940);
  std::vector<Alert> alerts = run(lopsided);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].evidence[0], "order:mm-ask");
  SpoofFlow off = quotes(2000);
  EXPECT_EQ(run(off, {{"two_sided_share", "0"}}).size(), 1u);
}

// A maker's bid placed with its offer can lie deeper than depth_levels when the offer is added
// (others bid better), and reach the best and trade while the offer rests: the bid, at its size,
// is the maker's interest on the other side (two_sided_fills).
TEST(Spoofing, AnOtherSideOrderThatTradedCountsAtItsSize) {
  SpoofFlow flow;
  flow.add(0, "b4", Side::kBuy, 99.96, 100);
  flow.add(0, "b5", Side::kBuy, 99.95, 100);
  flow.add(0, "b6", Side::kBuy, 99.94, 100);
  flow.add(1000, "mm-bid", Side::kBuy, 99.93, 2000, "maker");  // the 7th bid level
  flow.add(1000, "mm-ask", Side::kSell, 100.02, 2000, "maker");
  for (std::string_view bid : {"b1", "b2", "b3", "b4", "b5", "b6"}) flow.remove(1200, bid);
  flow.execute(1500, "mm-bid", 50);  // a seller hits its bid
  flow.remove(3000, "mm-bid");
  flow.remove(3000, "mm-ask");
  EXPECT_TRUE(run(flow).empty());
  std::vector<Alert> alerts = run(flow, {{"two_sided_fills", "false"}});
  ASSERT_EQ(alerts.size(), 1u) << "only 50 traded: 0.025 of the offer";
  EXPECT_EQ(alerts[0].evidence[0], "order:mm-ask");
}

// The spoofer trades again and again while its order shows; one order of its that fills
// against several resting orders at once is one decision, and so is one resting order of its
// filled several times (count_decisions). Without accounts every print counts, as before.
TEST(Spoofing, MinOppositeTradesCountsTheAccountsDecisions) {
  const ParamTexts two = {{"min_opposite_trades", "2"}};
  auto takes = [](int64_t second_take_ms) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
    flow.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");
    flow.trade(second_take_ms, Side::kBuy, 100.01, 50, "mallory", "carol");
    flow.remove(3000, "spoof");
    return flow;
  };
  SpoofFlow sweep = takes(1500);
  EXPECT_TRUE(run(sweep, two).empty()) << "one order filled twice";
  EXPECT_EQ(run(sweep, {{"min_opposite_trades", "2"}, {"count_decisions", "false"}}).size(), 1u);
  SpoofFlow twice = takes(2000);
  std::vector<Alert> alerts = run(twice, two);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "opposite_trades"), 2.0);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "opposite_decisions"), 2.0);

  SpoofFlow anonymous;  // sellers hit the bid at one time: two prints against the order
  anonymous.add(1000, "spoof", Side::kSell, 100.02, 2000);
  anonymous.trade(1500, Side::kSell, 99.99, 50);
  anonymous.trade(1500, Side::kSell, 99.99, 50);
  anonymous.remove(3000, "spoof");
  EXPECT_EQ(run(anonymous, two).size(), 1u);
}

// A bid of the account filled twice by sellers while its large offer rests: one decision when
// the bid rested before the offer was placed (an ordinary trader's order, filled by others);
// placed after it, one decision, and a take besides makes two.
TEST(Spoofing, ARestingOrderFilledWhileTheOrderShowsCountsOnceIfPlacedSince) {
  const ParamTexts two = {{"min_opposite_trades", "2"}};
  auto flow_with = [](int64_t bid_added_ms, bool takes_too) {
    SpoofFlow flow;
    const bool bid_first = bid_added_ms < 1000;
    if (bid_first) flow.add(bid_added_ms, "bid", Side::kBuy, 100.00, 100, "mallory");
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
    if (!bid_first) flow.add(bid_added_ms, "bid", Side::kBuy, 100.00, 100, "mallory");
    flow.execute(1500, "bid", 50);
    flow.execute(1800, "bid", 50);
    if (takes_too) flow.trade(2000, Side::kBuy, 100.01, 50, "mallory", "carol");
    flow.remove(3000, "spoof");
    return flow;
  };
  SpoofFlow before = flow_with(500, false);
  EXPECT_TRUE(run(before, two).empty());
  EXPECT_EQ(run(before, {{"min_opposite_trades", "2"}, {"count_decisions", "false"}}).size(), 1u);
  SpoofFlow before_and_take = flow_with(500, true);
  EXPECT_TRUE(run(before_and_take, two).empty()) << "only the take was decided while it showed";
  SpoofFlow since = flow_with(1200, false);
  EXPECT_TRUE(run(since, two).empty()) << "one order, filled twice";
  SpoofFlow since_and_take = flow_with(1200, true);
  std::vector<Alert> alerts = run(since_and_take, two);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "opposite_trades"), 3.0);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "opposite_decisions"), 2.0);
}

// A spoofer buys under its spoof offer, where the offer's pressure helps it; a buy at the
// offer's own price or above it crossed the account's own order (through_price_clears).
TEST(Spoofing, ATradeAtOrThroughTheOrdersOwnPriceClearsIt) {
  for (double price : {100.01, 100.02, 100.03}) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
    flow.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");
    flow.trade(1600, Side::kBuy, price, 50, "mallory", "carol");
    flow.remove(1700, "spoof");  // a pull of its own, after the take
    EXPECT_EQ(run(flow).size(), price < 100.02 ? 1u : 0u) << price;
    EXPECT_EQ(run(flow, {{"through_price_clears", "false"}}).size(), 1u) << price;
  }
}

// The spoofer pulls its order once its trades on the other side are done; an order that
// outlives the account's last trade there by more than max_pull_delay (2 s) was not pulled for
// them. A fill of its resting order there is such a trade too. Without accounts, as before.
TEST(Spoofing, APullLongAfterTheAccountsLastTradeIsNoSpoof) {
  auto flow_with = [](int64_t pull_ms, bool bid_filled_late) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
    flow.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");
    flow.trade(2000, Side::kBuy, 100.01, 50, "mallory", "carol");
    if (bid_filled_late) {
      flow.add(2100, "bid", Side::kBuy, 100.00, 100, "mallory");
      flow.execute(4000, "bid", 50);  // a seller hits its bid
    }
    flow.remove(pull_ms, "spoof");
    return flow;
  };
  SpoofFlow prompt = flow_with(3900, false);
  std::vector<Alert> alerts = run(prompt);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "pull_delay_s"), 1.9);
  SpoofFlow late = flow_with(4100, false);
  EXPECT_TRUE(run(late).empty()) << "pulled 2.1 s after its last trade";
  EXPECT_EQ(run(late, {{"max_pull_delay", "10s"}}).size(), 1u);
  SpoofFlow after_fill = flow_with(5500, true);
  EXPECT_EQ(run(after_fill).size(), 1u) << "pulled 1.5 s after its bid traded";

  SpoofFlow anonymous;  // sellers hit the bid
  anonymous.add(1000, "spoof", Side::kSell, 100.02, 2000);
  anonymous.trade(1500, Side::kSell, 99.99, 50);
  anonymous.trade(2000, Side::kSell, 99.99, 50);
  anonymous.remove(4100, "spoof");
  EXPECT_EQ(run(anonymous).size(), 1u);
}

// A trade on the other side counts while the order shows within depth_levels of its side's
// best; once the market has left it deeper, the account's trades there no longer lean on it
// (shown_trades_only), whether it took there or its order placed there was filled.
TEST(Spoofing, OnlyTradesWhileTheOrderShowsCount) {
  auto flow_with = [](bool left_behind, bool passive) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");  // behind 100.01
    flow.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");
    if (left_behind) flow.add(1700, "a0", Side::kSell, 100.00, 100);  // now behind two levels
    if (passive) {
      flow.add(1800, "bid", Side::kBuy, 99.99, 100, "mallory");
      flow.execute(2000, "bid", 50);  // a seller hits its bid
    } else {
      flow.trade(2000, Side::kBuy, 100.00, 50, "mallory", "carol");
    }
    flow.remove(2500, "spoof");
    return flow;
  };
  const ParamTexts two_levels = {{"min_opposite_trades", "2"}, {"depth_levels", "2"}};
  const ParamTexts all_trades = {
      {"min_opposite_trades", "2"}, {"depth_levels", "2"}, {"shown_trades_only", "false"}};
  for (bool passive : {false, true}) {
    SpoofFlow shown = flow_with(false, passive);
    EXPECT_EQ(run(shown, two_levels).size(), 1u) << passive;
    SpoofFlow left = flow_with(true, passive);
    EXPECT_TRUE(run(left, two_levels).empty()) << "its second trade came 2 levels back " << passive;
    EXPECT_EQ(run(left, all_trades).size(), 1u) << passive;
  }
}

// A venue's self-match prevention cancels the resting order when its owner's own take reaches
// it, in the same match: the delete at the instant of that take, printed before it, is not the
// trader's pull, though no print came at the order's price (through_price_clears). A spoofer
// that pulls and then takes sends two messages: its pull comes first.
TEST(Spoofing, APullInTheSameMatchAsTheOwnersTakeIsNoSpoof) {
  auto flow_with = [](int64_t pull_ms, bool pull_first) {
    SpoofFlow flow;
    flow.add(1000, "spoof", Side::kSell, 100.02, 2000, "mallory");
    flow.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");
    if (pull_first) flow.remove(pull_ms, "spoof");
    flow.trade(2000, Side::kBuy, 100.01, 50, "mallory", "carol");
    if (!pull_first) flow.remove(pull_ms, "spoof");
    return flow;
  };
  SpoofFlow same_match = flow_with(2000, false);
  EXPECT_TRUE(run(same_match).empty());
  EXPECT_EQ(run(same_match, {{"through_price_clears", "false"}}).size(), 1u);
  SpoofFlow later = flow_with(2001, false);
  EXPECT_EQ(run(later).size(), 1u);
  SpoofFlow pulled_then_took = flow_with(2000, true);
  EXPECT_EQ(run(pulled_then_took).size(), 1u);
}

TEST(Spoofing, OrdersOfOneAccountAtOnePriceCountTogether) {
  SpoofFlow flow;
  flow.add(1000, "s1", Side::kSell, 100.02, 600, "mallory");  // 6x: not large alone
  flow.add(1100, "s2", Side::kSell, 100.02, 600, "mallory");  // 12x with s1
  flow.trade(1500, Side::kBuy, 100.01, 50, "mallory", "bob");
  flow.remove(3000, "s1");
  flow.remove(3000, "s2");
  std::vector<Alert> alerts = run(flow, {{"depth_share", "1"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].evidence[0], "order:s2");
  EXPECT_DOUBLE_EQ(metric(alerts[0], "median_multiple"), 12.0);
}

TEST(Spoofing, NoMedianTestBeforeMinHistory) {
  SpoofFlow flow = classic();
  // Eight orders of history against 9 needed: no median, so neither test can fire.
  EXPECT_TRUE(run(flow, {{"min_history", "9"}}).empty());
  EXPECT_EQ(run(flow, {{"min_history", "8"}}).size(), 1u);
}

TEST(Spoofing, ReRunsGiveTheSameIds) {
  SpoofFlow flow = classic();
  std::vector<Alert> first = run(flow);
  std::vector<Alert> second = run(flow);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].id, second[0].id);
}

TEST(Spoofing, BadParameterCombinationsFailAtStartUp) {
  SpoofFlow flow = classic();
  try {
    run(flow, {{"min_history", "100"}, {"median_orders", "16"}});
    FAIL() << "accepted min_history above median_orders";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("min_history"), std::string::npos) << e.what();
  }
}

TEST(SpoofingLobster, AmazonDaysGiveWellFormedAlerts) {
  auto days = tw::testing::amazon_days();
  if (days.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
  for (auto& day : days) {
    RuleRun r(day->universe, day->events, kRule);
    tw::testing::report_per_million(kRule, *day, r.fired().size());
    for (const Alert& a : r.fired()) {
      EXPECT_LE(metric(a, "lifetime_s"), 10.0);
      EXPECT_LT(metric(a, "fill_ratio"), 0.1);
      EXPECT_GE(metric(a, "opposite_trades"), 1.0);
      EXPECT_TRUE(metric(a, "median_multiple") >= 10 || metric(a, "depth_share") >= 0.25);
      ASSERT_FALSE(a.evidence.empty());
      EXPECT_EQ(a.evidence[0].rfind("order:", 0), 0u);
    }
  }
}
