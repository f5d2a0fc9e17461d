// order_to_trade_ratio: order messages per execution of each sender over aligned periods,
// against the limit, the minimum count, accounts, evidence and real LOBSTER order flow.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "amazon_days.hpp"
#include "detect/order_messages.hpp"
#include "detect/order_to_trade_ratio.hpp"
#include "order_flow.hpp"
#include "rule_run.hpp"
#include "rule_test_util.hpp"

using namespace tw;
using tw::testing::OrderFlow;
using tw::testing::ParamTexts;
using tw::testing::RuleRun;

namespace {

constexpr std::string_view kRule = "order_to_trade_ratio";

/// Order flow of ACME in time order; each call writes from its own start, in milliseconds.
struct Tape {
  OrderFlow flow;
  int orders = 0;

  // Appended rather than "o" + std::to_string(): GCC 12 warns falsely (-Wrestrict) there.
  std::string next_order() {
    std::string id(1, 'o');
    id += std::to_string(++orders);
    return id;
  }

  /// `pairs` orders added and deleted, one a millisecond from `ms`: 2 x pairs messages.
  void churn(int64_t ms, int pairs, std::string_view account = {}) {
    for (int i = 0; i < pairs; ++i) {
      std::string id = next_order();
      flow.add(ms + i, id, Side::kBuy, 10, 100, account);
      flow.remove(ms + i, id);
    }
  }
  /// `count` orders added and each executed for part of its size: one message and one
  /// execution each.
  void fills(int64_t ms, int count, std::string_view account = {}) {
    for (int i = 0; i < count; ++i) {
      std::string id = next_order();
      flow.add(ms + i, id, Side::kSell, 10, 100, account);
      flow.execute(ms + i, id, 10);
    }
  }
  void adds(int64_t ms, int count, std::string_view account = {}) {
    for (int i = 0; i < count; ++i) flow.add(ms + i, next_order(), Side::kBuy, 9, 100, account);
  }

  std::vector<Alert> run(ParamTexts params = {}) {
    RuleRun run(flow.universe, flow.events, kRule, params);
    return run.fired();
  }
};

}  // namespace

TEST(OrderToTradeRatio, IsRegistered) {
  const RuleInfo* r = find_rule(kRule);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->needs, "order events (accounts optional)");
}

// 1,200 messages of churn and 5 filled orders: 1,205 messages against 5 executions.
TEST(OrderToTradeRatio, FiresAboveTheLimitWithItsNumbers) {
  Tape tape;
  tape.churn(0, 600);
  tape.fills(10'000, 5);
  std::vector<Alert> alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, kRule);
  EXPECT_EQ(a.symbol, "ACME");
  EXPECT_EQ(a.start, OrderFlow::at(0));
  EXPECT_EQ(a.end, OrderFlow::at(10'004));
  EXPECT_TRUE(a.accounts.empty());
  EXPECT_TRUE(metrics_say(a, R"("sender":"unattributed")"));
  EXPECT_DOUBLE_EQ(metric(a, "ratio"), 241);
  EXPECT_DOUBLE_EQ(metric(a, "rts9_number_ratio"), 240);
  EXPECT_EQ(metric(a, "max_ratio"), 100);
  EXPECT_EQ(metric(a, "messages"), 1205);
  EXPECT_EQ(metric(a, "adds"), 605);
  EXPECT_EQ(metric(a, "deletes"), 600);
  EXPECT_EQ(metric(a, "executions"), 5);
  EXPECT_EQ(metric(a, "min_messages"), 1000);
  EXPECT_TRUE(metrics_say(a, R"("period_start":"2023-11-14T00:00:00Z")")) << a.metrics_json;
  EXPECT_TRUE(metrics_say(a, R"("period_end":"2023-11-15T00:00:00Z")")) << a.metrics_json;
  EXPECT_NEAR(a.score, 50 + 50 * 141.0 / 300, 1e-9);  // 100 at 4 x the limit
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_EQ(a.why,
            "Orders with no known owner sent 1205 order messages on ACME (605 new, 0 modified, "
            "600 cancelled) against 5 executions in the 1d period from 2023-11-14T00:00:00Z: "
            "241 messages per execution, above the limit of 100.");
}

// The first 20 orders (an add and its delete are one entry) and the first 5 executions, named
// as their prints are: these carry no match id, so by their line.
TEST(OrderToTradeRatio, EvidenceNamesTheFirstOrdersAndExecutions) {
  Tape tape;
  tape.fills(0, 7);
  tape.churn(100, 600);
  std::vector<Alert> alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  std::vector<std::string> expected;
  for (int i = 1; i <= 20; ++i) expected.push_back("order:o" + std::to_string(i));
  for (int line : {2, 4, 6, 8, 10}) expected.push_back("trade:line:" + std::to_string(line));
  EXPECT_EQ(alerts[0].evidence, expected);
  EXPECT_EQ(alerts[0].evidence_total, 1214u);  // every message and execution
}

// 1,000 messages and 10 executions is a ratio of exactly 100: not above the limit.
TEST(OrderToTradeRatio, LimitJustUnderAndJustOver) {
  Tape at_limit;
  at_limit.fills(0, 10);
  at_limit.churn(100, 495);
  EXPECT_TRUE(at_limit.run().empty());
  EXPECT_EQ(at_limit.run({{"max_ratio", "99.9"}}).size(), 1u);

  Tape over;
  over.fills(0, 10);
  over.churn(100, 495);
  over.adds(5'000, 1);
  std::vector<Alert> alerts = over.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "ratio"), 100.1);
}

// Without an execution the ratio counts as messages per one execution.
TEST(OrderToTradeRatio, MinimumMessagesJustUnderAndJustOver) {
  Tape under;
  under.churn(0, 499);
  under.adds(5'000, 1);
  EXPECT_TRUE(under.run().empty());
  EXPECT_EQ(under.run({{"min_messages", "999"}}).size(), 1u);

  Tape enough;
  enough.churn(0, 500);
  std::vector<Alert> alerts = enough.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "ratio"), 1000);
  EXPECT_FALSE(metrics_say(alerts[0], "rts9_number_ratio"));  // undefined without a trade
}

// The morning starts at 14:30 UTC: churn before and after 15:00 is one day, or two hours.
TEST(OrderToTradeRatio, OneAlertPerSenderAndPeriod) {
  Tape tape;
  tape.churn(0, 600);
  tape.churn(1'800'000, 600);
  std::vector<Alert> daily = tape.run();
  ASSERT_EQ(daily.size(), 1u);
  EXPECT_EQ(metric(daily[0], "messages"), 2400);

  std::vector<Alert> hourly = tape.run({{"period", "1h"}});
  ASSERT_EQ(hourly.size(), 2u);
  EXPECT_TRUE(metrics_say(hourly[0], R"("period_start":"2023-11-14T14:00:00Z")"));
  EXPECT_TRUE(metrics_say(hourly[1], R"("period_start":"2023-11-14T15:00:00Z")"));
  EXPECT_EQ(metric(hourly[1], "messages"), 1200);
  EXPECT_EQ(hourly[1].start, OrderFlow::at(1'800'000));
  EXPECT_NE(hourly[0].id, hourly[1].id);
}

// alice churns 2,000 messages around one fill; bob sends 1,100 with 100 fills. Per account
// only alice is out of line; the symbol's total (3,101 against 101) is not. The deletes and
// executions carry no account: they count for the owner of their order.
TEST(OrderToTradeRatio, AccountsAreJudgedOnTheirOwnMessages) {
  auto tape_with = [](bool accounts) {
    Tape tape;
    tape.churn(0, 1000, accounts ? "alice" : "");
    tape.fills(2'000, 1, accounts ? "alice" : "");
    tape.churn(3'000, 500, accounts ? "bob" : "");
    tape.fills(4'000, 100, accounts ? "bob" : "");
    return tape.run();
  };
  std::vector<Alert> per_account = tape_with(true);
  ASSERT_EQ(per_account.size(), 1u);
  const Alert& a = per_account[0];
  EXPECT_EQ(a.accounts, std::vector<std::string>{"alice"});
  EXPECT_TRUE(metrics_say(a, R"("sender":"account")"));
  EXPECT_EQ(metric(a, "messages"), 2001);
  EXPECT_EQ(metric(a, "deletes"), 1000);
  EXPECT_EQ(metric(a, "executions"), 1);
  EXPECT_EQ(a.why.rfind("Account alice sent 2001 order messages", 0), 0u) << a.why;

  EXPECT_TRUE(tape_with(false).empty());
}

TEST(OrderToTradeRatio, IdsAreStableAcrossRunsAndDifferBySender) {
  auto run_once = [] {
    Tape tape;
    tape.churn(0, 600, "alice");
    tape.churn(0, 600);
    return tape.run();
  };
  std::vector<Alert> first = run_once();
  std::vector<Alert> second = run_once();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0].id, second[0].id);
  EXPECT_EQ(first[1].id, second[1].id);
  EXPECT_NE(first[0].id, first[1].id);
}

// Past max_accounts in a period, an account's messages are counted as untracked, not judged.
TEST(OrderToTradeRatio, AccountsBeyondTheCapAreCountedNotJudged) {
  Tape tape;
  tape.churn(0, 600, "alice");
  tape.churn(2'000, 600, "bob");
  std::vector<Alert> capped = tape.run({{"max_accounts", "1"}});
  ASSERT_EQ(capped.size(), 1u);
  EXPECT_EQ(capped[0].accounts, std::vector<std::string>{"alice"});
  EXPECT_EQ(metric(capped[0], "untracked_messages"), 1200);
  EXPECT_EQ(tape.run().size(), 2u);
}

// Event time alone closes a period.
TEST(OrderToTradeRatio, TheWatermarkClosesPeriods) {
  Tape tape;
  tape.churn(0, 600);
  const RuleInfo& info = *find_rule(kRule);
  RuleConfig config = default_rule_config(info);
  set_param(config.values, info, "period", "1h");
  AlertCollector out;
  auto detector = info.make({tape.flow.universe, config, out});
  for (const Event& e : tape.flow.events) detector->on_event(e);
  detector->advance_to(OrderFlow::at(1'799'999));
  EXPECT_TRUE(out.alerts.empty());
  detector->advance_to(OrderFlow::at(1'800'000));  // 15:00
  EXPECT_EQ(out.alerts.size(), 1u);
  detector->finish();
  EXPECT_EQ(out.alerts.size(), 1u);
}

// Without an engine's watermark, the first message of a later period closes the open one.
TEST(OrderToTradeRatio, ALaterMessageClosesThePeriod) {
  Tape tape;
  tape.churn(0, 600);
  tape.churn(1'800'000, 600);
  const RuleInfo& info = *find_rule(kRule);
  RuleConfig config = default_rule_config(info);
  set_param(config.values, info, "period", "1h");
  AlertCollector out;
  auto detector = info.make({tape.flow.universe, config, out});
  for (const Event& e : tape.flow.events) detector->on_event(e);
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(metric(out.alerts[0], "messages"), 1200);
  detector->finish();
  EXPECT_EQ(out.alerts.size(), 2u);
}

TEST(OrderToTradeRatio, RejectsBadValuesNamingTheKey) {
  Universe universe;
  try {
    RuleRun run(universe, {}, kRule, {{"max_ratio", "-1"}});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("max_ratio"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RuleRun(universe, {}, kRule, {{"period", "0s"}}), ConfigError);
  EXPECT_THROW(RuleRun(universe, {}, kRule, {{"min_messages", "0"}}), ConfigError);
}

// Both Amazon LOBSTER days (no accounts) through the reader and the engine. By default (one
// UTC day, a limit of 100) neither fires; hourly with a limit of 10, every alert matches the
// hour's counts taken straight from the events.
TEST(OrderToTradeRatioLobster, AmazonDaysMatchCountsTakenFromTheEvents) {
  auto days = tw::testing::amazon_days();
  if (days.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
  for (auto& day : days) {
    Universe& universe = day->universe;
    const std::vector<Event>& events = day->events;
    EXPECT_TRUE(RuleRun(universe, events, kRule).fired().empty());

    std::map<int64_t, MessageCounts> by_hour;
    for (const Event& e : events) by_hour[aligned_index(e.ts, Duration::hours(1))].count(e.kind);
    RuleRun hourly(universe, events, kRule, {{"period", "1h"}, {"max_ratio", "10"}});
    size_t expected = 0;
    for (const auto& [hour, counts] : by_hour) {
      double ratio = static_cast<double>(counts.orders_sent()) /
                     static_cast<double>(std::max<int64_t>(counts.executions, 1));
      expected += counts.orders_sent() >= 1000 && ratio > 10;
    }
    const std::vector<Alert>& alerts = hourly.fired();
    ASSERT_EQ(alerts.size(), expected);
    for (const Alert& a : alerts) {
      int64_t hour = aligned_index(a.start, Duration::hours(1));
      EXPECT_EQ(metric(a, "messages"), by_hour[hour].orders_sent());
      EXPECT_EQ(metric(a, "executions"), by_hour[hour].executions);
      EXPECT_GT(metric(a, "ratio"), 10);
      EXPECT_TRUE(a.accounts.empty());
      EXPECT_FALSE(a.evidence.empty());
    }
    tw::testing::report_per_million("order_to_trade_ratio (1h, limit 10)", *day, alerts.size());
  }
}
