// excessive_spread: order books and quotes built by hand, and the real Amazon LOBSTER files.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "detect/excessive_spread.hpp"
#include "feed/lobster_book_file.hpp"
#include "order_flow.hpp"
#include "real_data.hpp"
#include "rule_run.hpp"

using namespace tw;
using tw::testing::OrderFlow;

namespace {

constexpr std::string_view kRule = "excessive_spread";
using Overrides = std::vector<std::pair<std::string, std::string>>;

/// Short windows, so a test needs a minute of history rather than half an hour.
const Overrides kFast = {{"baseline", "60s"}, {"min_history", "30s"}, {"min_duration", "5s"},
                         {"max_dip", "2s"},   {"multiple", "3"},      {"min_spread_bps", "10"}};

/// kFast with `overrides` on top, in the configuration of the rule alone.
Config config_with(const Overrides& overrides) {
  Config config = tw::testing::only_rule(kRule);
  RuleConfig& settings = config.rules.find(kRule)->second;
  for (const Overrides* layer : {&kFast, &overrides}) {
    for (const auto& [name, text] : *layer) {
      set_param(settings.values, *find_rule(kRule), name, text);
    }
  }
  return config;
}

std::vector<Alert> run_config(OrderFlow& flow, const Config& config) {
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine(config, flow.universe, alerts, rejects);
  engine.push_events(flow.events);
  engine.finish();
  return std::move(alerts.alerts);
}

std::vector<Alert> run(OrderFlow& flow, const Overrides& overrides = {}) {
  return run_config(flow, config_with(overrides));
}

/// A print that only moves event time on.
void beat(OrderFlow& flow, int64_t ms) {
  flow.trade(ms, Side::kBuy, 100.05, 1);
}

/// Order flow of ACME with a print every second, so that event time moves on between the
/// book's changes. Its book: bid 100.00 (b1), asks 100.10 (a1) and a deeper `deep_ask` (a2).
struct SpreadFlow {
  OrderFlow flow;
  int64_t next_beat = 0;
  bool named = true;  // orders carry accounts

  std::string_view who(std::string_view account) const { return named ? account : ""; }

  void beats_until(int64_t ms) {
    for (; next_beat < ms; next_beat += 1000) beat(flow, next_beat);
  }
  Event& add(int64_t ms, std::string_view id, Side side, double price,
             std::string_view account = {}) {
    beats_until(ms);
    return flow.add(ms, id, side, price, 10, who(account));
  }
  Event& remove(int64_t ms, std::string_view id) {
    beats_until(ms);
    return flow.remove(ms, id);
  }
  void book(double deep_ask = 100.40) {
    add(0, "b1", Side::kBuy, 100.00, "maker");
    add(0, "a1", Side::kSell, 100.10, "maker");
    add(0, "a2", Side::kSell, deep_ask, "deep");
  }
  /// The book, a minute of history, then a1 leaves at 60.5 s and a3 takes its place at
  /// 100.10 `wide_ms` later: the spread is deep_ask - 100.00 in between.
  void widen_for(int64_t wide_ms, double deep_ask = 100.40) {
    book(deep_ask);
    remove(kWideAt, "a1");
    add(kWideAt + wide_ms, "a3", Side::kSell, 100.10, "maker2");
    beats_until(kWideAt + wide_ms + 10'000);
  }

  static constexpr int64_t kWideAt = 60'500;
};

TEST(ExcessiveSpread, IsRegisteredWithItsParameters) {
  const RuleInfo* rule = find_rule(kRule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(excessive_spread_rule().name, rule->name);
  EXPECT_EQ(rule->needs, "order book (order events) or top-of-book quotes");
  std::vector<std::string> names;
  for (const ParamSpec& p : rule->params) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"multiple", "min_spread_bps", "min_duration",
                                             "max_dip", "baseline", "min_history", "full_multiple",
                                             "full_duration", "fence_iqr"}));
}

// a1 leaves: the spread goes from 0.10 to 0.40 (4x its median, 39.9 bps) for 8 s, until a3
// comes in at 100.10.
TEST(ExcessiveSpread, ASpreadHeldWideIsOneAlertWithItsOrdersAndNumbers) {
  SpreadFlow s;
  s.widen_for(8'000);
  std::vector<Alert> alerts = run(s.flow);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "excessive_spread");
  EXPECT_EQ(a.symbol, "ACME");
  EXPECT_EQ(a.start, OrderFlow::at(SpreadFlow::kWideAt));
  EXPECT_EQ(a.end, OrderFlow::at(SpreadFlow::kWideAt + 8'000));
  // Opened by a1's removal, b1 and a2 at the top at the widest, closed by a3.
  EXPECT_EQ(a.evidence, (std::vector<std::string>{"order:a1", "order:b1", "order:a2", "order:a3"}));
  EXPECT_EQ(a.accounts, (std::vector<std::string>{"maker", "deep", "maker2"}));
  EXPECT_DOUBLE_EQ(metric(a, "peak_spread"), 0.4);
  EXPECT_NEAR(metric(a, "peak_spread_bps"), 0.4 / 100.2 * 1e4, 1e-9);
  EXPECT_DOUBLE_EQ(metric(a, "median_spread"), 0.1);
  EXPECT_DOUBLE_EQ(metric(a, "mean_spread"), 0.4);
  EXPECT_DOUBLE_EQ(metric(a, "multiple"), 4);
  EXPECT_DOUBLE_EQ(metric(a, "peak_multiple"), 4);
  EXPECT_DOUBLE_EQ(metric(a, "duration_s"), 8);
  EXPECT_DOUBLE_EQ(metric(a, "wide_s"), 8);
  EXPECT_DOUBLE_EQ(metric(a, "mid_price"), 100.2);
  EXPECT_DOUBLE_EQ(metric(a, "baseline_spread_s"), 60);
  EXPECT_NE(a.metrics_json.find("\"ended_by\":\"narrowed\""), std::string::npos);
  // 4x is a third of the way from 3x to 10x; 8 s is 3/295 of the way from 5 s to 5 min.
  EXPECT_NEAR(a.score, 50 + 25 * (1.0 / 7 + 3.0 / 295), 1e-9);
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_EQ(a.why,
            "ACME's bid-ask spread was at least 3x its trailing 1m median of 0.1 (10 bps) for 8 s "
            "of the 8 s from 2023-11-14T14:31:00.5Z: mean 0.4 (39.9 bps, 4x), peak 0.4 (39.9 "
            "bps) at 2023-11-14T14:31:00.5Z, mid price 100.2.");
}

TEST(ExcessiveSpread, TheSpreadMustStayWideForMinDuration) {
  SpreadFlow under;
  under.widen_for(4'999);
  EXPECT_TRUE(run(under.flow).empty());
  SpreadFlow over;
  over.widen_for(5'000);
  EXPECT_EQ(run(over.flow).size(), 1u);
}

TEST(ExcessiveSpread, TheSpreadMustReachTheMultipleOfItsMedian) {
  SpreadFlow under;
  under.widen_for(8'000, 100.29);  // 2.9x
  EXPECT_TRUE(run(under.flow).empty());
  SpreadFlow over;
  over.widen_for(8'000, 100.30);  // 3x
  std::vector<Alert> alerts = run(over.flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "multiple"), 3);
}

// 0.40 on a mid of 100.20 is 39.92 bps.
TEST(ExcessiveSpread, TheSpreadMustReachTheFloorInBasisPoints) {
  SpreadFlow s;
  s.widen_for(8'000);
  EXPECT_TRUE(run(s.flow, {{"min_spread_bps", "39.93"}}).empty());
  EXPECT_EQ(run(s.flow, {{"min_spread_bps", "39.92"}}).size(), 1u);
}

/// A thin market: the touch is the lone maker's 100.12 (spread 0.12) for the first 15 s, then
/// a passing order's 100.03 (0.03) for 45 s. Its median is 0.03 and its quartiles 0.03 and
/// 0.12: the normal range reaches 0.12 + 3 x 0.09 = 0.39. At 60.5 s the passing order goes
/// and the ask is `ask`.
SpreadFlow thin_market_widening_to(double ask) {
  SpreadFlow s;
  s.add(0, "b1", Side::kBuy, 100.00, "maker");
  s.add(0, "a1", Side::kSell, 100.12, "maker");
  s.add(15'500, "n1", Side::kSell, 100.03, "passing");
  s.remove(SpreadFlow::kWideAt, "n1");
  s.remove(SpreadFlow::kWideAt, "a1");
  s.add(SpreadFlow::kWideAt, "w", Side::kSell, ask, "maker");
  return s;
}

/// A passing order at 100.03 again `after_ms` after the widening, and ten quiet seconds.
void narrow_after(SpreadFlow& s, int64_t after_ms) {
  s.add(SpreadFlow::kWideAt + after_ms, "n3", Side::kSell, 100.03, "passing");
  s.beats_until(SpreadFlow::kWideAt + after_ms + 10'000);
}

// 0.13 is 4.3x the median for 10 s, but inside the range the market's spread swings over:
// not excessive. 0.40 is beyond it.
TEST(ExcessiveSpread, ASpreadWithinItsNormalRangeIsNotExcessive) {
  SpreadFlow within = thin_market_widening_to(100.13);
  narrow_after(within, 10'000);
  EXPECT_TRUE(run(within.flow, {{"fence_iqr", "3"}}).empty());
  std::vector<Alert> alerts = run(within.flow, {{"fence_iqr", "0"}});  // the median alone
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "median_spread"), 0.03);
  SpreadFlow beyond = thin_market_widening_to(100.40);
  narrow_after(beyond, 10'000);
  alerts = run(beyond.flow, {{"fence_iqr", "3"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "normal_range_top"), 0.39);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "duration_s"), 10);
}

// Beyond the range for the first 5 s, the episode then lasts while the spread is 3x the
// median, back inside the range or not; back inside it sooner, there is no episode.
TEST(ExcessiveSpread, OnlyTheFirstStretchMustBeBeyondTheNormalRange) {
  auto back_in_range_after = [](int64_t ms) {
    SpreadFlow s = thin_market_widening_to(100.40);
    s.add(SpreadFlow::kWideAt + ms, "x", Side::kSell, 100.13, "maker");
    narrow_after(s, 8'000);
    return s;
  };
  SpreadFlow held = back_in_range_after(5'000);
  std::vector<Alert> alerts = run(held.flow, {{"fence_iqr", "3"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "duration_s"), 8);
  SpreadFlow short_first = back_in_range_after(4'000);
  EXPECT_TRUE(run(short_first.flow, {{"fence_iqr", "3"}}).empty());
}

// With 61 s of history needed, the spread that widened at 60.5 s is judged from the 61st
// second on; with all of the baseline needed, not before 2 min.
TEST(ExcessiveSpread, NothingFiresBeforeMinHistory) {
  SpreadFlow s;
  s.widen_for(8'000);
  std::vector<Alert> alerts = run(s.flow, {{"min_history", "61s"}, {"baseline", "2m"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].start, OrderFlow::at(61'000));
  EXPECT_TRUE(run(s.flow, {{"min_history", "2m"}, {"baseline", "2m"}}).empty());
}

// Wide for 6 s, back to 0.10 for a moment, wide again for 6 s: a dip shorter than max_dip
// leaves one episode, a longer one ends it.
TEST(ExcessiveSpread, DipsShorterThanMaxDipStayInTheEpisode) {
  auto flow_with_dip = [](int64_t dip_ms) {
    SpreadFlow s;
    s.book();
    int64_t t = SpreadFlow::kWideAt;
    s.remove(t, "a1");
    s.add(t + 6'000, "a3", Side::kSell, 100.10, "maker2");
    s.remove(t + 6'000 + dip_ms, "a3");
    s.add(t + 12'000 + dip_ms, "a4", Side::kSell, 100.10, "maker2");
    s.beats_until(t + 30'000);
    return s;
  };
  SpreadFlow short_dip = flow_with_dip(1'999);
  std::vector<Alert> one = run(short_dip.flow);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].start, OrderFlow::at(SpreadFlow::kWideAt));
  EXPECT_EQ(one[0].end, OrderFlow::at(SpreadFlow::kWideAt + 13'999));
  EXPECT_DOUBLE_EQ(metric(one[0], "dips"), 1);
  EXPECT_DOUBLE_EQ(metric(one[0], "wide_s"), 12);
  EXPECT_DOUBLE_EQ(metric(one[0], "duration_s"), 13.999);
  // The orders of the dip are not evidence: the episode closed with a4.
  EXPECT_EQ(one[0].evidence,
            (std::vector<std::string>{"order:a1", "order:b1", "order:a2", "order:a4"}));

  SpreadFlow long_dip = flow_with_dip(2'000);
  std::vector<Alert> two = run(long_dip.flow);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].end, OrderFlow::at(SpreadFlow::kWideAt + 6'000));
  EXPECT_EQ(two[1].start, OrderFlow::at(SpreadFlow::kWideAt + 8'000));
  EXPECT_NE(two[0].id, two[1].id);
}

// The bid side empties for a second inside the episode: a dip, counted as time without a
// spread of its kind.
TEST(ExcessiveSpread, TimeWithoutASpreadInsideAnEpisodeIsCounted) {
  SpreadFlow s;
  s.book();
  int64_t t = SpreadFlow::kWideAt;
  s.remove(t, "a1");
  s.remove(t + 6'000, "b1");
  s.add(t + 7'000, "b4", Side::kBuy, 100.00);
  s.add(t + 12'000, "a3", Side::kSell, 100.10);
  s.beats_until(t + 20'000);
  std::vector<Alert> alerts = run(s.flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "dips"), 1);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "episode_one_sided_s"), 1);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "episode_crossed_s"), 0);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "wide_s"), 11);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "duration_s"), 12);
}

// The median weighs each spread by the time it was in force: 500 messages at 0.30 within half
// a second do not outweigh a minute at 0.10, so 0.30 is still 3x the median.
TEST(ExcessiveSpread, TheMedianIsOverEventTimeNotOverMessages) {
  SpreadFlow s;
  s.book(100.30);
  for (int i = 0; i < 250; ++i) {
    s.remove(40'000 + 2 * i, "a1");
    s.add(40'000 + 2 * i + 1, "a1", Side::kSell, 100.10, "maker");
  }
  s.remove(SpreadFlow::kWideAt, "a1");
  s.add(SpreadFlow::kWideAt + 8'000, "a3", Side::kSell, 100.10);
  s.beats_until(SpreadFlow::kWideAt + 20'000);
  std::vector<Alert> alerts = run(s.flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "median_spread"), 0.1);
}

// A spread that stays wide becomes the normal: once half the baseline holds it, the median
// has caught up and the episode ends, though no message narrowed the spread (the input is
// quiet for ten minutes, which the baseline covers in one pass).
TEST(ExcessiveSpread, ASpreadThatStaysWideBecomesTheNewMedian) {
  SpreadFlow s;
  s.book();
  s.remove(SpreadFlow::kWideAt, "a1");
  s.next_beat = 700'000;  // no prints: nothing at all happens in between
  s.add(700'000, "a3", Side::kSell, 100.10);
  std::vector<Alert> alerts = run(s.flow);
  ASSERT_EQ(alerts.size(), 1u);
  // Samples at 61 s to 90 s hold 0.40: with the 30th the median is 0.25, and 0.40 is < 3x.
  EXPECT_EQ(alerts[0].end, OrderFlow::at(90'000));
  EXPECT_EQ(alerts[0].evidence, (std::vector<std::string>{"order:a1", "order:b1", "order:a2"}));
}

// Without accounts on the orders the alert is the same, and names no account.
TEST(ExcessiveSpread, AccountsAreNamedOnlyWhenTheOrdersCarryThem) {
  SpreadFlow s;
  s.named = false;
  s.widen_for(8'000);
  std::vector<Alert> alerts = run(s.flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(alerts[0].accounts.empty());
  EXPECT_EQ(alerts[0].evidence,
            (std::vector<std::string>{"order:a1", "order:b1", "order:a2", "order:a3"}));
}

// A bid above the ask (a crossed book), then equal to it (locked), for 10 s each: no spread,
// so nothing fires, however far apart the other orders are; the time shows in the baseline
// of the next episode.
TEST(ExcessiveSpread, CrossedOrLockedOrOneSidedBooksGiveNoSpread) {
  SpreadFlow s;
  s.book();
  s.add(40'000, "cross", Side::kBuy, 100.20);
  s.remove(50'000, "cross");
  s.add(50'000, "lock", Side::kBuy, 100.10);
  s.remove(60'000, "lock");
  s.remove(70'000, "a1");
  s.remove(70'000, "a2");  // no ask at all for 10 s
  s.add(80'000, "a3", Side::kSell, 100.40);
  s.add(90'000, "a4", Side::kSell, 100.10);  // the wide stretch: 80 s to 90 s
  s.beats_until(100'000);
  std::vector<Alert> alerts = run(s.flow, {{"baseline", "2m"}, {"min_history", "20s"}});
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.start, OrderFlow::at(80'000));
  EXPECT_EQ(a.end, OrderFlow::at(90'000));
  EXPECT_EQ(a.evidence, (std::vector<std::string>{"order:a3", "order:b1", "order:a4"}));
  EXPECT_DOUBLE_EQ(metric(a, "baseline_crossed_s"), 10);
  EXPECT_DOUBLE_EQ(metric(a, "baseline_locked_s"), 10);
  EXPECT_DOUBLE_EQ(metric(a, "baseline_one_sided_s"), 10);
  EXPECT_DOUBLE_EQ(metric(a, "baseline_spread_s"), 50);
}

// b1 leaves and the book's next bid is 99.60; but a bid the book never held (it rested before
// the feed began, or below a depth-limited feed's levels) trades at 99.95 a moment later: the
// book's top is not the market's, and its 0.50 is no spread until a bid reaches 99.95.
TEST(ExcessiveSpread, ABookMissingItsTopGivesNoSpread) {
  auto flow = [](bool unseen_bid_trades) {
    SpreadFlow s;
    s.book();
    s.add(0, "b2", Side::kBuy, 99.60);
    s.remove(SpreadFlow::kWideAt, "b1");
    if (unseen_bid_trades) {
      Event& e = s.flow.execute(SpreadFlow::kWideAt + 100, "unseen", 5);
      e.side = Side::kBuy;
      e.price = Price::from_double(99.95);
    }
    s.add(SpreadFlow::kWideAt + 8'000, "b3", Side::kBuy, 99.95);
    s.beats_until(SpreadFlow::kWideAt + 20'000);
    return s;
  };
  SpreadFlow seen = flow(false);
  EXPECT_EQ(run(seen.flow).size(), 1u);
  SpreadFlow unseen = flow(true);
  EXPECT_TRUE(run(unseen.flow).empty());
}

// A halt makes whatever the book shows no spread.
TEST(ExcessiveSpread, NoSpreadWhileTradingIsHalted) {
  auto flow = [](bool halted) {
    SpreadFlow s;
    s.book();
    if (halted) {
      s.beats_until(SpreadFlow::kWideAt);
      Event& e = s.flow.events.emplace_back();
      e.ts = OrderFlow::at(SpreadFlow::kWideAt);
      e.kind = EventKind::kStatus;
      e.status = TradingStatus::kHalted;
      e.symbol = s.flow.universe.symbol("ACME");
      e.seq = s.flow.events.size();
    }
    s.remove(SpreadFlow::kWideAt, "a1");
    s.add(SpreadFlow::kWideAt + 8'000, "a3", Side::kSell, 100.10);
    s.beats_until(SpreadFlow::kWideAt + 20'000);
    return s;
  };
  SpreadFlow trading = flow(false);
  EXPECT_EQ(run(trading.flow).size(), 1u);
  SpreadFlow halted = flow(true);
  EXPECT_TRUE(run(halted.flow).empty());
}

/// Quotes of a symbol without order events: 50.00 / 50.05, then 50.00 / `ask` for 8 s.
OrderFlow quoted_market(double ask) {
  OrderFlow flow;
  flow.symbol = "QUOTED";
  for (int64_t ms = 0; ms < 60'000; ms += 1000) flow.quote(ms, 50.00, 5, 50.05, 5);
  flow.quote(60'500, 50.00, 5, ask, 5);
  flow.quote(64'500, 50.00, 7, ask, 5);  // sizes change, the spread does not
  flow.quote(68'500, 50.00, 5, 50.05, 5);
  for (int64_t ms = 69'000; ms < 80'000; ms += 1000) flow.quote(ms, 50.00, 5, 50.05, 5);
  return flow;
}

TEST(ExcessiveSpread, QuotesGiveTheSpreadWhenThereIsNoBook) {
  OrderFlow wide = quoted_market(50.20);  // 4x, 39.9 bps
  std::vector<Alert> alerts = run(wide);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].symbol, "QUOTED");
  EXPECT_EQ(alerts[0].start, OrderFlow::at(60'500));
  EXPECT_EQ(alerts[0].end, OrderFlow::at(68'500));
  // The opening line is also the one in force at the widest; the closing line.
  EXPECT_EQ(alerts[0].evidence, (std::vector<std::string>{"quote:line:61", "quote:line:63"}));
  EXPECT_TRUE(alerts[0].accounts.empty());
  EXPECT_DOUBLE_EQ(metric(alerts[0], "multiple"), 4);
  OrderFlow narrow = quoted_market(50.14);  // 2.8x
  EXPECT_TRUE(run(narrow).empty());
}

// A symbol with a book: its quotes (here a wide one) are not what the rule reads.
TEST(ExcessiveSpread, QuotesAreIgnoredWhereTheSymbolHasABook) {
  SpreadFlow s;
  s.book();
  s.beats_until(SpreadFlow::kWideAt);
  s.flow.quote(SpreadFlow::kWideAt, 100.00, 5, 101.00, 5);
  s.beats_until(SpreadFlow::kWideAt + 20'000);
  EXPECT_TRUE(run(s.flow).empty());
}

TEST(ExcessiveSpread, ParametersComeFromTheConfigFile) {
  SpreadFlow s;
  s.widen_for(8'000);
  const std::string fast =
      "[rules.\"excessive_spread\"]\n"
      "baseline = \"60s\"\nmin_history = \"30s\"\n";
  auto run_toml = [&](std::string_view more) {
    std::string toml = fast;
    toml.append(more);
    Config config = parse_config(toml, "test.toml");
    for (auto& [name, settings] : config.rules) settings.enabled = name == kRule;
    return run_config(s.flow, config);
  };
  EXPECT_EQ(run_toml("").size(), 1u);
  EXPECT_TRUE(run_toml("multiple = 4.01\n").empty());
  EXPECT_TRUE(run_toml("min_duration = \"9s\"\n").empty());
  EXPECT_TRUE(run_toml("[rules.\"excessive_spread\".symbols.ACME]\nmultiple = 5\n").empty());
  EXPECT_EQ(run_toml("[rules.\"excessive_spread\".symbols.OTHER]\nmultiple = 5\n").size(), 1u);
}

TEST(ExcessiveSpread, BadParameterCombinationsFailAtStartUpNamingTheKey) {
  auto error_of = [](const Overrides& overrides) -> std::string {
    OrderFlow none;
    try {
      run_config(none, config_with(overrides));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of({{"multiple", "1"}}), "excessive_spread.multiple: must be more than 1");
  EXPECT_EQ(error_of({{"min_history", "61s"}}),
            "excessive_spread.min_history: must not exceed baseline");
  EXPECT_EQ(error_of({{"baseline", "1500ms"}, {"min_history", "1s"}}),
            "excessive_spread.baseline: must be a whole number of seconds, at most 4h");
  EXPECT_EQ(error_of({{"baseline", "5h"}}),
            "excessive_spread.baseline: must be a whole number of seconds, at most 4h");
  EXPECT_EQ(error_of({{"full_multiple", "3"}}),
            "excessive_spread.full_multiple: must be more than multiple");
  EXPECT_EQ(error_of({{"full_duration", "5s"}}),
            "excessive_spread.full_duration: must be more than min_duration");
  EXPECT_EQ(error_of({}), "");
}

TEST(ExcessiveSpread, ScoreAndSeverityRiseWithTheMultipleAndTheDuration) {
  SpreadFlow mild;
  mild.widen_for(5'000, 100.30);
  SpreadFlow strong;
  strong.widen_for(25'000, 101.10);  // 11x for 25 s
  std::vector<Alert> a = run(mild.flow);
  std::vector<Alert> b = run(strong.flow, {{"full_duration", "25s"}});
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_DOUBLE_EQ(a[0].score, 50);
  EXPECT_EQ(a[0].severity, Severity::kMedium);
  EXPECT_DOUBLE_EQ(b[0].score, 100);
  EXPECT_EQ(b[0].severity, Severity::kCritical);
}

TEST(ExcessiveSpread, ReRunsGiveTheSameIds) {
  SpreadFlow s;
  s.widen_for(8'000);
  std::vector<Alert> first = run(s.flow);
  std::vector<Alert> second = run(s.flow);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].id, second[0].id);
  EXPECT_EQ(first[0].id.size(), 16u);
  SpreadFlow later;
  later.widen_for(9'000);
  EXPECT_NE(run(later.flow)[0].id, first[0].id);
}

// A spread still wide when the input ends is reported, ended by the input.
TEST(ExcessiveSpread, AnEpisodeOpenAtTheEndIsReported) {
  SpreadFlow s;
  s.book();
  s.remove(SpreadFlow::kWideAt, "a1");
  s.beats_until(SpreadFlow::kWideAt + 6'000);
  std::vector<Alert> alerts = run(s.flow);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].end, OrderFlow::at(SpreadFlow::kWideAt + 5'500));  // the last print
  EXPECT_NE(alerts[0].metrics_json.find("\"ended_by\":\"input_end\""), std::string::npos);
  EXPECT_EQ(alerts[0].evidence, (std::vector<std::string>{"order:a1", "order:b1", "order:a2"}));
}

/// The Amazon LOBSTER files of ../shared/data, `level` 1 or 5.
std::string amazon_file(std::string_view kind, std::string_view level) {
  std::string name = "lobster/AMZN_2012-06-21_34200000_57600000_";
  name.append(kind).append("_").append(level).append(".csv");
  return tw::testing::shared_file(name);
}

/// The provider's book after every message, as top-of-book quotes of `symbol` at the times of
/// `messages` (row k follows message k).
std::vector<Event> true_top_as_quotes(std::string_view level, const std::vector<Event>& messages,
                                      Universe& universe, std::string_view symbol) {
  LobsterBookFile rows(amazon_file("orderbook", level));
  LobsterBookRow row;
  std::vector<Event> quotes;
  quotes.reserve(messages.size());
  for (const Event& message : messages) {
    if (!rows.next(row)) throw std::runtime_error("fewer orderbook rows than messages");
    Event& q = quotes.emplace_back();
    q.kind = EventKind::kQuote;
    q.ts = message.ts;
    q.symbol = universe.symbol(symbol);
    q.seq = message.seq;
    if (!row.bids.empty()) q.price = row.bids[0].price, q.qty = row.bids[0].qty;
    if (!row.asks.empty()) q.price2 = row.asks[0].price, q.qty2 = row.asks[0].qty;
  }
  return quotes;
}

/// Looser than the defaults, under which the day has no episode at all (see below), and with
/// the multiple of the median alone: none of the day's widenings leaves the spread's normal
/// range (fence_iqr 3 gives no alert, true top or rebuilt book).
const tw::testing::ParamTexts kLoose = {{"multiple", "2"},
                                        {"min_spread_bps", "5"},
                                        {"min_duration", "2s"},
                                        {"max_dip", "1s"},
                                        {"fence_iqr", "0"}};
const tw::testing::ParamTexts kLooseInRange = {
    {"multiple", "2"}, {"min_spread_bps", "5"}, {"min_duration", "2s"}, {"max_dip", "1s"}};

// Both Amazon LOBSTER files through the reader and the engine, as `tapewatch run` reads them
// (no book seed). The provider's orderbook file has the true top after every message: run as
// quotes, it is the market the rule should see. The book rebuilt from a level-N file is
// another matter: it drops the orders that left the file's levels unseen once a message's
// price proves them gone (never crossed), but it cannot know the levels that came into view
// from below without a message. The rule must find the true episodes in the quotes, and no
// alert at the defaults in the rebuilt book.
TEST(ExcessiveSpreadAmazon, NoAlertAtTheDefaultsAndLooseOnesBoundedInTheRebuiltBook) {
  if (amazon_file("message", "1").empty()) {
    GTEST_SKIP() << "../shared/data absent: no LOBSTER files";
  }
  for (std::string_view level : {"1", "5"}) {
    Universe universe;
    FeedOptions options;
    options.format = "lobster";
    std::vector<Event> messages =
        tw::testing::load_events(amazon_file("message", level), universe, options);
    std::vector<Event> quotes = true_top_as_quotes(level, messages, universe, "AMZN.TOP");
    auto started = std::chrono::steady_clock::now();
    tw::testing::RuleRun defaults(universe, messages, kRule);
    tw::testing::RuleRun book(universe, messages, kRule, kLoose);
    tw::testing::RuleRun truth(universe, quotes, kRule, kLoose);
    tw::testing::RuleRun truth_defaults(universe, quotes, kRule);
    tw::testing::RuleRun book_in_range(universe, messages, kRule, kLooseInRange);
    tw::testing::RuleRun truth_in_range(universe, quotes, kRule, kLooseInRange);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto per_million = [&](const tw::testing::RuleRun& run) {
      return static_cast<double>(run.fired().size()) * 1e6 / static_cast<double>(messages.size());
    };
    std::cout << "AMZN level " << level << ", " << messages.size()
              << " messages: rebuilt book, defaults " << defaults.fired().size() << " alerts ("
              << per_million(defaults) << " per million), loose " << book.fired().size()
              << "; true top as quotes, defaults " << truth_defaults.fired().size() << ", loose "
              << truth.fired().size() << " (" << per_million(truth) << " per million); " << seconds
              << " s\n";
    std::string property = "alerts_per_million_level_";
    property.append(level);
    ::testing::Test::RecordProperty(property, std::to_string(per_million(defaults)));

    // At the defaults the day has no spread 3x its median for 5 s, true or rebuilt.
    EXPECT_TRUE(defaults.fired().empty());
    EXPECT_TRUE(truth_defaults.fired().empty());
    EXPECT_TRUE(book_in_range.fired().empty());
    EXPECT_TRUE(truth_in_range.fired().empty());
    // Loose, the true top widens three times (an independent replay of the orderbook rows
    // found the same three); the seconds after midnight in New York when each began.
    std::vector<std::string> starts;
    for (const Alert& a : truth.fired()) starts.push_back(a.start.to_iso8601());
    EXPECT_EQ(starts, (std::vector<std::string>{"2012-06-21T15:27:03.177450938Z",
                                                "2012-06-21T15:29:12.423702542Z",
                                                "2012-06-21T18:30:07.482226035Z"}))
        << "level " << level;
    for (const Alert& a : truth.fired()) {
      EXPECT_EQ(a.symbol, "AMZN.TOP");
      EXPECT_GE(metric(a, "multiple"), 2);
      EXPECT_GE(metric(a, "duration_s"), 2);
      EXPECT_GE(a.evidence.size(), 2u);  // the opening and closing quote lines
    }
    // A level-N file leaves the rebuilt book without the levels that came into view from
    // below its depth with no message, so its spread is wider than the market's at times:
    // loose, that gives alerts off the true episodes (measured: 68 on level 1, 22 on level 5),
    // and its median, widened too, hides the true ones. No more than measured.
    auto overlaps = [](const Alert& a, const Alert& b) {
      return a.start < b.end && b.start < a.end;
    };
    size_t off_true = 0;
    for (const Alert& a : book.fired()) {
      off_true += std::none_of(truth.fired().begin(), truth.fired().end(),
                               [&](const Alert& t) { return overlaps(a, t); });
    }
    size_t true_found = 0;
    for (const Alert& t : truth.fired()) {
      true_found += std::any_of(book.fired().begin(), book.fired().end(),
                                [&](const Alert& a) { return overlaps(a, t); });
    }
    std::cout << "level " << level << " rebuilt book, loose: " << off_true
              << " alerts off the true episodes, " << true_found << " of " << truth.fired().size()
              << " true episodes found\n";
    EXPECT_LE(off_true, level == "1" ? 68u : 22u);
  }
}

}  // namespace
