// momentum_ignition: bursts, reversals, thresholds, accounts, episodes and the real LOBSTER days.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "detect/momentum_ignition.hpp"
#include "engine/engine.hpp"
#include "order_flow.hpp"
#include "real_data.hpp"
#include "rule_run.hpp"
#include "rule_test_util.hpp"

using namespace tw;
using tw::testing::OrderFlow;
using tw::testing::ParamTexts;
using tw::testing::RuleRun;

namespace {

constexpr std::string_view kRule = "momentum_ignition";

/// A tape of one symbol: two-way trading, aggressive walks of the price, by milliseconds.
struct Tape {
  OrderFlow flow;

  /// A buy and a sell of 1 at `price` every second in [from_ms, to_ms).
  void quiet(int64_t from_ms, int64_t to_ms, double price) {
    for (int64_t ms = from_ms; ms < to_ms; ms += 1000) {
      flow.trade(ms, Side::kBuy, price, 1);
      flow.trade(ms + 500, Side::kSell, price, 1);
    }
  }

  /// `n` trades of `qty` with `side` as aggressor, `gap_ms` apart from `ms`, walking the price
  /// evenly from just past `from` to `to`. Returns their evidence ids.
  std::vector<std::string> walk(int64_t ms, int64_t gap_ms, Side side, double from, double to,
                                int n, double qty = 10, std::string_view buyer = {},
                                std::string_view seller = {}) {
    std::vector<std::string> ids;
    for (int i = 1; i <= n; ++i) {
      double price = from + (to - from) * i / n;
      price = std::round(price * 1e4) / 1e4;
      Event& e = flow.trade(ms + (i - 1) * gap_ms, side, price, qty, buyer, seller);
      ids.push_back("trade:" + e.id.to_string());
    }
    return ids;
  }

  std::vector<Alert> run(ParamTexts params = {}) {
    RuleRun r(flow.universe, flow.events, kRule, params);
    return r.fired();
  }
};

/// Quiet at 100 until 10 s (the last trade, a sell at 9.5 s, is where the burst starts), six
/// aggressive buys of 10 from 10 s to 11 s up to `peak`, then three sells from 20 s down to
/// `trough`, and quiet at the trough until 30 s.
struct Classic : Tape {
  std::vector<std::string> burst, reversal;

  explicit Classic(double peak = 100.30, double trough = 100.15, int burst_trades = 6) {
    quiet(0, 10'000, 100);
    burst = walk(10'000, 200, Side::kBuy, 100, peak, burst_trades);
    reversal = walk(20'000, 1000, Side::kSell, peak, trough, 3);
    quiet(30'000, 40'000, trough);
  }
  std::vector<std::string> evidence() const {
    std::vector<std::string> all = burst;
    all.insert(all.end(), reversal.begin(), reversal.end());
    return all;
  }
};

TEST(MomentumIgnition, IsRegisteredWithItsParameters) {
  const RuleInfo* info = find_rule(kRule);
  ASSERT_NE(info, nullptr);
  Config config = default_config();
  const RuleConfig& rule = config.rule(kRule);
  EXPECT_TRUE(rule.enabled);
  EXPECT_EQ(rule.values.number("min_move_bps"), 30);
  EXPECT_EQ(rule.values.duration("ignition_window"), Duration::seconds(10));
  EXPECT_EQ(rule.values.duration("reversal_window"), Duration::minutes(1));
  EXPECT_EQ(rule.values.number("min_reversal_share"), 0.5);
  EXPECT_EQ(rule.values.integer("min_aggressive_trades"), 5);
  EXPECT_EQ(rule.values.number("min_aggressive_share"), 0.7);
  EXPECT_EQ(rule.values.integer("max_held_trades"), 4096);
  EXPECT_TRUE(rule.values.flag("require_initiator_reversal"));
  EXPECT_EQ(rule.values.number("min_initiator_share"), 0.5);
  EXPECT_EQ(rule.values.integer("min_initiator_orders"), 3);
}

// Exactly at every threshold: a 30 bps move by six aggressive buys, half of it given back.
TEST(MomentumIgnition, BurstThenReversalGivesOneAlert) {
  Classic tape;
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "momentum_ignition");
  EXPECT_EQ(a.symbol, "ACME");
  EXPECT_EQ(a.start, OrderFlow::at(9'500));  // the last trade at 100
  EXPECT_EQ(a.end, OrderFlow::at(22'000));   // the trough
  EXPECT_DOUBLE_EQ(a.score, 50);
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_TRUE(a.accounts.empty());
  EXPECT_EQ(a.evidence, tape.evidence());
  EXPECT_EQ(a.evidence_total, 9u);
  EXPECT_EQ(metric_text(a, "direction"), "up");
  EXPECT_NEAR(metric(a, "move_bps"), 30, 1e-9);
  EXPECT_NEAR(metric(a, "reversal_share"), 0.5, 1e-9);
  EXPECT_EQ(metric(a, "start_price"), 100);
  EXPECT_EQ(metric(a, "peak_price"), 100.3);
  EXPECT_EQ(metric(a, "trough_price"), 100.15);
  EXPECT_EQ(metric(a, "burst_trades"), 6);
  EXPECT_EQ(metric(a, "aggressive_trades"), 6);
  EXPECT_EQ(metric(a, "aggressive_share"), 1);
  EXPECT_EQ(metric(a, "reversal_trades"), 3);
  EXPECT_NEAR(metric(a, "burst_s"), 1.5, 1e-9);
  EXPECT_NEAR(metric(a, "reversal_s"), 11, 1e-9);
  EXPECT_EQ(metric(a, "cycles"), 1);
  EXPECT_FALSE(metric_flag(a, "initiator_reversed"));
  EXPECT_EQ(a.why,
            "ACME rose 30 bps from 100 to 100.3 in 1.5 s on 6 aggressive buys (100% of the "
            "burst's volume), then gave back 50% of the move within 11 s; the aggressors' "
            "accounts are unknown.");
}

TEST(MomentumIgnition, QuietTradingGivesNothing) {
  Tape tape;
  tape.quiet(0, 120'000, 100);
  EXPECT_TRUE(tape.run().empty());
}

TEST(MomentumIgnition, MoveThreshold) {
  EXPECT_TRUE(Classic(100.29, 100.145).run().empty()) << "29 bps";
  auto over = Classic(100.31, 100.155).run();
  ASSERT_EQ(over.size(), 1u) << "31 bps";
  EXPECT_GT(over[0].score, 50);
}

TEST(MomentumIgnition, ReversalShareThreshold) {
  EXPECT_TRUE(Classic(100.30, 100.151).run().empty()) << "49.7% given back";
  EXPECT_EQ(Classic(100.30, 100.149).run().size(), 1u) << "50.3% given back";
}

TEST(MomentumIgnition, AggressiveTradeCountThreshold) {
  EXPECT_TRUE(Classic(100.30, 100.15, 4).run().empty()) << "4 aggressive buys";
  auto five = Classic(100.30, 100.15, 5).run();
  ASSERT_EQ(five.size(), 1u) << "5 aggressive buys";
  EXPECT_EQ(metric(five[0], "aggressive_trades"), 5);
}

// Five buys of 10 and, inside the burst, one sell-initiated trade of 21 (buy share 0.704) or 22
// (0.694).
TEST(MomentumIgnition, AggressiveShareThreshold) {
  for (double against : {21.0, 22.0}) {
    Tape tape;
    tape.quiet(0, 10'000, 100);
    tape.walk(10'000, 200, Side::kBuy, 100, 100.18, 3);
    tape.flow.trade(10'500, Side::kSell, 100.18, against);
    tape.walk(10'600, 200, Side::kBuy, 100.18, 100.30, 2);
    tape.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3);
    auto alerts = tape.run();
    if (against == 21.0) {
      ASSERT_EQ(alerts.size(), 1u);
      EXPECT_NEAR(metric(alerts[0], "aggressive_share"), 50.0 / 71, 1e-12);
      EXPECT_EQ(metric(alerts[0], "burst_trades"), 6);
    } else {
      EXPECT_TRUE(alerts.empty());
    }
  }
}

// The burst must reach the move within the ignition window (10 s) of its starting trade.
TEST(MomentumIgnition, IgnitionWindow) {
  for (int64_t gap : {2000, 2100}) {  // five gaps: 10 s, or 10.5 s
    Tape tape;
    tape.quiet(0, 10'000, 100);
    tape.walk(9'500 + gap, gap, Side::kBuy, 100, 100.30, 5);
    tape.walk(40'000, 1000, Side::kSell, 100.30, 100.15, 3);
    EXPECT_EQ(tape.run().size(), gap == 2000 ? 1u : 0u) << gap;
  }
}

// The trough must come within the reversal window (1 m) of the peak, here at 11 s.
TEST(MomentumIgnition, ReversalWindow) {
  for (int64_t trough_ms : {71'000, 71'001}) {
    Tape tape;
    tape.quiet(0, 10'000, 100);
    tape.walk(10'000, 200, Side::kBuy, 100, 100.30, 6);
    tape.flow.trade(40'000, Side::kSell, 100.25, 1);
    tape.flow.trade(trough_ms, Side::kSell, 100.15, 1);
    EXPECT_EQ(tape.run().size(), trough_ms == 71'000 ? 1u : 0u) << trough_ms;
  }
}

TEST(MomentumIgnition, DownwardBurstAndReversal) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  auto burst = tape.walk(10'000, 200, Side::kSell, 100, 99.60, 6);
  auto reversal = tape.walk(20'000, 1000, Side::kBuy, 99.60, 99.85, 2);
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(metric_text(a, "direction"), "down");
  EXPECT_NEAR(metric(a, "move_bps"), 40, 1e-9);
  EXPECT_NEAR(metric(a, "reversal_share"), 0.625, 1e-9);
  EXPECT_GT(a.score, 50);
  EXPECT_EQ(a.evidence.size(), 8u);
  EXPECT_EQ(a.evidence.front(), burst.front());
  EXPECT_EQ(a.evidence.back(), reversal.back());
  EXPECT_NE(a.why.find("ACME fell 40 bps from 100 to 99.6"), std::string::npos) << a.why;
}

// One order sweeping six resting orders prints six times at one instant: one aggressive trade.
TEST(MomentumIgnition, ASweepOfTheBookIsOneAggressiveTrade) {
  Tape sweep;
  sweep.quiet(0, 10'000, 100);
  for (int i = 1; i <= 6; ++i) sweep.flow.trade(10'000, Side::kBuy, 100 + 0.05 * i, 10);
  sweep.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3);
  EXPECT_TRUE(sweep.run().empty());
  // Five orders, the first taking two levels: five aggressive trades in six prints.
  Tape orders;
  orders.quiet(0, 10'000, 100);
  orders.flow.trade(10'000, Side::kBuy, 100.05, 10);
  orders.flow.trade(10'000, Side::kBuy, 100.10, 10);
  orders.walk(10'200, 200, Side::kBuy, 100.10, 100.30, 4);
  orders.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3);
  auto alerts = orders.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "aggressive_trades"), 5);
  EXPECT_EQ(metric(alerts[0], "burst_trades"), 6);
}

// A move that goes on rather than reversing is no ignition.
TEST(MomentumIgnition, SustainedTrendGivesNothing) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  double price = 100;
  for (int leg = 0; leg < 6; ++leg) {
    tape.walk(10'000 + leg * 12'000, 200, Side::kBuy, price, price + 0.35, 6);
    price += 0.35;
    tape.walk(15'000 + leg * 12'000, 500, Side::kSell, price, price - 0.05, 2);
    price -= 0.05;
  }
  EXPECT_TRUE(tape.run().empty());
}

// The burst's aggressor is alice; she sells into the reversal, or bob does.
Tape with_accounts(std::string_view reverser) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  tape.walk(10'000, 200, Side::kBuy, 100, 100.30, 6, 10, "alice", "mm");
  tape.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3, 10, "mm", reverser);
  return tape;
}

TEST(MomentumIgnition, InitiatorSellingIntoTheReversalIsNamedAndScoresHigher) {
  auto alerts = with_accounts("alice").run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.accounts, std::vector<std::string>{"alice"});
  EXPECT_DOUBLE_EQ(a.score, 75);
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_EQ(metric_text(a, "initiator"), "alice");
  EXPECT_EQ(metric(a, "initiator_burst_qty"), 60);
  EXPECT_EQ(metric(a, "initiator_reversal_qty"), 30);
  EXPECT_TRUE(metric_flag(a, "initiator_reversed"));
  EXPECT_DOUBLE_EQ(metric(a, "initiator_share"), 1);
  EXPECT_EQ(metric(a, "initiator_orders"), 6);
  EXPECT_NE(
      a.why.find("the initiator alice (100% of the aggressive volume) sold 30 into the reversal"),
      std::string::npos)
      << a.why;
}

// Reported only without require_initiator_reversal (on by default: RequireInitiatorReversal).
TEST(MomentumIgnition, InitiatorNotReversingScoresAsThePricePatternAlone) {
  auto alerts = with_accounts("bob").run({{"require_initiator_reversal", "false"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(alerts[0].score, 50);
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"alice"});
  EXPECT_FALSE(metric_flag(alerts[0], "initiator_reversed"));
  EXPECT_NE(alerts[0].why.find("the initiator alice (100% of the aggressive volume) did not "
                               "trade the other side"),
            std::string::npos)
      << alerts[0].why;
  // The same tape with no accounts: the same score, nobody named.
  auto anonymous = Classic().run();
  ASSERT_EQ(anonymous.size(), 1u);
  EXPECT_DOUBLE_EQ(anonymous[0].score, 50);
  EXPECT_TRUE(anonymous[0].accounts.empty());
}

// require_initiator_reversal drops a known initiator who does not reverse, keeps one who does,
// and leaves the price pattern alone where the accounts are unknown.
TEST(MomentumIgnition, RequireInitiatorReversal) {
  ParamTexts require = {{"require_initiator_reversal", "true"}};
  EXPECT_TRUE(with_accounts("bob").run(require).empty());
  EXPECT_TRUE(with_accounts("bob").run().empty()) << "on by default";
  EXPECT_EQ(with_accounts("alice").run(require).size(), 1u);
  EXPECT_EQ(Classic().run(require).size(), 1u);
}

// Six aggressive buys by six takers (a market burst), the first of them selling into the
// reversal: nobody drives the burst, so it is no ignition; min_initiator_share 0 takes the
// largest aggressor as its initiator, as before.
TEST(MomentumIgnition, ABurstOfManyTakersIsNoIgnition) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  for (int i = 1; i <= 6; ++i) {
    const std::string taker = "taker" + std::to_string(i);
    tape.walk(10'000 + (i - 1) * 200, 200, Side::kBuy, 100 + 0.05 * (i - 1), 100 + 0.05 * i, 1, 10,
              taker, "mm");
  }
  tape.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3, 10, "mm", "taker1");
  EXPECT_TRUE(tape.run().empty());
  auto alerts = tape.run({{"min_initiator_share", "0"}, {"min_initiator_orders", "1"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NEAR(metric(alerts[0], "initiator_share"), 1.0 / 6, 1e-12);
}

// One order of alice's sweeps the book (her six prints at one instant) beside five small buys
// of others, and she sells into the reversal: most of the burst, but one order, not a series.
TEST(MomentumIgnition, OneLargeOrderIsNoSeries) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  tape.walk(10'000, 200, Side::kBuy, 100, 100.05, 5, 1, "others", "mm");
  for (int i = 1; i <= 6; ++i) {
    tape.flow.trade(11'000, Side::kBuy, 100.05 + 0.05 * i, 10, "alice", "mm");
  }
  tape.walk(20'000, 1000, Side::kSell, 100.35, 100.15, 3, 10, "mm", "alice");
  EXPECT_TRUE(tape.run().empty());
  auto alerts = tape.run({{"min_initiator_orders", "1"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "initiator_orders"), 1);
}

// alice sells 40 s after the peak, once the price is back (the trough came at 20 s): within
// the reversal window, so she took her profit out of the move; her trade is evidence and the
// alert lasts until it.
TEST(MomentumIgnition, TheInitiatorsReversalAfterTheTroughCounts) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  tape.walk(10'000, 200, Side::kBuy, 100, 100.30, 6, 10, "alice", "mm");
  tape.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3, 10, "mm", "bob");
  tape.quiet(23'000, 50'000, 100.2);
  auto late = tape.walk(51'000, 1000, Side::kSell, 100.2, 100.2, 1, 10, "mm", "alice");
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(metric(a, "initiator_reversal_qty"), 10);
  EXPECT_EQ(a.evidence.back(), late.front());
  EXPECT_EQ(a.end, OrderFlow::at(51'000));
  EXPECT_NEAR(metric(a, "reversal_s"), 11, 1e-9) << "the trough is still the trough";
}

// alice's orders take the book to a new high each time, and between them the book refills and
// the price falls back nearly to the start: one burst of hers, with give-backs inside it, not a
// cycle per order that ends before she can turn round.
TEST(MomentumIgnition, GiveBacksBetweenTheInitiatorsOrdersStayInHerBurst) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  for (int i = 1; i <= 6; ++i) {
    const int64_t at = 10'000 + (i - 1) * 1000;
    tape.walk(at, 100, Side::kBuy, 100 + 0.06 * (i - 1), 100 + 0.06 * i, 1, 10, "alice", "mm");
    tape.flow.trade(at + 500, Side::kSell, 100 + 0.01 * i, 1, "mm", "bob");
  }
  tape.walk(20'000, 1000, Side::kSell, 100.36, 100.10, 3, 10, "mm", "alice");
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "peak_price"), 100.36);
  EXPECT_EQ(metric(alerts[0], "initiator_orders"), 6);
  EXPECT_TRUE(metric_flag(alerts[0], "initiator_reversed"));
}

// alice's sells into the reversal go to alice2, an account of her own owner: trading with
// herself takes nothing out of the move. Sold to mm, they do.
TEST(MomentumIgnition, TradesWithItsOwnAccountsAreNoReversal) {
  for (std::string_view buyer : {"alice2", "mm"}) {
    Tape tape;
    tape.flow.universe.set_owner("alice", "W");
    tape.flow.universe.set_owner("alice2", "W");
    tape.quiet(0, 10'000, 100);
    tape.walk(10'000, 200, Side::kBuy, 100, 100.30, 6, 10, "alice", "mm");
    tape.walk(20'000, 1000, Side::kSell, 100.30, 100.15, 3, 10, buyer, "alice");
    EXPECT_EQ(tape.run().size(), buyer == "mm" ? 1u : 0u) << buyer;
  }
}

// A market burst down by many takers, then alice's buys take the price back up and past, and
// she sells: the market's burst opens no cycle whose "reversal" would swallow her ignition.
TEST(MomentumIgnition, AMarketBurstDoesNotHideTheIgnitionAfterIt) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  for (int i = 1; i <= 6; ++i) {
    const std::string taker = "taker" + std::to_string(i);
    tape.walk(10'000 + (i - 1) * 100, 100, Side::kSell, 100 - 0.05 * (i - 1), 100 - 0.05 * i, 1, 10,
              "mm", taker);
  }
  tape.walk(11'000, 200, Side::kBuy, 99.70, 100.10, 6, 10, "alice", "mm");
  tape.walk(20'000, 1000, Side::kSell, 100.10, 99.85, 3, 10, "mm", "alice");
  auto alerts = tape.run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric_text(alerts[0], "direction"), "up");
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"alice"});
}

// A second cycle starting within the reversal window (1 m) of the first's trough joins its
// episode; one starting later is an episode of its own.
TEST(MomentumIgnition, CyclesCloseTogetherMergeIntoOneEpisode) {
  for (int64_t shift : {0, 60'000}) {
    Classic tape;  // trough at 22 s
    tape.quiet(40'000 + shift, 50'000 + shift, 100.15);
    auto burst = tape.walk(50'000 + shift, 200, Side::kBuy, 100.15, 100.46, 6);
    auto reversal = tape.walk(60'000 + shift, 1000, Side::kSell, 100.46, 100.30, 3);
    auto alerts = tape.run();
    if (shift == 0) {
      ASSERT_EQ(alerts.size(), 1u);
      const Alert& a = alerts[0];
      EXPECT_EQ(metric(a, "cycles"), 2);
      EXPECT_EQ(a.start, OrderFlow::at(9'500));
      EXPECT_EQ(a.end, OrderFlow::at(62'000));
      EXPECT_NEAR(metric(a, "move_bps"), 1e4 * 0.31 / 100.15, 1e-9);  // the stronger cycle
      EXPECT_EQ(a.evidence_total, 18u);
      std::vector<std::string> expected = tape.evidence();
      expected.insert(expected.end(), burst.begin(), burst.end());
      expected.insert(expected.end(), reversal.begin(), reversal.end());
      EXPECT_EQ(a.evidence, expected);
      EXPECT_NE(a.why.find("(the strongest of 2 cycles)"), std::string::npos) << a.why;
    } else {
      ASSERT_EQ(alerts.size(), 2u);
      EXPECT_EQ(alerts[0].end, OrderFlow::at(22'000));
      EXPECT_EQ(alerts[1].start, OrderFlow::at(109'500));
      EXPECT_NE(alerts[0].id, alerts[1].id);
    }
  }
}

// A full reversal by six sells is itself a 30 bps fall: it must not start a cycle of its own
// once the cycle it reverses has ended (here on its 3 s reversal window), even when the price
// then turns back up quickly enough to "reverse" it.
TEST(MomentumIgnition, TheReversalIsNotANewIgnition) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  tape.walk(10'000, 200, Side::kBuy, 100, 100.30, 6);    // the peak at 11 s
  tape.walk(11'500, 300, Side::kSell, 100.30, 100, 6);   // the trough at 13 s
  tape.flow.trade(14'500, Side::kSell, 99.99, 10);       // the cycle has ended
  tape.walk(15'000, 300, Side::kBuy, 99.99, 100.20, 3);  // 21 bps: no ignition
  auto alerts = tape.run({{"reversal_window", "3s"}});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric_text(alerts[0], "direction"), "up");
  EXPECT_EQ(metric(alerts[0], "cycles"), 1);
  EXPECT_EQ(alerts[0].end, OrderFlow::at(13'000));
}

TEST(MomentumIgnition, ParametersFromTheConfigAreHonoured) {
  EXPECT_TRUE(Classic().run({{"min_move_bps", "31"}}).empty());
  EXPECT_TRUE(Classic().run({{"min_aggressive_trades", "7"}}).empty());
  EXPECT_TRUE(Classic().run({{"min_reversal_share", "0.6"}}).empty());
  EXPECT_TRUE(Classic().run({{"reversal_window", "10s"}}).empty());
  EXPECT_TRUE(Classic().run({{"ignition_window", "1s"}}).empty());
  // A move of 3 x 10 bps scores 100, half given back against 25% scores 66.7: 83.3 for the
  // pattern, halved above 50 for the price pattern alone.
  auto strong = Classic().run({{"min_move_bps", "10"}, {"min_reversal_share", "0.25"}});
  ASSERT_EQ(strong.size(), 1u);
  EXPECT_NEAR(strong[0].score, 200.0 / 3, 1e-9);
}

// Per-symbol overrides from a TOML configuration: the same tape on two symbols, the rule's
// threshold above the move, ACME's own below it.
TEST(MomentumIgnition, PerSymbolOverridesFromTheConfigFile) {
  Classic tape;
  size_t one_symbol = tape.flow.events.size();
  tape.flow.symbol = "OTHER";
  for (size_t i = 0; i < one_symbol; ++i) {
    Event copy = tape.flow.events[i];
    copy.symbol = tape.flow.universe.symbol("OTHER");
    copy.id = ExternalId::from_text(fmt::format("o{}", i));
    tape.flow.events.push_back(copy);
  }
  std::stable_sort(tape.flow.events.begin(), tape.flow.events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });
  Config config = parse_config(
      "[rules.momentum_ignition]\nmin_move_bps = 40\n"
      "[rules.momentum_ignition.symbols.ACME]\nmin_move_bps = 25\n",
      "test.toml");
  for (auto& [name, rule] : config.rules) rule.enabled = name == kRule;
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine(config, tape.flow.universe, alerts, rejects);
  engine.push_events(tape.flow.events);
  engine.finish();
  ASSERT_EQ(alerts.alerts.size(), 1u);
  EXPECT_EQ(alerts.alerts[0].symbol, "ACME");
  EXPECT_GT(alerts.alerts[0].score, 50);
}

TEST(MomentumIgnition, BadParameterCombinationsFailAtStartUp) {
  EXPECT_THROW(Classic().run({{"max_held_trades", "16"}, {"min_aggressive_trades", "16"}}),
               ConfigError);
  Classic tape;
  AlertCollector alerts;
  DeadLetter rejects;
  try {
    Config config = parse_config(
        "[rules.momentum_ignition.symbols.ACME]\nmin_aggressive_trades = 20\n"
        "max_held_trades = 20\n",
        "test.toml");
    Engine engine(config, tape.flow.universe, alerts, rejects);
    FAIL() << "a bad per-symbol combination was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("momentum_ignition.symbols.ACME.max_held_trades"),
              std::string::npos)
        << e.what();
  }
}

// A cycle longer than max_held_trades is judged on what it holds when its start would go.
TEST(MomentumIgnition, HeldTradesAreCapped) {
  Tape tape;
  tape.quiet(0, 10'000, 100);
  tape.walk(10'000, 200, Side::kBuy, 100, 100.30, 6);
  tape.walk(12'000, 100, Side::kSell, 100.30, 100.15, 3);
  tape.quiet(13'000, 50'000, 100.20);
  auto capped = tape.run({{"max_held_trades", "16"}});
  ASSERT_EQ(capped.size(), 1u);
  EXPECT_EQ(capped[0].end, OrderFlow::at(12'200));
  EXPECT_EQ(metric(capped[0], "reversal_trades"), 3);
  auto uncapped = tape.run();
  ASSERT_EQ(uncapped.size(), 1u);
  EXPECT_EQ(uncapped[0].id, capped[0].id);
}

// Executions of resting orders reach the rule as the engine's prints: no trade id, so the
// evidence names their lines; the resting owners are known but the aggressors are not.
TEST(MomentumIgnition, PrintsOfAnOrderFeed) {
  OrderFlow flow;
  flow.add(0, "bid", Side::kBuy, 99.9, 1000, "mm");
  flow.add(0, "ask0", Side::kSell, 100, 1, "mm");
  flow.execute(9'000, "ask0", 1);  // the price the burst starts from
  for (int i = 1; i <= 6; ++i) {
    flow.add(9'000 + i * 100, "ask" + std::to_string(i), Side::kSell, 100 + 0.05 * i, 10, "mm");
  }
  std::vector<std::string> expected;
  for (int i = 1; i <= 6; ++i) {
    flow.execute(10'000 + i * 200, "ask" + std::to_string(i), 10);
    expected.push_back("trade:line:" + std::to_string(flow.events.size()));
  }
  for (int i = 1; i <= 3; ++i) {
    flow.add(19'000 + i * 100, "bid" + std::to_string(i), Side::kBuy, 100.30 - 0.05 * i, 10, "mm");
  }
  for (int i = 1; i <= 3; ++i) {
    flow.execute(20'000 + i * 1000, "bid" + std::to_string(i), 10);
    expected.push_back("trade:line:" + std::to_string(flow.events.size()));
  }
  RuleRun run(flow.universe, flow.events, kRule);
  ASSERT_EQ(run.fired().size(), 1u);
  const Alert& a = run.fired()[0];
  EXPECT_EQ(a.evidence, expected);
  EXPECT_TRUE(a.accounts.empty()) << "the aggressors of the prints are unknown";
  EXPECT_DOUBLE_EQ(a.score, 50);
}

// Alert ids depend on the tape alone; events one at a time with watermarks give the same
// alerts as the whole run.
TEST(MomentumIgnition, StableIdsAndStreamingEqualsBatch) {
  Classic first, second;
  auto a = first.run();
  auto b = second.run();
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].id, b[0].id);

  const RuleInfo& info = *find_rule(kRule);
  Config config = tw::testing::only_rule(kRule);
  AlertCollector streamed;
  auto detector = info.make({first.flow.universe, config.rule(kRule), streamed});
  for (const Event& e : first.flow.events) {
    detector->advance_to(e.ts);
    detector->on_event(e);
  }
  detector->advance_to(OrderFlow::at(200'000));
  ASSERT_EQ(streamed.alerts.size(), 1u) << "the episode closes on the watermark";
  detector->finish();
  ASSERT_EQ(streamed.alerts.size(), 1u);
  EXPECT_EQ(streamed.alerts[0].id, a[0].id);
  EXPECT_EQ(streamed.alerts[0].metrics_json, a[0].metrics_json);
  EXPECT_EQ(streamed.alerts[0].evidence, a[0].evidence);
}

// An alert of an order feed: the price pattern alone, within its thresholds, with evidence.
void expect_well_formed_price_pattern(const Alert& a, double min_move_bps) {
  EXPECT_GE(a.score, 50) << a.why;
  EXPECT_LE(a.score, 75) << "no accounts: the price pattern alone";
  EXPECT_LT(a.start, a.end);
  EXPECT_GE(metric(a, "move_bps"), min_move_bps - 1e-9);
  EXPECT_GE(metric(a, "reversal_share"), 0.5);
  EXPECT_GE(metric(a, "aggressive_trades"), 5);
  EXPECT_GE(metric(a, "aggressive_share"), 0.7);
  EXPECT_LE(metric(a, "burst_s"), 10);
  EXPECT_LE(metric(a, "reversal_s"), 60);
  EXPECT_FALSE(metric_flag(a, "initiator_reversed"));
  EXPECT_TRUE(a.accounts.empty());
  ASSERT_FALSE(a.evidence.empty());
  EXPECT_TRUE(a.evidence.front().starts_with("trade:line:")) << "prints name their lines";
  EXPECT_GE(a.evidence_total, a.evidence.size());
}

// Both Amazon LOBSTER days through the reader, the book and the engine.
TEST(MomentumIgnition, AmazonLobsterDays) {
  const std::string stem = "lobster/AMZN_2012-06-21_34200000_57600000_";
  std::map<std::string, std::vector<std::string>> ids_by_level_and_move;
  for (const char* level : {"1", "5"}) {
    std::string messages = tw::testing::shared_file(stem + "message_" + level + ".csv");
    std::string book = tw::testing::shared_file(stem + "orderbook_" + level + ".csv");
    if (messages.empty() || book.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
    Universe universe;
    FeedOptions options;
    options.format = "lobster";
    options.book_seed = book;
    std::vector<Event> events = tw::testing::load_events(messages, universe, options);
    // The default 30 bps, and 10 bps, which the liquid Amazon tape reaches a few times a day.
    for (const char* move : {"30", "10"}) {
      RuleRun run(universe, events, kRule, {{"min_move_bps", move}});
      const double per_million =
          1e6 * static_cast<double>(run.fired().size()) / static_cast<double>(events.size());
      std::cout << "AMZN level " << level << ", min_move_bps " << move << ": " << events.size()
                << " events, " << run.engine.counters().trades << " trades, " << run.fired().size()
                << " momentum_ignition alerts (" << per_million << " per million messages)\n";
      RecordProperty(std::string("alerts_per_million_level_") + level + "_bps_" + move,
                     std::to_string(per_million));
      EXPECT_GT(run.engine.counters().trades, 10'000u);
      EXPECT_LE(run.fired().size(), 40u) << "a flood, not a screen";
      for (const Alert& a : run.fired()) {
        expect_well_formed_price_pattern(a, std::stod(move));
        ids_by_level_and_move[std::string(level) + "/" + move].push_back(a.id);
      }
    }
  }
  EXPECT_GE(ids_by_level_and_move["1/10"].size(), 5u) << "the 10 bps run exercises the rule";
  // Both files hold the day's every execution (level 5 adds deeper book messages only).
  EXPECT_EQ(ids_by_level_and_move["1/10"], ids_by_level_and_move["5/10"]);
  EXPECT_EQ(ids_by_level_and_move["1/30"], ids_by_level_and_move["5/30"]);
}

}  // namespace
