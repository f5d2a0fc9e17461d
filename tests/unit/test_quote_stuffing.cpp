// quote_stuffing: message bursts per window against the sender's own trailing median, with the
// cancel and fill tests, episodes, accounts, evidence and real LOBSTER order flow.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "amazon_days.hpp"
#include "detect/quote_stuffing.hpp"
#include "order_flow.hpp"
#include "rule_run.hpp"
#include "rule_test_util.hpp"

using namespace tw;
using tw::testing::OrderFlow;
using tw::testing::ParamTexts;
using tw::testing::RuleRun;

namespace {

constexpr std::string_view kRule = "quote_stuffing";

/// What one second of a burst holds: `adds` orders added from 0 ms, one every few ms; the first
/// `executions` of them executed for 1 at 850 ms and the first `deletes` deleted at 860 ms.
struct Burst {
  Burst(int add, int del, int execute = 0, std::string_view who = {})
      : adds(add), deletes(del), executions(execute), account(who) {}
  int adds;
  int deletes;
  int executions;
  std::string_view account;
};

/// Order flow of ACME built second by second; handed to the engine sorted by time.
struct Tape {
  OrderFlow flow;
  int orders = 0;

  // Appended rather than "q" + std::to_string(): GCC 12 warns falsely (-Wrestrict) there.
  std::string next_order() {
    std::string id(1, 'q');
    id += std::to_string(++orders);
    return id;
  }

  /// `pairs` orders added and deleted in each second of [from, to), from 900 ms on.
  void background(int from, int to, int pairs = 2, std::string_view account = {}) {
    for (int s = from; s < to; ++s) {
      for (int i = 0; i < pairs; ++i) {
        std::string id = next_order();
        int64_t ms = s * 1000 + 900 + i * 90 / pairs;
        flow.add(ms, id, Side::kBuy, 10, 100, account);
        flow.remove(ms, id);
      }
    }
  }

  /// The burst's orders in second `s`; returns their ids in the order they were added.
  std::vector<std::string> burst(int s, const Burst& b) {
    std::vector<std::string> ids;
    for (int i = 0; i < b.adds; ++i) {
      ids.push_back(next_order());
      flow.add(s * 1000 + i * 800 / b.adds, ids.back(), Side::kSell, 10.5, 100, b.account);
    }
    for (int i = 0; i < b.executions; ++i) flow.execute(s * 1000 + 850, ids[i], 1);
    for (int i = 0; i < b.deletes; ++i) flow.remove(s * 1000 + 860, ids[i]);
    return ids;
  }

  /// A replace of `id` by `new_id`, carrying no account.
  void replace(int64_t ms, const std::string& id, const std::string& new_id) {
    Event& e = flow.cancel(ms, id, 0);
    e.kind = EventKind::kOrderReplace;
    e.ref = ExternalId::from_text(new_id);
    e.price = Price::from_double(10.6);
    e.qty = Quantity::from_double(100);
  }

  const std::vector<Event>& sorted() {
    std::stable_sort(flow.events.begin(), flow.events.end(),
                     [](const Event& a, const Event& b) { return a.ts < b.ts; });
    for (size_t i = 0; i < flow.events.size(); ++i) flow.events[i].seq = i + 1;
    return flow.events;
  }

  std::vector<Alert> run(ParamTexts params = {}) {
    RuleRun run(flow.universe, sorted(), kRule, params);
    return run.fired();
  }
};

/// The steady background of two add-delete pairs a second for two minutes, a burst in
/// second 60, and what the rule raises with `params`.
std::vector<Alert> burst_at_60(const Burst& b, ParamTexts params = {}, int pairs = 2) {
  Tape tape;
  tape.background(0, 120, pairs);
  tape.burst(60, b);
  return tape.run(params);
}

}  // namespace

TEST(QuoteStuffing, IsRegistered) {
  const RuleInfo* r = find_rule(kRule);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->needs, "order events (accounts optional)");
}

TEST(QuoteStuffing, SteadyFlowGivesNothing) {
  Tape tape;
  tape.background(0, 300, 20);
  EXPECT_TRUE(tape.run().empty());
}

// 60 orders added and deleted within one second on top of 4 messages a second: 124 messages
// against a floor of 100/s and 10 x a median of 4.
TEST(QuoteStuffing, BurstGivesOneAlertWithItsNumbers) {
  Tape tape;
  tape.background(0, 120);
  std::vector<std::string> ids = tape.burst(60, {60, 60});
  std::vector<Alert> alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, kRule);
  EXPECT_EQ(a.symbol, "ACME");
  EXPECT_EQ(a.start, OrderFlow::at(60'000));
  EXPECT_EQ(a.end, OrderFlow::at(61'000));
  EXPECT_TRUE(a.accounts.empty());
  EXPECT_TRUE(metrics_say(a, R"("sender":"unattributed")"));
  EXPECT_EQ(metric(a, "messages"), 124);
  EXPECT_EQ(metric(a, "adds"), 62);
  EXPECT_EQ(metric(a, "deletes"), 62);
  EXPECT_EQ(metric(a, "windows"), 1);
  EXPECT_DOUBLE_EQ(metric(a, "cancel_ratio"), 0.5);
  EXPECT_DOUBLE_EQ(metric(a, "peak_rate"), 124);
  EXPECT_DOUBLE_EQ(metric(a, "baseline_rate"), 4);
  EXPECT_DOUBLE_EQ(metric(a, "threshold_rate"), 100);
  EXPECT_DOUBLE_EQ(metric(a, "multiple"), 31);
  EXPECT_NEAR(a.score, 50 + 50 * 0.24 / 3, 1e-9);  // 1.24 x the rate that fires; 100 at 4 x
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_NE(a.why.find("sent 124 order messages on ACME in 1 consecutive 1s windows"),
            std::string::npos)
      << a.why;
  EXPECT_NE(a.why.find("peaking at 124 messages/s against a trailing median of 4/s"),
            std::string::npos)
      << a.why;
  // The first ten orders of the window, each once (its add and delete are one entry).
  ASSERT_EQ(a.evidence.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(a.evidence[i], "order:" + ids[i]);
  EXPECT_EQ(a.evidence_total, 124u);
}

TEST(QuoteStuffing, RateFloorJustUnderAndJustOver) {
  EXPECT_EQ(burst_at_60({48, 48}).size(), 1u);  // 100 messages: the floor
  EXPECT_TRUE(burst_at_60({48, 47}).empty());   // 99
  EXPECT_EQ(burst_at_60({48, 47}, {{"min_rate", "99"}}).size(), 1u);
}

// 12 messages a second in the background: 10 x the median is 120, above a floor of 10.
TEST(QuoteStuffing, BaselineMultipleJustUnderAndJustOver) {
  ParamTexts low_floor = {{"min_rate", "10"}};
  EXPECT_EQ(burst_at_60({54, 54}, low_floor, 6).size(), 1u);  // 120
  EXPECT_TRUE(burst_at_60({54, 53}, low_floor, 6).empty());   // 119
  std::vector<Alert> lower_k =
      burst_at_60({54, 53}, {{"min_rate", "10"}, {"rate_multiple", "9"}}, 6);
  ASSERT_EQ(lower_k.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(lower_k[0], "threshold_rate"), 108);
}

// 200 messages with 80 (then 79) cancellations, the background's included.
TEST(QuoteStuffing, CancelRatioJustUnderAndJustOver) {
  EXPECT_EQ(burst_at_60({118, 78}).size(), 1u);
  EXPECT_TRUE(burst_at_60({119, 77}).empty());
  EXPECT_EQ(burst_at_60({119, 77}, {{"min_cancel_ratio", "0.395"}}).size(), 1u);
}

// 200 messages with 4 (then 5) executions: a fill ratio of 0.02, then 0.025.
TEST(QuoteStuffing, FillRatioJustUnderAndJustOver) {
  std::vector<Alert> at_limit = burst_at_60({96, 96, 4});
  ASSERT_EQ(at_limit.size(), 1u);
  EXPECT_EQ(metric(at_limit[0], "executions"), 4);
  EXPECT_DOUBLE_EQ(metric(at_limit[0], "fill_ratio"), 0.02);
  EXPECT_TRUE(burst_at_60({96, 95, 5}).empty());
  EXPECT_EQ(burst_at_60({96, 95, 5}, {{"max_fill_ratio", "0.025"}}).size(), 1u);
}

// History counts closed windows since the symbol's first message (second 0).
TEST(QuoteStuffing, NeedsItsMinimumHistory) {
  for (auto [second, expected] : {std::pair{29, 0u}, std::pair{30, 1u}}) {
    Tape tape;
    tape.background(0, 60);
    tape.burst(second, {60, 60});
    EXPECT_EQ(tape.run().size(), expected) << second;
  }
  Tape tape;
  tape.background(0, 60);
  tape.burst(29, {60, 60});
  EXPECT_EQ(tape.run({{"min_history_windows", "29"}}).size(), 1u);
}

TEST(QuoteStuffing, ConsecutiveFiringWindowsAreOneEpisode) {
  Tape tape;
  tape.background(0, 120);
  for (int s : {60, 61, 62}) tape.burst(s, {60, 60});
  std::vector<Alert> alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].start, OrderFlow::at(60'000));
  EXPECT_EQ(alerts[0].end, OrderFlow::at(63'000));
  EXPECT_EQ(metric(alerts[0], "windows"), 3);
  EXPECT_EQ(metric(alerts[0], "messages"), 3 * 124);
  EXPECT_EQ(alerts[0].evidence.size(), 30u);  // ten orders of each window

  Tape gap;
  gap.background(0, 120);
  for (int s : {60, 62}) gap.burst(s, {60, 60});
  std::vector<Alert> two = gap.run();
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].start, OrderFlow::at(62'000));
  EXPECT_NE(two[0].id, two[1].id);
}

// Nothing at all in second 61: the silent window ends the first episode as a quiet one would.
TEST(QuoteStuffing, ASilentWindowEndsTheEpisode) {
  Tape tape;
  tape.background(0, 50);
  for (int s : {60, 62}) tape.burst(s, {60, 60});
  std::vector<Alert> alerts = tape.run();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].end, OrderFlow::at(61'000));
  EXPECT_EQ(alerts[1].start, OrderFlow::at(62'000));
}

// A market maker's steady 120 messages a second hide a newcomer's burst of 120 in the symbol's
// total (240 against 10 x 120), but not in the newcomer's own flow, whose baseline is empty.
// The deletes carry no account: they count for the owner of the order they delete.
TEST(QuoteStuffing, AccountsAreJudgedOnTheirOwnFlow) {
  auto tape_with = [](bool accounts) {
    Tape tape;
    tape.background(0, 120, 60, accounts ? "mm" : "");
    tape.burst(60, {60, 60, 0, accounts ? "bad" : ""});
    return tape.run();
  };
  std::vector<Alert> per_account = tape_with(true);
  ASSERT_EQ(per_account.size(), 1u);
  const Alert& a = per_account[0];
  EXPECT_EQ(a.accounts, std::vector<std::string>{"bad"});
  EXPECT_TRUE(metrics_say(a, R"("sender":"account")"));
  EXPECT_EQ(metric(a, "messages"), 120);
  EXPECT_EQ(metric(a, "deletes"), 60);
  EXPECT_EQ(metric(a, "baseline_rate"), 0);
  EXPECT_NE(a.why.find("Account bad sent 120 order messages"), std::string::npos) << a.why;

  EXPECT_TRUE(tape_with(false).empty());
}

// Replaces are messages but not cancellations, and the order's owner follows it to its new id.
TEST(QuoteStuffing, ReplacesCountAndKeepTheOwner) {
  Tape tape;
  tape.background(0, 120, 2, "mm");
  for (int i = 0; i < 40; ++i) {
    std::string id = tape.next_order();
    std::string moved = id + "r";
    tape.flow.add(60'000 + i * 10, id, Side::kBuy, 10, 100, "bad");
    tape.replace(60'000 + i * 10 + 1, id, moved);
    tape.flow.remove(60'000 + i * 10 + 2, moved);
  }
  EXPECT_TRUE(tape.run().empty());  // 40 cancellations of 120 messages: a ratio of 0.33
  std::vector<Alert> alerts = tape.run({{"min_cancel_ratio", "0.3"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"bad"});
  EXPECT_EQ(metric(alerts[0], "replaces"), 40);
  EXPECT_EQ(metric(alerts[0], "deletes"), 40);
}

TEST(QuoteStuffing, IdsAreStableAcrossRunsAndDifferBySender) {
  auto run_once = [] {
    Tape tape;
    tape.background(0, 120);
    tape.burst(60, {60, 60, 0, "bad"});
    tape.burst(60, {60, 60, 0, "worse"});
    tape.burst(60, {60, 60});
    return tape.run();
  };
  std::vector<Alert> first = run_once();
  std::vector<Alert> second = run_once();
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), 3u);
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
    EXPECT_EQ(first[i].id.size(), 16u);
  }
  EXPECT_NE(first[0].id, first[1].id);
  EXPECT_NE(first[1].id, first[2].id);
  EXPECT_NE(first[0].id, first[2].id);
}

// A symbol's own parameters apply to it alone.
TEST(QuoteStuffing, PerSymbolParametersApply) {
  Tape tape;
  for (std::string_view symbol : {"ACME", "BETA"}) {
    tape.flow.symbol = symbol;
    tape.background(0, 120);
    tape.burst(60, {60, 60});
  }
  Config config = tw::testing::only_rule(kRule);
  RuleConfig& rule = config.rules.find(kRule)->second;
  ParamValues strict = rule.values;
  set_param(strict, *find_rule(kRule), "min_rate", "200");
  rule.per_symbol["BETA"] = strict;
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine(config, tape.flow.universe, alerts, rejects);
  engine.push_events(tape.sorted());
  engine.finish();
  ASSERT_EQ(alerts.alerts.size(), 1u);
  EXPECT_EQ(alerts.alerts[0].symbol, "ACME");
}

TEST(QuoteStuffing, RejectsMoreHistoryThanTheBaselineHolds) {
  Universe universe;
  try {
    RuleRun run(universe, {}, kRule, {{"min_history_windows", "61"}});
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("quote_stuffing.min_history_windows"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(RuleRun(universe, {}, kRule, {{"min_rate", "0"}}), ConfigError);
  EXPECT_THROW(RuleRun(universe, {}, kRule, {{"min_cancel_ratio", "1.5"}}), ConfigError);
}

// Event time alone closes an episode: the silent window after the burst ends it.
TEST(QuoteStuffing, TheWatermarkClosesEpisodes) {
  Tape tape;
  tape.background(0, 61);
  tape.burst(60, {60, 60});
  const RuleInfo& info = *find_rule(kRule);
  RuleConfig config = default_rule_config(info);
  AlertCollector out;
  auto detector = info.make({tape.flow.universe, config, out});
  for (const Event& e : tape.sorted()) detector->on_event(e);
  detector->advance_to(OrderFlow::at(61'000));
  EXPECT_TRUE(out.alerts.empty());  // second 60 fired; 61 may still extend the episode
  detector->advance_to(OrderFlow::at(62'000));
  EXPECT_EQ(out.alerts.size(), 1u);
  detector->finish();
  EXPECT_EQ(out.alerts.size(), 1u);
}

// Two accounts a second fill max_accounts = 2: a newcomer's burst is not judged while both are
// active, and takes the place of one idle for longer than the baseline (60 windows).
TEST(QuoteStuffing, AccountsBeyondTheCapWaitForAnIdlePlace) {
  auto alerts_for_burst_at = [](int second) {
    Tape tape;
    tape.background(0, 120, 1, "a1");
    tape.background(0, 10, 1, "a2");
    tape.burst(second, {60, 60, 0, "bad"});
    return tape.run({{"max_accounts", "2"}});
  };
  EXPECT_TRUE(alerts_for_burst_at(60).empty());  // a2's last message was 51 windows before
  std::vector<Alert> later = alerts_for_burst_at(80);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].accounts, std::vector<std::string>{"bad"});
}

// Prints are not order messages: the rule never sees them (SymbolRule asks the rule which
// events it wants), and a tape with a print every second raises the same alert.
TEST(QuoteStuffing, PrintsChangeNothing) {
  auto run_with_prints = [](bool prints) {
    Tape tape;
    tape.background(0, 120);
    tape.burst(60, {60, 60});
    for (int s = 0; prints && s < 120; ++s) tape.flow.trade(s * 1000 + 950, Side::kBuy, 10.5, 1);
    return tape.run();
  };
  std::vector<Alert> without = run_with_prints(false);
  std::vector<Alert> with = run_with_prints(true);
  ASSERT_EQ(without.size(), 1u);
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(with[0].id, without[0].id);
  EXPECT_EQ(with[0].metrics_json, without[0].metrics_json);
  EXPECT_EQ(with[0].evidence, without[0].evidence);
}

// A window's close judges only the accounts active in it, found by their place in the table. A
// newcomer taking an idle account's place moves the others: a2, in the middle of an episode
// when a1 leaves for "late", keeps its episode to the end, and each is judged once a window.
TEST(QuoteStuffing, AnEpisodeGoesOnWhenAnIdleAccountMakesRoom) {
  Tape tape;
  tape.background(0, 10, 1, "a1");
  tape.background(0, 120, 1, "a2");
  for (int second : {79, 80, 81}) tape.burst(second, {60, 60, 0, "a2"});
  tape.burst(80, {60, 60, 0, "late"});
  std::vector<Alert> alerts = tape.run({{"max_accounts", "2"}});
  ASSERT_EQ(alerts.size(), 2u);
  std::sort(alerts.begin(), alerts.end(),
            [](const Alert& a, const Alert& b) { return a.accounts < b.accounts; });
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"a2"});
  EXPECT_EQ(metric(alerts[0], "windows"), 3);
  EXPECT_EQ(metric(alerts[0], "messages"), 3 * 120 + 3 * 2);
  EXPECT_EQ(alerts[1].accounts, std::vector<std::string>{"late"});
  EXPECT_EQ(metric(alerts[1], "windows"), 1);
  EXPECT_EQ(metric(alerts[1], "messages"), 120);
}

// Both Amazon LOBSTER days (no accounts: the symbol's flow is judged) through the reader and
// the engine: alerts are well formed and rare.
TEST(QuoteStuffingLobster, AmazonDaysGiveFewWellFormedAlerts) {
  auto days = tw::testing::amazon_days();
  if (days.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
  for (auto& day : days) {
    RuleRun run(day->universe, day->events, kRule);
    const std::vector<Alert>& alerts = run.fired();
    const double per_million = tw::testing::report_per_million(kRule, *day, alerts.size());
    EXPECT_LT(per_million, 200) << "a flood, not a screen";
    Timestamp previous_end = Timestamp::min();
    for (const Alert& a : alerts) {
      EXPECT_EQ(a.symbol, "AMZN");
      EXPECT_TRUE(a.accounts.empty());
      EXPECT_GE(a.score, 50);
      EXPECT_LE(a.score, 100);
      EXPECT_LT(a.start, a.end);
      EXPECT_GE(a.start, previous_end) << "episodes of one sender do not overlap";
      previous_end = a.end;
      EXPECT_GE(metric(a, "peak_rate"), 100);
      EXPECT_GE(metric(a, "cancel_ratio"), 0.4);
      EXPECT_FALSE(a.evidence.empty());
      EXPECT_FALSE(a.why.empty());
    }
  }
}
