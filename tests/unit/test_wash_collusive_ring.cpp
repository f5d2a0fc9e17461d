#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "detect/wash_collusive_ring.hpp"
#include "order_flow.hpp"
#include "rule_run.hpp"
#include "rule_test_util.hpp"

using namespace tw;

namespace {

const Timestamp kT0 = *Timestamp::parse_iso8601("2025-01-06T12:00:00Z");

Timestamp at(double seconds) {
  return kT0 + Duration::nanos(static_cast<int64_t>(seconds * 1e9 + (seconds >= 0 ? 0.5 : -0.5)));
}

/// Each account's net position (bought - sold) in an alert's metrics.
std::map<std::string, double> nets(const Alert& a) {
  simdjson::dom::parser parser;
  std::map<std::string, double> out;
  for (simdjson::dom::element p : parser.parse(a.metrics_json)["positions"].get_array()) {
    out[std::string(p["account"].get_string().value())] = p["net"].get_double().value();
  }
  return out;
}

std::set<std::string> account_set(const Alert& a) {
  return {a.accounts.begin(), a.accounts.end()};
}

class WashCollusiveRing : public ::testing::Test {
 protected:
  Universe universe;
  RuleInfo info = wash_collusive_ring_rule();
  RuleConfig config = default_rule_config(info);
  SymbolId btc = universe.symbol("BTCUSDT");
  SymbolId eth = universe.symbol("ETHUSDT");
  uint64_t next_id = 1;

  std::unique_ptr<Detector> make(AlertSink& out) { return info.make({universe, config, out}); }

  /// `seller` sells `qty` to `buyer` at `seconds` (either may be empty: unknown).
  Event trade(double seconds, const char* seller, const char* buyer, const char* qty = "5",
              const char* price = "100", SymbolId symbol = {}) {
    Event e;
    e.ts = at(seconds);
    e.price = *Price::parse(price);
    e.qty = *Quantity::parse(qty);
    e.side = Side::kBuy;
    e.symbol = symbol ? symbol : btc;
    if (*seller != '\0') e.seller = universe.account(seller);
    if (*buyer != '\0') e.buyer = universe.account(buyer);
    e.seq = next_id;
    e.id = ExternalId::number(1000 + next_id++);
    return e;
  }

  /// A lap of `qty` around `owners` starting at `seconds`, `gap` seconds between its trades.
  void lap(std::vector<Event>& events, double seconds, std::vector<const char*> owners,
           double gap = 10, const char* qty = "5") {
    for (size_t i = 0; i < owners.size(); ++i) {
      events.push_back(trade(seconds + gap * static_cast<double>(i), owners[i],
                             owners[(i + 1) % owners.size()], qty));
    }
  }

  std::vector<Alert> run(const std::vector<Event>& events) {
    AlertCollector out;
    auto d = make(out);
    for (const Event& e : events) d->on_event(e);
    d->finish();
    return std::move(out.alerts);
  }
  /// As the engine drives the rule: runs cut at each second of event time, then a tick.
  std::vector<Alert> run_ticking(const std::vector<Event>& events) {
    AlertCollector out;
    auto d = make(out);
    const Duration second = Duration::seconds(1);
    size_t begin = 0;
    for (size_t i = 1; i <= events.size(); ++i) {
      if (i < events.size() && events[i].ts.floor_to(second) == events[i - 1].ts.floor_to(second)) {
        continue;
      }
      d->on_events(std::span<const Event>(events).subspan(begin, i - begin));
      if (i < events.size()) d->advance_to(events[i].ts.floor_to(second));
      begin = i;
    }
    d->finish();
    return std::move(out.alerts);
  }
};

TEST_F(WashCollusiveRing, IsRegisteredAndReadsTradesOnly) {
  const RuleInfo* r = find_rule("wash.collusive_ring");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->params.size(), info.params.size());
  AlertCollector out;
  EXPECT_TRUE(make(out)->reads_trades_only());
}

TEST_F(WashCollusiveRing, ThreeRingFiresOnceWithItsAccountsAndTrades) {
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C"});
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "wash.collusive_ring");
  EXPECT_EQ(a.symbol, "BTCUSDT");
  EXPECT_EQ(account_set(a), (std::set<std::string>{"A", "B", "C"}));
  EXPECT_EQ(a.accounts.size(), 3u);
  EXPECT_EQ(nets(a), (std::map<std::string, double>{{"A", 0}, {"B", 0}, {"C", 0}}));
  EXPECT_EQ(a.evidence, (std::vector<std::string>{"trade:1001", "trade:1002", "trade:1003"}));
  EXPECT_EQ(a.evidence_total, 3u);
  EXPECT_EQ(a.start, at(0));
  EXPECT_EQ(a.end, at(20));
  EXPECT_EQ(metric(a, "owners"), 3);
  EXPECT_EQ(metric(a, "trades"), 3);
  EXPECT_EQ(metric(a, "laps"), 1);
  EXPECT_EQ(metric(a, "volume"), 15);
  EXPECT_EQ(metric(a, "notional"), 1500);
  EXPECT_EQ(metric(a, "max_net_share"), 0);
  EXPECT_EQ(metric(a, "volume_match"), 1);
  EXPECT_EQ(a.severity, Severity::kLow);  // one small lap
  EXPECT_GE(a.score, 20);
  EXPECT_LE(a.score, 100);
  EXPECT_NE(a.why.find("A, B and C"), std::string::npos) << a.why;
}

// Round lots change hands at the market's prices: a cycle of them is a ring only when the
// quantity went round at one price (price_tolerance, default 0), leaving every owner's cash as
// it was.
TEST_F(WashCollusiveRing, ARingIsPassedRoundAtOnePrice) {
  std::vector<Event> drifting{trade(0, "A", "B", "5", "100"), trade(10, "B", "C", "5", "100.02"),
                              trade(20, "C", "A", "5", "100.01")};
  EXPECT_TRUE(run(drifting).empty());
  set_param(config.values, info, "price_tolerance", "0.0005");
  EXPECT_EQ(run(drifting).size(), 1u);
}

TEST_F(WashCollusiveRing, FourRingFires) {
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C", "D"});
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(account_set(alerts[0]), (std::set<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(metric(alerts[0], "owners"), 4);
  EXPECT_EQ(alerts[0].evidence.size(), 4u);
}

TEST_F(WashCollusiveRing, CycleLongerThanTheSearchDoesNotFire) {
  set_param(config.values, info, "max_cycle_owners", "4");
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C", "D", "E"});
  EXPECT_TRUE(run(events).empty());
  set_param(config.values, info, "max_cycle_owners", "5");
  EXPECT_EQ(run(events).size(), 1u);
}

TEST_F(WashCollusiveRing, RingRepeatedWithinTheWindowIsOneAlert) {
  std::vector<Event> events;
  for (int i = 0; i < 4; ++i) lap(events, 40.0 * i, {"A", "B", "C"});
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(metric(a, "trades"), 12);
  EXPECT_EQ(metric(a, "laps"), 4);
  EXPECT_EQ(a.evidence.size(), 12u);
  EXPECT_EQ(a.evidence.front(), "trade:1001");
  EXPECT_EQ(a.evidence.back(), "trade:1012");
  EXPECT_EQ(a.start, at(0));
  EXPECT_EQ(a.end, at(140));
  EXPECT_EQ(a.severity, Severity::kHigh);  // high_laps 3
  EXPECT_EQ(nets(a), (std::map<std::string, double>{{"A", 0}, {"B", 0}, {"C", 0}}));
}

TEST_F(WashCollusiveRing, RingsFartherApartThanTheWindowAreTwoAlerts) {
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C"});
  lap(events, 20 + 600.5, {"A", "B", "C"});
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].end, at(20));
  EXPECT_EQ(alerts[1].start, at(620.5));
  EXPECT_NE(alerts[0].id, alerts[1].id);
}

TEST_F(WashCollusiveRing, ChainWithoutReturnDoesNotFire) {
  EXPECT_TRUE(run({trade(0, "A", "B"), trade(10, "B", "C"), trade(20, "C", "D")}).empty());
}

TEST_F(WashCollusiveRing, CycleWhoseMembersKeepPositionsDoesNotFire) {
  // B buys 10 from A, passes on only 5: B keeps 5 of the 15 it traded (33%), A is short 5.
  std::vector<Event> events = {trade(0, "A", "B"), trade(5, "A", "B"), trade(10, "B", "C"),
                               trade(20, "C", "A")};
  EXPECT_TRUE(run(events).empty());
  // Allowed to keep a third, it is a ring; its alert shows who kept what.
  set_param(config.values, info, "max_net_share", "0.34");
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(nets(alerts[0]), (std::map<std::string, double>{{"A", -5}, {"B", 5}, {"C", 0}}));
  EXPECT_NEAR(metric(alerts[0], "max_net_share"), 1.0 / 3, 1e-12);
}

TEST_F(WashCollusiveRing, VolumesThatDoNotMatchDoNotFire) {
  // A and B trade 10 back and forth beside a ring of 1 through C: C's volume (2) is a tenth
  // of theirs (22), though each is flat.
  std::vector<Event> events = {trade(0, "A", "B", "10"), trade(1, "B", "A", "10"),
                               trade(2, "A", "B", "1"), trade(3, "B", "C", "1"),
                               trade(4, "C", "A", "1")};
  EXPECT_TRUE(run(events).empty());
  set_param(config.values, info, "min_volume_match", "0.05");
  EXPECT_EQ(run(events).size(), 1u);
}

TEST_F(WashCollusiveRing, TradesOfAnotherSizeDoNotCloseTheCycle) {
  // The quantity is not passed around: 5 out, 1 back.
  EXPECT_TRUE(
      run({trade(0, "A", "B", "5"), trade(10, "B", "C", "5"), trade(20, "C", "A", "1")}).empty());
}

TEST_F(WashCollusiveRing, EachOwnerPassesOnWhatItBought) {
  // C sells to A before B has passed anything to C: the quantity did not go round.
  std::vector<Event> events = {trade(0, "A", "B"), trade(10, "C", "A"), trade(20, "B", "C")};
  EXPECT_TRUE(run(events).empty());
  // Once it goes round in order (each sells after it bought), the six trades are a ring.
  events.push_back(trade(30, "C", "A"));
  events.push_back(trade(40, "A", "B"));
  EXPECT_TRUE(run(events).empty()) << "A and B are not flat yet";
  events.push_back(trade(50, "B", "C"));
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "trades"), 6);
}

TEST_F(WashCollusiveRing, SizesWithinTheNetShareGoRound) {
  // A fee taken at each leg: 10, 9.99, 9.98 keeps every owner within 0.1% of flat.
  auto alerts =
      run({trade(0, "A", "B", "10"), trade(10, "B", "C", "9.99"), trade(20, "C", "A", "9.98")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NEAR(metric(alerts[0], "max_net_share"), 0.02 / 19.98, 1e-9);
  // Legs 3% apart leave A 3% short: beyond the default 2%.
  EXPECT_TRUE(run({trade(0, "A", "B", "10"), trade(10, "B", "C", "10"), trade(20, "C", "A", "9.4")})
                  .empty());
}

TEST_F(WashCollusiveRing, TwoOwnersTradingBackAndForthDoNotFire) {
  std::vector<Event> events;
  for (int i = 0; i < 6; ++i) lap(events, 20.0 * i, {"A", "B"});
  EXPECT_TRUE(run(events).empty());
}

TEST_F(WashCollusiveRing, AccountsOfOneOwnerAreOneNode) {
  universe.set_owner("A1", "fund");
  universe.set_owner("A2", "fund");
  // A1 -> B -> A2 is a round trip of two owners, not a ring.
  EXPECT_TRUE(
      run({trade(0, "A1", "B"), trade(10, "B", "A2"), trade(20, "A2", "B"), trade(30, "B", "A1")})
          .empty());
  // A1 -> B -> C -> A2 is a ring of three owners; the alert names the four accounts.
  auto alerts = run({trade(0, "A1", "B"), trade(10, "B", "C"), trade(20, "C", "A2")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "owners"), 3);
  EXPECT_EQ(account_set(alerts[0]), (std::set<std::string>{"A1", "A2", "B", "C"}));
  EXPECT_EQ(nets(alerts[0]),
            (std::map<std::string, double>{{"A1", -5}, {"A2", 5}, {"B", 0}, {"C", 0}}));
  EXPECT_NE(alerts[0].why.find("fund"), std::string::npos) << alerts[0].why;
}

TEST_F(WashCollusiveRing, TradesOfAnOwnerWithItselfAreIgnored) {
  universe.set_owner("A1", "fund");
  universe.set_owner("A2", "fund");
  // The self-trade A2 -> A1 is wash.round_trip's: no edge of the ring, nor part of its alert.
  auto alerts =
      run({trade(0, "A1", "B"), trade(10, "B", "C"), trade(15, "A2", "A1"), trade(20, "C", "A2")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].evidence,
            (std::vector<std::string>{"trade:1001", "trade:1002", "trade:1004"}));
  EXPECT_EQ(metric(alerts[0], "trades"), 3);
}

TEST_F(WashCollusiveRing, JustInsideAndJustOutsideTheWindow) {
  // The window is 10 min: the first and last trades of the lap 600 s apart still make a ring.
  EXPECT_EQ(run({trade(0, "A", "B"), trade(300, "B", "C"), trade(600, "C", "A")}).size(), 1u);
  EXPECT_TRUE(run({trade(0, "A", "B"), trade(300, "B", "C"), trade(600.001, "C", "A")}).empty());
  set_param(config.values, info, "window", "1m");
  EXPECT_EQ(run({trade(0, "A", "B"), trade(30, "B", "C"), trade(60, "C", "A")}).size(), 1u);
  EXPECT_TRUE(run({trade(0, "A", "B"), trade(30, "B", "C"), trade(60.001, "C", "A")}).empty());
}

TEST_F(WashCollusiveRing, TradesWithoutBothAccountsAreIgnored) {
  // A lap with its closing trade anonymous on one side is no ring.
  EXPECT_TRUE(run({trade(0, "A", "B"), trade(10, "B", "C"), trade(20, "C", "")}).empty());
  EXPECT_TRUE(run({trade(0, "A", "B"), trade(10, "B", "C"), trade(20, "", "A")}).empty());
  // Anonymous trades in between change nothing.
  auto alerts = run({trade(0, "A", "B"), trade(5, "", ""), trade(10, "B", "C"), trade(12, "B", ""),
                     trade(15, "", "C"), trade(20, "C", "A")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].evidence,
            (std::vector<std::string>{"trade:1007", "trade:1009", "trade:1012"}));
}

TEST_F(WashCollusiveRing, RingAmongOtherTradingFires) {
  // The ring's owners also trade with others, of every size; only their trades among
  // themselves are the ring's, and each ends flat in them.
  std::vector<Event> events;
  const char* others[] = {"X", "Y", "Z", "W"};
  const char* members[] = {"A", "B", "C"};
  const char* sizes[] = {"1", "3", "5", "7", "9"};
  for (int i = 0; i < 60; ++i) {
    const char* member = members[i % 3];
    const char* other = others[i % 4];
    events.push_back(i % 2 ? trade(i, member, other, sizes[i % 5])
                           : trade(i, other, member, sizes[(i + 2) % 5]));
    if (i % 20 == 10) lap(events, i + 0.1, {"A", "B", "C"}, 0.2);
  }
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(account_set(alerts[0]), (std::set<std::string>{"A", "B", "C"}));
  EXPECT_EQ(metric(alerts[0], "trades"), 9);
  EXPECT_EQ(nets(alerts[0]), (std::map<std::string, double>{{"A", 0}, {"B", 0}, {"C", 0}}));
}

TEST_F(WashCollusiveRing, IdsAreStableAcrossRunsAndCuts) {
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C"});
  lap(events, 0.5, {"D", "E", "F", "G"}, 0.3);
  lap(events, 1000, {"A", "B", "C"}, 0.4);
  std::sort(events.begin(), events.end(),
            [](const Event& x, const Event& y) { return x.ts < y.ts; });
  auto first = run(events);
  auto second = run(events);
  auto ticking = run_ticking(events);
  ASSERT_EQ(first.size(), 3u);
  ASSERT_EQ(second.size(), first.size());
  ASSERT_EQ(ticking.size(), first.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, second[i].id);
    EXPECT_EQ(first[i].id.size(), 16u);
    ids.insert(first[i].id);
  }
  for (const Alert& a : ticking) EXPECT_EQ(ids.count(a.id), 1u) << a.id;
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(WashCollusiveRing, EpisodeIsReportedOnceEventTimePassesItsLastTradePlusWindow) {
  AlertCollector out;
  auto d = make(out);
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C"});
  for (const Event& e : events) d->on_event(e);
  d->advance_to(at(620));
  EXPECT_TRUE(out.alerts.empty());
  d->advance_to(at(620.001));
  EXPECT_EQ(out.alerts.size(), 1u);
  d->finish();
  EXPECT_EQ(out.alerts.size(), 1u);
}

TEST_F(WashCollusiveRing, SymbolsAreSeparate) {
  // The lap's middle trade on another symbol: no ring on either.
  EXPECT_TRUE(
      run({trade(0, "A", "B"), trade(10, "B", "C", "5", "100", eth), trade(20, "C", "A")}).empty());
  // A ring on each symbol: one alert each.
  auto alerts = run({trade(0, "A", "B"), trade(1, "A", "B", "5", "100", eth), trade(10, "B", "C"),
                     trade(11, "B", "C", "5", "100", eth), trade(20, "C", "A"),
                     trade(21, "C", "A", "5", "100", eth)});
  ASSERT_EQ(alerts.size(), 2u);
  std::set<std::string> symbols{alerts[0].symbol, alerts[1].symbol};
  EXPECT_EQ(symbols, (std::set<std::string>{"BTCUSDT", "ETHUSDT"}));
}

TEST_F(WashCollusiveRing, PerSymbolOverride) {
  ParamValues eth_values = config.values;
  set_param(eth_values, info, "window", "5s");
  config.per_symbol["ETHUSDT"] = eth_values;
  auto alerts = run({trade(0, "A", "B"), trade(1, "A", "B", "5", "100", eth), trade(10, "B", "C"),
                     trade(11, "B", "C", "5", "100", eth), trade(20, "C", "A"),
                     trade(21, "C", "A", "5", "100", eth)});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].symbol, "BTCUSDT");
}

TEST_F(WashCollusiveRing, SeverityAndScoreFollowValueAndLaps) {
  std::vector<Event> small, medium, large, twice, repeated;
  lap(small, 0, {"A", "B", "C"});
  lap(medium, 0, {"A", "B", "C"}, 10, "34");  // 34 x 100 x 3 = 10.2k: MEDIUM
  lap(large, 0, {"A", "B", "C"}, 10, "500");  // 150k: HIGH
  for (int i = 0; i < 2; ++i) lap(twice, 40.0 * i, {"A", "B", "C"});
  for (int i = 0; i < 10; ++i) lap(repeated, 40.0 * i, {"A", "B", "C"});
  const Severity expected[] = {Severity::kLow, Severity::kMedium, Severity::kHigh,
                               Severity::kMedium, Severity::kCritical};  // critical_laps 10
  std::vector<double> scores;
  int k = 0;
  for (const auto* events : {&small, &medium, &large, &twice, &repeated}) {
    auto alerts = run(*events);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].severity, expected[k++]);
    scores.push_back(alerts[0].score);
  }
  EXPECT_LT(scores[0], scores[1]);
  EXPECT_LT(scores[1], scores[2]);
  EXPECT_LT(scores[0], scores[3]);
  EXPECT_LT(scores[3], scores[4]);
}

TEST_F(WashCollusiveRing, MinNotionalSilencesSmallRings) {
  set_param(config.values, info, "min_notional", "1501");
  std::vector<Event> events;
  lap(events, 0, {"A", "B", "C"});  // 1500
  EXPECT_TRUE(run(events).empty());
  set_param(config.values, info, "min_notional", "1500");
  EXPECT_EQ(run(events).size(), 1u);
}

TEST_F(WashCollusiveRing, SearchIsBoundedByItsSteps) {
  // Many trades from B to others of the ring's size come before B's sale to C in B's chain:
  // with too few steps the search gives up before finding the way back.
  std::vector<Event> events = {trade(0, "A", "B")};
  events.push_back(trade(1, "B", "C"));
  for (int i = 0; i < 40; ++i) {
    std::string other(1, 'X');  // appended: operator+ trips GCC 12's -Wrestrict (bug 105329)
    other += std::to_string(i);
    events.push_back(trade(2 + i * 0.1, "B", other.c_str()));
  }
  events.push_back(trade(20, "C", "A"));
  EXPECT_EQ(run(events).size(), 1u);
  set_param(config.values, info, "max_search_steps", "16");
  EXPECT_TRUE(run(events).empty());
}

TEST_F(WashCollusiveRing, WindowTradesAreCapped) {
  std::vector<Event> events = {trade(0, "A", "B"), trade(1, "B", "C")};
  for (int i = 0; i < 20; ++i) events.push_back(trade(2 + i * 0.1, "X", "Y"));
  events.push_back(trade(20, "C", "A"));
  EXPECT_EQ(run(events).size(), 1u);
  set_param(config.values, info, "max_window_trades", "16");  // A -> B is let go
  EXPECT_TRUE(run(events).empty());
}

TEST_F(WashCollusiveRing, RejectsInconsistentParameters) {
  set_param(config.values, info, "min_owners", "5");
  set_param(config.values, info, "max_cycle_owners", "4");
  AlertCollector out;
  EXPECT_THROW(make(out), ConfigError);
}

TEST(WashCollusiveRingEngine, FiresThroughTheEngine) {
  tw::testing::OrderFlow flow;
  flow.trade(0, Side::kBuy, 100, 5, "B", "A");
  flow.trade(1000, Side::kSell, 100, 5, "C", "B");
  flow.trade(2000, Side::kBuy, 100, 5, "A", "C");
  flow.trade(3000, Side::kBuy, 100, 5);  // anonymous
  tw::testing::RuleRun run(flow.universe, flow.events, "wash.collusive_ring");
  ASSERT_EQ(run.fired().size(), 1u);
  EXPECT_EQ(run.fired()[0].evidence,
            (std::vector<std::string>{"trade:t1", "trade:t2", "trade:t3"}));
}

// A ring passes the quantity on by arrangement: each owner's resting sell is taken by the next
// owner as soon as it shows. Resting orders that waited seconds for a taker were met by whoever
// came, as round lots of the ordinary flow are, and close no ring unless prearranged_legs is off.
TEST(WashCollusiveRingEngine, ItsLegsAreRestingOrdersTakenAtOnce) {
  for (const int64_t wait_ms : {10, 5000}) {
    for (const char* prearranged : {"true", "false"}) {
      tw::testing::OrderFlow flow;
      const std::vector<std::string> ring{"A", "B", "C"};
      for (size_t i = 0; i < ring.size(); ++i) {
        const auto ms = static_cast<int64_t>(i) * 10'000;
        std::string id(1, 'o');  // appended: operator+ trips GCC 12's -Wrestrict (bug 105329)
        id += std::to_string(i);
        flow.add(ms, id, Side::kSell, 100, 5, ring[i]);
        flow.execute(ms + wait_ms, id, 5).buyer = flow.universe.account(ring[(i + 1) % 3]);
      }
      tw::testing::RuleRun run(flow.universe, flow.events, "wash.collusive_ring",
                               {{"prearranged_legs", prearranged}});
      const bool expected = wait_ms < 100 || std::string_view(prearranged) == "false";
      EXPECT_EQ(run.fired().size(), expected ? 1u : 0u) << wait_ms << " ms, " << prearranged;
    }
  }
}

}  // namespace
