// marking_the_close: sessions in New York time and UTC, thresholds, reversals after the close or
// at the next open, the input ending first, accounts, and the real LOBSTER days.

#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "detect/marking_the_close.hpp"
#include "engine/engine.hpp"
#include "model/new_york_time.hpp"
#include "order_flow.hpp"
#include "real_data.hpp"
#include "rule_run.hpp"
#include "rule_test_util.hpp"

using namespace tw;
using tw::testing::OrderFlow;
using tw::testing::ParamTexts;
using tw::testing::RuleRun;

namespace {

constexpr std::string_view kRule = "marking_the_close";

Timestamp utc(const char* iso) {
  return *Timestamp::parse_iso8601(iso);
}

/// Trades of one symbol at New York times of the days from a first day (Tuesday 2023-11-14,
/// Eastern Standard Time, unless given).
struct CloseTape {
  OrderFlow flow;
  int64_t first_day = days_from_civil(2023, 11, 14);

  Timestamp new_york(int day, int h, int m, double s = 0) const {
    CivilDate date = civil_from_days(first_day + day);
    auto nanos = static_cast<int64_t>(((h * 60 + m) * 60 + s) * 1e9);
    return from_new_york_time(date.year, date.month, date.day, nanos);
  }

  Event& trade(Timestamp ts, Side side, double price, double qty = 10, std::string_view buyer = {},
               std::string_view seller = {}) {
    Event& e = flow.trade(0, side, price, qty, buyer, seller);
    e.ts = ts;
    return e;
  }
  Event& trade(int day, int h, int m, double s, Side side, double price, double qty = 10,
               std::string_view buyer = {}, std::string_view seller = {}) {
    return trade(new_york(day, h, m, s), side, price, qty, buyer, seller);
  }

  /// A buy at each minute's start and a sell at its half, at `price`, in [from, to).
  void quiet(Timestamp from, Timestamp to, double price) {
    for (Timestamp t = from; t < to; t = t + Duration::minutes(1)) {
      trade(t, Side::kBuy, price);
      trade(t + Duration::seconds(30), Side::kSell, price);
    }
  }
  /// Two-way trading at 100 from 09:30 to the closing window (15:50) of `day`.
  void regular_hours(int day, double price = 100) {
    quiet(new_york(day, 9, 30), new_york(day, 15, 50), price);
  }

  std::vector<Alert> run(ParamTexts params = {}) {
    RuleRun r(flow.universe, flow.events, kRule, params);
    return r.fired();
  }
};

/// A day at 100, four buys of 10 at 15:56 to 15:59 walking the price up to `close`, and one
/// after-hours trade at 16:05 at `after` (none when 0).
struct MarkedUp : CloseTape {
  std::vector<std::string> movers;

  explicit MarkedUp(double close = 101, double after = 100.5, int day = 0) {
    regular_hours(day);
    for (int i = 1; i <= 4; ++i) {
      Event& e = trade(day, 15, 55 + i, 0, Side::kBuy, 100 + (close - 100) * i / 4);
      movers.push_back("trade:" + e.id.to_string());
    }
    if (after > 0) trade(day, 16, 5, 0, Side::kSell, after);
  }
};

TEST(MarkingTheClose, IsRegisteredWithItsParameters) {
  ASSERT_NE(find_rule(kRule), nullptr);
  Config config = default_config();
  const RuleConfig& rule = config.rule(kRule);
  EXPECT_TRUE(rule.enabled);
  EXPECT_EQ(rule.values.duration("close_time"), Duration::hours(16));
  EXPECT_TRUE(rule.values.flag("new_york_time"));
  EXPECT_EQ(rule.values.duration("closing_window"), Duration::minutes(10));
  EXPECT_EQ(rule.values.duration("reference_window"), Duration::minutes(30));
  EXPECT_EQ(rule.values.number("min_move_pct"), 1);
  EXPECT_EQ(rule.values.duration("reversal_window"), Duration::minutes(30));
  EXPECT_EQ(rule.values.number("min_reversal_share"), 0.5);
  EXPECT_EQ(rule.values.number("min_mover_share"), 0.2);
  EXPECT_EQ(rule.values.number("mover_reversal_share"), 0.25);
}

// Exactly at both thresholds: the close 1% above the reference VWAP, half of it given back.
TEST(MarkingTheClose, MarkedCloseReversedAfterHoursGivesOneAlert) {
  MarkedUp tape;
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "marking_the_close");
  EXPECT_EQ(a.symbol, "ACME");
  EXPECT_EQ(a.start, utc("2023-11-14T20:50:00Z"));  // 15:50 New York (EST)
  EXPECT_EQ(a.end, utc("2023-11-14T21:05:00Z"));    // the after-hours trade
  EXPECT_DOUBLE_EQ(a.score, 50);
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_TRUE(a.accounts.empty());
  EXPECT_EQ(a.evidence, tape.movers);
  EXPECT_EQ(a.evidence_total, 4u);
  EXPECT_EQ(metric_text(a, "direction"), "up");
  EXPECT_EQ(metric_text(a, "close_time"), "2023-11-14T21:00:00Z");
  EXPECT_EQ(metric(a, "close_price"), 101);
  EXPECT_EQ(metric(a, "reference_vwap"), 100);
  EXPECT_EQ(metric(a, "reference_volume"), 600);
  EXPECT_NEAR(metric(a, "move_pct"), 1, 1e-12);
  EXPECT_EQ(metric(a, "pre_window_price"), 100);
  EXPECT_EQ(metric(a, "window_trades"), 4);
  EXPECT_EQ(metric(a, "window_volume"), 40);
  EXPECT_EQ(metric(a, "moving_trades"), 4);
  EXPECT_TRUE(metric_flag(a, "reversal_observed"));
  EXPECT_EQ(metric(a, "after_close_trades"), 1);
  EXPECT_EQ(metric(a, "after_close_vwap"), 100.5);
  EXPECT_NEAR(metric(a, "reversal_share"), 0.5, 1e-12);
  EXPECT_EQ(a.why,
            "ACME closed at 101 at 2023-11-14T21:00:00Z, 1% above the 30m VWAP of 100 before "
            "its 10m closing window, whose 4 trades moved it from 100; the 30m of trading after "
            "the close (VWAP 100.5) gave back 50% of it.");
}

TEST(MarkingTheClose, MoveThreshold) {
  EXPECT_TRUE(MarkedUp(100.99, 100.49).run().empty()) << "0.99%";
  auto over = MarkedUp(101.01, 100.5).run();
  ASSERT_EQ(over.size(), 1u) << "1.01%";
  EXPECT_GT(over[0].score, 50);
}

TEST(MarkingTheClose, ReversalShareThreshold) {
  EXPECT_TRUE(MarkedUp(101, 100.51).run().empty()) << "49% given back";
  auto over = MarkedUp(101, 100.49).run();
  ASSERT_EQ(over.size(), 1u) << "51% given back";
  EXPECT_NEAR(metric(over[0], "reversal_share"), 0.51, 1e-12);
}

TEST(MarkingTheClose, QuietCloseGivesNothing) {
  CloseTape tape;
  tape.quiet(tape.new_york(0, 9, 30), tape.new_york(0, 16, 30), 100);
  tape.quiet(tape.new_york(1, 9, 30), tape.new_york(1, 16, 30), 100);
  EXPECT_TRUE(tape.run().empty());
}

// Without after-hours trading the reversal is the next open's: Wednesday's, or Monday's after a
// Friday close.
TEST(MarkingTheClose, ReversalAtTheNextOpen) {
  MarkedUp next_day(101, 0);
  next_day.trade(1, 9, 30, 0, Side::kSell, 100.4);
  auto alerts = next_day.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].end, utc("2023-11-15T14:30:00Z"));
  EXPECT_NEAR(metric(alerts[0], "reversal_share"), 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(alerts[0].score, 55);

  MarkedUp friday(101, 0, 3);
  friday.trade(6, 9, 30, 0, Side::kSell, 100.4);
  auto weekend = friday.run();
  ASSERT_EQ(weekend.size(), 1u);
  EXPECT_EQ(metric_text(weekend[0], "close_time"), "2023-11-17T21:00:00Z");
  EXPECT_EQ(weekend[0].end, utc("2023-11-20T14:30:00Z"));
  EXPECT_TRUE(metric_flag(weekend[0], "reversal_observed"));
}

// The reversal is the VWAP of the reversal window (30 m) from the first trade after the close.
TEST(MarkingTheClose, ReversalWindow) {
  for (int second : {0, 1}) {
    MarkedUp tape(101, 0);
    tape.trade(0, 16, 5, 0, Side::kSell, 101);
    tape.trade(0, 16, 35, second, Side::kSell, 100);
    auto alerts = tape.run();
    if (second == 0) {
      ASSERT_EQ(alerts.size(), 1u);
      EXPECT_EQ(metric(alerts[0], "after_close_vwap"), 100.5);
      EXPECT_EQ(alerts[0].end, tape.new_york(0, 16, 35));
    } else {
      EXPECT_TRUE(alerts.empty()) << "16:35:01 is past the window: nothing was given back";
    }
  }
}

// No trade after the close before the input ends: reported, at half the move's score, as not
// observed.
TEST(MarkingTheClose, ReversalNotObservedIsScoredLower) {
  MarkedUp tape(101, 0);
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_DOUBLE_EQ(a.score, 25);
  EXPECT_EQ(a.severity, Severity::kLow);
  EXPECT_EQ(a.end, utc("2023-11-14T21:00:00Z"));
  EXPECT_FALSE(metric_flag(a, "reversal_observed"));
  EXPECT_EQ(metric(a, "after_close_trades"), 0);
  EXPECT_NE(a.why.find("no trade after the close was seen, so the reversal was not observed"),
            std::string::npos)
      << a.why;
  EXPECT_DOUBLE_EQ(MarkedUp(103, 0).run()[0].score, 50) << "a move of 3x the threshold";
}

// A trade at the close instant is the close; the next nanosecond is after it.
TEST(MarkingTheClose, TheCloseInstantBelongsToTheWindow) {
  CloseTape tape;
  tape.regular_hours(0);
  tape.trade(0, 16, 0, 0, Side::kBuy, 101.5);
  tape.trade(tape.new_york(0, 16, 0) + Duration::nanos(1), Side::kSell, 100);
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "close_price"), 101.5);
  EXPECT_EQ(metric(alerts[0], "reversal_share"), 1);
}

// The window must itself move the price the way of the move: a close that stays where the last
// reference trade left it is not marked, however far it is from the VWAP.
TEST(MarkingTheClose, TheWindowMustMoveThePrice) {
  for (double pre_window : {101.2, 100.9}) {
    CloseTape tape;
    tape.regular_hours(0);
    tape.trade(0, 15, 49, 45, Side::kBuy, pre_window, 1);
    tape.trade(0, 15, 55, 0, Side::kSell, 101.1);
    tape.trade(0, 15, 58, 0, Side::kSell, 101.05);
    tape.trade(0, 16, 5, 0, Side::kSell, 100);
    auto alerts = tape.run();
    if (pre_window > 101.05) {
      EXPECT_TRUE(alerts.empty());
    } else {
      ASSERT_EQ(alerts.size(), 1u);
      EXPECT_EQ(metric(alerts[0], "pre_window_price"), 100.9);
      EXPECT_EQ(alerts[0].evidence.size(), 1u) << "one up-tick: 100.9 to 101.1";
    }
  }
}

// With accounts, the largest buyers of the window (for a close marked up) are named, three at
// most; a close marked down names the sellers.
TEST(MarkingTheClose, NamesTheLargestAccountsOnTheSideOfTheMove) {
  CloseTape tape;
  tape.regular_hours(0);
  tape.trade(0, 15, 51, 0, Side::kBuy, 100.2, 5, "dave", "mm");
  tape.trade(0, 15, 52, 0, Side::kBuy, 100.4, 10, "carol", "mm");
  tape.trade(0, 15, 53, 0, Side::kBuy, 100.6, 20, "bob", "mm");
  for (int i = 0; i < 3; ++i) {
    tape.trade(0, 15, 57 + i, 0, Side::kBuy, 100.8 + 0.1 * i, 10, "alice", "mm");
  }
  tape.trade(0, 16, 10, 0, Side::kSell, 100.2, 10, "mm", "alice");
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.accounts, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_NEAR(metric(a, "top_account_share"), 30.0 / 65, 1e-12);
  EXPECT_EQ(metric_text(a, "mover"), "alice");
  EXPECT_NEAR(metric(a, "mover_share"), 30.0 / 65, 1e-12);
  EXPECT_NE(a.why.find("; alice took 46.15% of the window's aggressive buying."), std::string::npos)
      << a.why;

  CloseTape down;
  down.regular_hours(0);
  down.trade(0, 15, 58, 0, Side::kSell, 99.5, 10, "mm", "erin");
  down.trade(0, 15, 59, 0, Side::kSell, 99, 10, "mm", "frank");
  down.trade(0, 16, 10, 0, Side::kBuy, 99.5, 10, "erin", "mm");
  auto marked_down = down.run();
  ASSERT_EQ(marked_down.size(), 1u);
  EXPECT_EQ(metric_text(marked_down[0], "direction"), "down");
  EXPECT_EQ(marked_down[0].accounts, (std::vector<std::string>{"erin", "frank"}));
  EXPECT_NE(marked_down[0].why.find("1% below the 30m VWAP"), std::string::npos);
  EXPECT_NE(marked_down[0].why.find("; erin took 50% of the window's aggressive selling."),
            std::string::npos);

  // No aggressor takes a fifth of the aggressive buying: the largest buyer is named as such.
  CloseTape spread;
  spread.regular_hours(0);
  for (int i = 0; i < 6; ++i) {
    const std::string buyer = "b" + std::to_string(i);
    spread.trade(0, 15, 51 + i, 0, Side::kBuy, 100.5 + 0.1 * i, 10 + i, buyer, "mm");
  }
  spread.trade(0, 16, 10, 0, Side::kSell, 100.5, 10, "mm", "b0");
  auto unnamed = spread.run({{"min_mover_share", "0.25"}});
  ASSERT_EQ(unnamed.size(), 1u);
  EXPECT_EQ(metric_text(unnamed[0], "mover"), "");
  EXPECT_NEAR(metric(unnamed[0], "mover_share"), 15.0 / 75, 1e-12);
  EXPECT_NE(unnamed[0].why.find("; top buyer in the window: b5 (15 of 75)."), std::string::npos)
      << unnamed[0].why;
}

/// A close walked up from 100 to 101 by `movers` aggressive buyers in turn (12 buys of 10),
/// given back to `after` after the close.
CloseTape walked_up(int movers, double after) {
  CloseTape tape;
  tape.regular_hours(0);
  for (int i = 0; i < 12; ++i) {
    const std::string buyer = "buyer" + std::to_string(i % movers);
    tape.trade(0, 15, 51, 30 * i, Side::kBuy, 100 + (i + 1) / 12.0, 10, buyer, "mm");
  }
  tape.trade(0, 16, 10, 0, Side::kSell, after, 10, "mm", "buyer0");
  return tape;
}

// Once one participant is known to have moved the close, a smaller give-back after it is
// enough; a close that many moved together needs the full reversal.
TEST(MarkingTheClose, ANamedMoverNeedsASmallerReversal) {
  auto one = walked_up(1, 100.7).run();  // 30% given back
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].accounts.front(), "buyer0");
  EXPECT_EQ(metric(one[0], "mover_share"), 1);
  EXPECT_NEAR(metric(one[0], "reversal_share"), 0.3, 1e-9);
  EXPECT_TRUE(walked_up(1, 100.8).run().empty()) << "20% given back";
  EXPECT_TRUE(walked_up(6, 100.7).run().empty()) << "six buyers of a sixth each";
  EXPECT_EQ(walked_up(4, 100.7).run().size(), 1u) << "four of a quarter each";
  EXPECT_EQ(walked_up(1, 100.7).run({{"min_mover_share", "1"}}).size(), 1u)
      << "one who took all of it is a mover at 1";
  EXPECT_TRUE(walked_up(2, 100.7).run({{"min_mover_share", "0.6"}}).empty());
  EXPECT_TRUE(walked_up(1, 100.7).run({{"mover_reversal_share", "0.35"}}).empty());
  EXPECT_EQ(walked_up(1, 100.8).run({{"min_reversal_share", "0.15"}}).size(), 1u)
      << "the smaller of the two applies";
}

// In July New York is on daylight saving time: the 16:00 close is 20:00 UTC.
TEST(MarkingTheClose, FollowsNewYorkDaylightSavingTime) {
  CloseTape tape;
  tape.first_day = days_from_civil(2023, 7, 14);
  tape.regular_hours(0);
  tape.trade(0, 15, 59, 0, Side::kBuy, 101);
  tape.trade(0, 16, 5, 0, Side::kSell, 100);
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric_text(alerts[0], "close_time"), "2023-07-14T20:00:00Z");
  EXPECT_EQ(alerts[0].start, utc("2023-07-14T19:50:00Z"));
}

// A 24-hour market takes its session from a per-symbol override: a daily reference time of
// midnight UTC for BTCUSDT, while ACME keeps the New York close.
TEST(MarkingTheClose, PerSymbolSessionsFromTheConfigFile) {
  MarkedUp tape;  // ACME, closing 21:00 UTC
  tape.flow.symbol = "BTCUSDT";
  tape.quiet(utc("2023-11-14T23:00:00Z"), utc("2023-11-14T23:50:00Z"), 100);
  tape.trade(utc("2023-11-14T23:59:00Z"), Side::kBuy, 101.5);
  tape.trade(utc("2023-11-15T00:05:00Z"), Side::kSell, 100);
  auto run = [&](const std::string& toml) {
    Config config = parse_config(toml, "test.toml");
    for (auto& [name, rule] : config.rules) rule.enabled = name == kRule;
    AlertCollector alerts;
    DeadLetter rejects;
    Engine engine(config, tape.flow.universe, alerts, rejects);
    engine.push_events(tape.flow.events);
    engine.finish();
    return alerts.alerts;
  };
  auto alerts =
      run("[rules.marking_the_close.symbols.BTCUSDT]\nnew_york_time = false\n"
          "close_time = \"24h\"\n");
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].symbol, "ACME");
  EXPECT_EQ(metric_text(alerts[0], "close_time"), "2023-11-14T21:00:00Z");
  EXPECT_EQ(alerts[1].symbol, "BTCUSDT");
  EXPECT_EQ(metric_text(alerts[1], "close_time"), "2023-11-15T00:00:00Z");
  EXPECT_EQ(alerts[1].start, utc("2023-11-14T23:50:00Z"));
  EXPECT_EQ(metric(alerts[1], "close_price"), 101.5);
  // Without the override BTCUSDT trades after ACME's close: no closing window of its own.
  auto defaults = run("");
  ASSERT_EQ(defaults.size(), 1u);
  EXPECT_EQ(defaults[0].symbol, "ACME");
}

TEST(MarkingTheClose, ParametersFromTheConfigAreHonoured) {
  EXPECT_TRUE(MarkedUp().run({{"min_move_pct", "1.5"}}).empty());
  EXPECT_TRUE(MarkedUp().run({{"min_reversal_share", "0.6"}}).empty());
  EXPECT_TRUE(MarkedUp().run({{"closing_window", "3m"}}).empty()) << "15:57 to 16:00: from 100.25";
  EXPECT_TRUE(MarkedUp().run({{"close_time", "958m"}}).empty()) << "the move is after it";
  auto wider = MarkedUp().run({{"min_move_pct", "0.5"}, {"min_reversal_share", "0.25"}});
  ASSERT_EQ(wider.size(), 1u);
  EXPECT_DOUBLE_EQ(wider[0].score, (75 + 50 + 50.0 / 3) / 2);
  auto utc_close = MarkedUp().run({{"new_york_time", "false"}, {"close_time", "21h"}});
  ASSERT_EQ(utc_close.size(), 1u) << "21:00 UTC is 16:00 New York in November";
  EXPECT_EQ(metric_text(utc_close[0], "close_time"), "2023-11-14T21:00:00Z");
}

TEST(MarkingTheClose, BadParametersFailAtStartUp) {
  auto error_of = [](const std::string& toml) {
    try {
      Config config = parse_config(toml, "test.toml");
      Universe universe;
      AlertCollector alerts;
      DeadLetter rejects;
      Engine engine(config, universe, alerts, rejects);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of("[rules.marking_the_close]\nclose_time = \"25h\"\n")
                .find("marking_the_close.close_time"),
            std::string::npos);
  EXPECT_NE(error_of("[rules.marking_the_close.symbols.X]\nclosing_window = \"20h\"\n"
                     "reference_window = \"4h\"\n")
                .find("marking_the_close.symbols.X.reference_window"),
            std::string::npos);
  EXPECT_EQ(error_of("[rules.marking_the_close]\nclose_time = \"24h\"\n"), "accepted");
}

// One alert per session: two marked days give two alerts, with ids that re-runs repeat, and
// events one at a time with watermarks give the same alerts as the whole run.
TEST(MarkingTheClose, OneAlertPerSessionWithStableIds) {
  MarkedUp tape;
  MarkedUp second_day(101, 100.5, 1);
  for (const Event& e : second_day.flow.events) {
    Event& copy = tape.flow.events.emplace_back(e);
    copy.id = ExternalId::from_text("d2-" + e.id.to_string());
  }
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_NE(alerts[0].id, alerts[1].id);
  EXPECT_EQ(metric_text(alerts[1], "close_time"), "2023-11-15T21:00:00Z");
  auto again = tape.run();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].id, alerts[0].id);
  EXPECT_EQ(again[1].id, alerts[1].id);

  Config config = tw::testing::only_rule(kRule);
  AlertCollector streamed;
  auto detector = find_rule(kRule)->make({tape.flow.universe, config.rule(kRule), streamed});
  for (const Event& e : tape.flow.events) {
    detector->advance_to(e.ts);
    detector->on_event(e);
  }
  ASSERT_EQ(streamed.alerts.size(), 1u) << "the first day's reversal window ended on a watermark";
  detector->advance_to(tape.new_york(1, 16, 36));
  ASSERT_EQ(streamed.alerts.size(), 2u);
  detector->finish();
  ASSERT_EQ(streamed.alerts.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(streamed.alerts[i].id, alerts[i].id);
    EXPECT_EQ(streamed.alerts[i].metrics_json, alerts[i].metrics_json);
    EXPECT_EQ(streamed.alerts[i].evidence, alerts[i].evidence);
  }
}

// Both Amazon LOBSTER days through the reader, the book and the engine. The files end just
// before 16:00: the close is judged on the last trade, and no reversal can be seen.
TEST(MarkingTheClose, AmazonLobsterDays) {
  const std::string stem = "lobster/AMZN_2012-06-21_34200000_57600000_";
  for (const char* level : {"1", "5"}) {
    std::string messages = tw::testing::shared_file(stem + "message_" + level + ".csv");
    std::string book = tw::testing::shared_file(stem + "orderbook_" + level + ".csv");
    if (messages.empty() || book.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
    Universe universe;
    FeedOptions options;
    options.format = "lobster";
    options.book_seed = book;
    std::vector<Event> events = tw::testing::load_events(messages, universe, options);
    for (const char* move : {"1", "0.1"}) {
      RuleRun run(universe, events, kRule, {{"min_move_pct", move}});
      const double per_million =
          1e6 * static_cast<double>(run.fired().size()) / static_cast<double>(events.size());
      std::cout << "AMZN level " << level << ", min_move_pct " << move << ": " << run.fired().size()
                << " marking_the_close alerts (" << per_million << " per million messages)\n";
      RecordProperty(std::string("alerts_per_million_level_") + level + "_move_" + move,
                     std::to_string(per_million));
      EXPECT_LE(run.fired().size(), 1u) << "one session in the file";
      for (const Alert& a : run.fired()) {
        std::cout << "  " << a.id << " " << to_string(a.severity) << " " << a.why << "\n";
        EXPECT_FALSE(metric_flag(a, "reversal_observed"));
        EXPECT_LE(a.score, 50);
        EXPECT_EQ(metric_text(a, "close_time"), "2012-06-21T20:00:00Z");
        EXPECT_FALSE(a.evidence.empty());
      }
    }
  }
}

}  // namespace
