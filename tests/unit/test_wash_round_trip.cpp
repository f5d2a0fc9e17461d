#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "detect/wash_round_trip.hpp"
#include "order_flow.hpp"
#include "real_data.hpp"
#include "rule_run.hpp"
#include "rule_test_util.hpp"

using namespace tw;

namespace {

const Timestamp kT0 = *Timestamp::parse_iso8601("2025-01-06T12:00:00Z");

Timestamp at(double seconds) {
  return kT0 + Duration::nanos(static_cast<int64_t>(seconds * 1e9 + (seconds >= 0 ? 0.5 : -0.5)));
}

class WashRoundTrip : public ::testing::Test {
 protected:
  Universe universe;
  RuleInfo info = wash_round_trip_rule();
  RuleConfig config = default_rule_config(info);
  AlertCollector sink;
  SymbolId btc = universe.symbol("BTCUSDT");
  uint64_t next_id = 1;

  std::unique_ptr<Detector> make(AlertSink& out) { return info.make({universe, config, out}); }
  std::unique_ptr<Detector> make() { return make(sink); }

  /// One account's side of a trade, as seed1 rows carry it.
  Event fill(double seconds, const char* price, const char* qty, Side side, const char* account,
             SymbolId symbol = {}) {
    Event e;
    e.ts = at(seconds);
    e.price = *Price::parse(price);
    e.qty = *Quantity::parse(qty);
    e.side = side;
    e.symbol = symbol ? symbol : btc;
    (side == Side::kBuy ? e.buyer : e.seller) = universe.account(account);
    e.seq = next_id;
    e.id = ExternalId::number(1000 + next_id++);
    return e;
  }

  /// A trade with both accounts known.
  Event trade(double seconds, const char* price, const char* qty, const char* buyer,
              const char* seller) {
    Event e = fill(seconds, price, qty, Side::kBuy, buyer);
    e.seller = universe.account(seller);
    return e;
  }

  std::vector<Alert> run(const std::vector<Event>& events) {
    AlertCollector out;
    auto d = make(out);
    for (const Event& e : events) d->on_event(e);
    d->finish();
    return std::move(out.alerts);
  }
  /// As the engine drives the rule: told each time event time crosses a second.
  std::vector<Alert> run_ticking(const std::vector<Event>& events) {
    AlertCollector out;
    auto d = make(out);
    const Duration second = Duration::seconds(1);
    for (size_t i = 0; i < events.size(); ++i) {
      if (i > 0 && events[i].ts.floor_to(second) != events[i - 1].ts.floor_to(second)) {
        d->advance_to(events[i].ts);
      }
      d->on_event(events[i]);
    }
    d->finish();
    return std::move(out.alerts);
  }
};

std::vector<std::string> sorted_ids(const std::vector<Alert>& alerts) {
  std::vector<std::string> ids;
  for (const Alert& a : alerts) ids.push_back(a.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(WashRoundTrip, IsRegistered) {
  const RuleInfo* r = find_rule("wash.round_trip");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->needs, "trades + accounts");
  EXPECT_EQ(r->params.size(), info.params.size());
}

TEST_F(WashRoundTrip, SelfTradeOfOneAccount) {
  auto alerts = run({trade(1, "100", "5", "A", "A")});
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "wash.round_trip");
  EXPECT_EQ(a.symbol, "BTCUSDT");
  EXPECT_EQ(a.accounts, std::vector<std::string>{"A"});
  EXPECT_EQ(metric(a, "self_trades"), 1);
  EXPECT_EQ(metric(a, "pairs"), 0);
  EXPECT_EQ(metric(a, "notional"), 500);
  EXPECT_EQ(a.severity, Severity::kMedium);  // a self-trade is at least MEDIUM
  EXPECT_EQ(a.evidence, std::vector<std::string>{"trade:1001"});
  EXPECT_EQ(a.start, at(1));
  EXPECT_EQ(a.end, at(1));
  EXPECT_NE(a.why.find("1 self-trade"), std::string::npos) << a.why;
}

TEST_F(WashRoundTrip, SelfTradeOfLinkedAccounts) {
  universe.set_owner("A", "fund");
  universe.set_owner("B", "fund");
  auto alerts = run({trade(1, "100", "5", "A", "B")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, (std::vector<std::string>{"A", "B"}));
  EXPECT_NE(alerts[0].why.find("fund"), std::string::npos);
}

TEST_F(WashRoundTrip, TradeBetweenUnrelatedAccountsIsNotWash) {
  EXPECT_TRUE(run({trade(1, "100", "5", "A", "B")}).empty());
}

TEST_F(WashRoundTrip, RoundTripOfOneAccount) {
  auto alerts =
      run({fill(0, "100", "5", Side::kBuy, "A"), fill(10, "100.05", "5", Side::kSell, "A")});
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.start, at(0));
  EXPECT_EQ(a.end, at(10));
  EXPECT_EQ(metric(a, "pairs"), 1);
  EXPECT_EQ(metric(a, "buy_qty"), 5);
  EXPECT_EQ(metric(a, "sell_qty"), 5);
  EXPECT_DOUBLE_EQ(metric(a, "notional"), 1000.25);
  EXPECT_NEAR(metric(a, "max_price_gap_bps"), 5, 1e-9);
  EXPECT_EQ(metric(a, "max_time_gap_s"), 10);
  EXPECT_EQ(a.evidence, (std::vector<std::string>{"trade:1001", "trade:1002"}));  // time order
  EXPECT_EQ(a.severity, Severity::kLow);  // 1 pair, value below medium_notional
}

TEST_F(WashRoundTrip, RoundTripAcrossLinkedAccounts) {
  universe.set_owner("A", "fund");
  universe.set_owner("B", "fund");
  auto alerts = run({fill(0, "100", "5", Side::kBuy, "A"), fill(3, "100", "5", Side::kSell, "B")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, (std::vector<std::string>{"A", "B"}));
}

// With both parties of each trade known, a round trip is a trade reversed between the same two
// owners: A buying from B and selling to C within the window is trading; selling back to B is a
// round trip of A's (and of B's). same_counterparty = false pairs any buy and sell of A.
TEST_F(WashRoundTrip, WithBothPartiesKnownTheTradeMustBeReversedBetweenTheSameTwo) {
  EXPECT_TRUE(run({trade(0, "100", "5", "A", "B"), trade(10, "100", "5", "C", "A")}).empty());
  std::vector<Alert> reversed =
      run({trade(20, "100", "5", "A", "B"), trade(30, "100", "5", "B", "A")});
  ASSERT_EQ(reversed.size(), 2u);
  std::vector<std::vector<std::string>> accounts{reversed[0].accounts, reversed[1].accounts};
  std::sort(accounts.begin(), accounts.end());
  EXPECT_EQ(accounts, (std::vector<std::vector<std::string>>{{"A"}, {"B"}}));
  // A trade naming one party pairs with any opposite fill of the owner.
  EXPECT_EQ(run({trade(100, "100", "5", "A", "B"), fill(110, "100", "5", Side::kSell, "A")}).size(),
            1u);
  // Reversed at another price, money moved between the two: trading, unless
  // reversal_price_tolerance allows the gap (0.05% here).
  EXPECT_TRUE(run({trade(300, "100", "5", "A", "B"), trade(310, "100.05", "5", "B", "A")}).empty());
  set_param(config.values, info, "reversal_price_tolerance", "0.0005");
  EXPECT_EQ(run({trade(400, "100", "5", "A", "B"), trade(410, "100.05", "5", "B", "A")}).size(),
            2u);
  set_param(config.values, info, "same_counterparty", "false");
  EXPECT_EQ(run({trade(200, "100", "5", "A", "B"), trade(210, "100", "5", "C", "A")}).size(), 1u);
}

// A buy and a sell that both filled the owner's resting orders (the aggressor on the other side
// each time, as order-level prints name the resting owner) are its quotes taken both ways:
// market making, left alone unless pair_resting_legs. One leg taken by the owner still pairs.
TEST_F(WashRoundTrip, TheOwnersQuotesTakenBothWaysAreNotARoundTrip) {
  auto rested = [&](double seconds, Side owner_side) {
    Event e = fill(seconds, "100", "5", owner_side, "A");
    e.side = opposite(owner_side);  // the other side took it
    return e;
  };
  EXPECT_TRUE(run({rested(0, Side::kBuy), rested(10, Side::kSell)}).empty());
  EXPECT_EQ(run({rested(20, Side::kBuy), fill(30, "100", "5", Side::kSell, "A")}).size(), 1u);
  set_param(config.values, info, "pair_resting_legs", "true");
  EXPECT_EQ(run({rested(40, Side::kBuy), rested(50, Side::kSell)}).size(), 1u);
}

// A prearranged reversal: each party places the order the other takes. An owner that took the
// other's resting orders both ways chose its counterparty, which merely quoted (a trader against
// a market maker): no round trip unless swapped_roles is off. Without the aggressor, the roles are
// not known and the reversal pairs as before.
TEST_F(WashRoundTrip, AReversalNeedsEachPartyToRestOnce) {
  auto taken = [&](double seconds, const char* buyer, const char* seller, Side aggressor) {
    Event e = trade(seconds, "100", "5", buyer, seller);
    e.side = aggressor;
    return e;
  };
  // A lifts B's offer, then hits B's bid: B rested both times.
  const std::vector<Event> quotes_taken{taken(0, "A", "B", Side::kBuy),
                                        taken(10, "B", "A", Side::kSell)};
  EXPECT_TRUE(run(quotes_taken).empty());
  // A lifts B's offer, then B lifts A's offer: each rested once.
  EXPECT_EQ(run({taken(20, "A", "B", Side::kBuy), taken(30, "B", "A", Side::kBuy)}).size(), 2u);
  EXPECT_EQ(run({taken(40, "A", "B", Side::kUnknown), taken(50, "B", "A", Side::kUnknown)}).size(),
            2u);
  set_param(config.values, info, "swapped_roles", "false");
  const std::vector<Alert> alerts = run(quotes_taken);
  ASSERT_EQ(alerts.size(), 1u);  // B's legs are both its quotes taken: pair_resting_legs
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"A"});
}

// A trade reversed between the same two known parties pairs within reversal_window (10 min),
// while other pairs, such as one account's fills from a trade file, keep to `window` (60 s).
TEST_F(WashRoundTrip, AReversalBetweenKnownPartiesHasAWindowOfItsOwn) {
  const std::vector<Event> reversal{trade(0, "100", "5", "A", "B"),
                                    trade(100, "100", "5", "B", "A")};
  EXPECT_EQ(run(reversal).size(), 2u);
  EXPECT_TRUE(run({fill(200, "100", "5", Side::kBuy, "C"), fill(300, "100", "5", Side::kSell, "C")})
                  .empty());
  EXPECT_TRUE(run({trade(400, "100", "5", "A", "B"), trade(1001, "100", "5", "B", "A")}).empty());
  set_param(config.values, info, "reversal_window", "60s");
  EXPECT_TRUE(run(reversal).empty());
}

TEST_F(WashRoundTrip, UnrelatedAccountsDoNotPair) {
  EXPECT_TRUE(
      run({fill(0, "100", "5", Side::kBuy, "A"), fill(3, "100", "5", Side::kSell, "B")}).empty());
}

TEST_F(WashRoundTrip, PriceToleranceBoundary) {
  // Default 0.1%: 9 bps pairs, 11 bps does not.
  EXPECT_EQ(
      run({fill(0, "1000", "5", Side::kBuy, "A"), fill(1, "1000.9", "5", Side::kSell, "A")}).size(),
      1u);
  EXPECT_TRUE(run({fill(0, "1000", "5", Side::kBuy, "A"), fill(1, "1001.1", "5", Side::kSell, "A")})
                  .empty());
}

TEST_F(WashRoundTrip, QuantityToleranceBoundary) {
  // Default: exact quantities only.
  EXPECT_EQ(
      run({fill(0, "10", "100", Side::kBuy, "A"), fill(1, "10", "100", Side::kSell, "A")}).size(),
      1u);
  EXPECT_TRUE(run({fill(0, "10", "100", Side::kBuy, "A"), fill(1, "10", "99.9", Side::kSell, "A")})
                  .empty());
  // 5% of the larger quantity: 100 vs 95.5 pairs, 100 vs 94.5 does not.
  set_param(config.values, info, "quantity_tolerance", "0.05");
  EXPECT_EQ(
      run({fill(0, "10", "100", Side::kBuy, "A"), fill(1, "10", "95.5", Side::kSell, "A")}).size(),
      1u);
  EXPECT_TRUE(run({fill(0, "10", "100", Side::kBuy, "A"), fill(1, "10", "94.5", Side::kSell, "A")})
                  .empty());
}

TEST_F(WashRoundTrip, WindowBoundary) {
  // The window (60s) is inclusive.
  EXPECT_EQ(
      run({fill(0, "10", "1", Side::kSell, "A"), fill(60, "10", "1", Side::kBuy, "A")}).size(), 1u);
  EXPECT_TRUE(run({fill(0, "10", "1", Side::kSell, "A"), fill(60.001, "10", "1", Side::kBuy, "A")})
                  .empty());
}

// A trade that moves the window past several waiting fills at once (here three, four and five)
// pairs with none of them, and still with the first one left inside.
TEST_F(WashRoundTrip, FillsExpiringTogetherNeverPair) {
  for (int expired : {3, 4, 5}) {
    std::vector<Event> events;
    for (int i = 0; i < 6; ++i) events.push_back(fill(i, "10", "1", Side::kBuy, "A"));
    events.push_back(fill(60 + expired - 0.5, "10", "1", Side::kSell, "A"));
    auto alerts = run(events);
    SCOPED_TRACE(expired);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].start, at(expired));  // the oldest buy still inside the window
    EXPECT_EQ(metric(alerts[0], "pairs"), 1);
  }
}

TEST_F(WashRoundTrip, EachFillPairsOnce) {
  auto alerts = run({fill(0, "10", "1", Side::kBuy, "A"), fill(1, "10", "1", Side::kSell, "A"),
                     fill(2, "10", "1", Side::kSell, "A")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "pairs"), 1);
  EXPECT_EQ(alerts[0].evidence_total, 2u);
}

TEST_F(WashRoundTrip, PrefersTheClosestQuantity) {
  // The later sell matches the buy exactly; the earlier one is only within tolerance.
  auto alerts = run({fill(0, "10", "98", Side::kSell, "A"), fill(1, "10", "100", Side::kSell, "A"),
                     fill(2, "10", "100", Side::kBuy, "A")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].evidence, (std::vector<std::string>{"trade:1002", "trade:1003"}));
  EXPECT_EQ(alerts[0].start, at(1));
}

TEST_F(WashRoundTrip, RepeatedRoundTripsMergeIntoOneEpisode) {
  std::vector<Event> events;
  for (int i = 0; i < 4; ++i) {  // pairs 40s apart: each within the window of the last
    events.push_back(fill(40.0 * i, "100", "2", Side::kBuy, "A"));
    events.push_back(fill(40.0 * i + 1, "100", "2", Side::kSell, "A"));
  }
  events.push_back(fill(300, "100", "2", Side::kBuy, "A"));  // 140s later: a new episode
  events.push_back(fill(301, "100", "2", Side::kSell, "A"));
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(metric(alerts[0], "pairs"), 4);
  EXPECT_EQ(alerts[0].start, at(0));
  EXPECT_EQ(alerts[0].end, at(121));
  EXPECT_EQ(alerts[0].evidence_total, 8u);
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);  // 4 pairs >= high_pairs (3)
  EXPECT_EQ(metric(alerts[1], "pairs"), 1);
  EXPECT_EQ(alerts[1].start, at(300));
}

TEST_F(WashRoundTrip, EpisodeClosesWhenEventTimePassesLastPairPlusWindow) {
  auto d = make();
  d->on_event(fill(0, "100", "2", Side::kBuy, "A"));
  d->on_event(fill(1, "100", "2", Side::kSell, "A"));
  d->on_event(fill(61, "100", "2", Side::kBuy, "B"));  // exactly last pair + window: still open
  EXPECT_TRUE(sink.alerts.empty());
  d->on_event(fill(61.5, "100", "2", Side::kBuy, "B"));
  EXPECT_EQ(sink.alerts.size(), 1u);
  d->advance_to(at(500));
  d->finish();
  EXPECT_EQ(sink.alerts.size(), 1u);
}

TEST_F(WashRoundTrip, AdvanceToClosesQuietSymbols) {
  auto d = make();
  d->on_event(fill(0, "100", "2", Side::kBuy, "A"));
  d->on_event(fill(1, "100", "2", Side::kSell, "A"));
  d->advance_to(at(61));
  EXPECT_TRUE(sink.alerts.empty());
  d->advance_to(at(62));
  EXPECT_EQ(sink.alerts.size(), 1u);
}

TEST_F(WashRoundTrip, SeverityFollowsValueAndRepetition) {
  // 2 x 50 x 1000 = 100000 of value: HIGH from value alone.
  auto high =
      run({fill(0, "1000", "50", Side::kBuy, "A"), fill(1, "1000", "50", Side::kSell, "A")});
  ASSERT_EQ(high.size(), 1u);
  EXPECT_EQ(high[0].severity, Severity::kHigh);
  auto critical =
      run({fill(0, "1000", "500", Side::kBuy, "A"), fill(1, "1000", "500", Side::kSell, "A")});
  ASSERT_EQ(critical.size(), 1u);
  EXPECT_EQ(critical[0].severity, Severity::kCritical);
  EXPECT_GT(critical[0].score, high[0].score);
  EXPECT_LE(critical[0].score, 100);
  set_param(config.values, info, "min_notional", "1000000");
  EXPECT_TRUE(run({fill(0, "1000", "50", Side::kBuy, "A"), fill(1, "1000", "50", Side::kSell, "A")})
                  .empty());
}

TEST_F(WashRoundTrip, TightPairsScoreHigherThanLooseOnes) {
  // Same value and repetition: one pair at one price a second apart, one 50 s and 0.08% apart.
  auto tight = run({fill(0, "1000", "5", Side::kBuy, "A"), fill(1, "1000", "5", Side::kSell, "A")});
  auto loose =
      run({fill(0, "1000", "5", Side::kBuy, "A"), fill(50, "1000.8", "5", Side::kSell, "A")});
  ASSERT_EQ(tight.size(), 1u);
  ASSERT_EQ(loose.size(), 1u);
  EXPECT_EQ(tight[0].severity, loose[0].severity);
  EXPECT_GT(tight[0].score, loose[0].score + 15);
  EXPECT_LE(tight[0].score, 100);
  EXPECT_GE(loose[0].score, 20);
}

TEST_F(WashRoundTrip, OpenFillsPerOwnerAndQuantityAreCapped) {
  set_param(config.values, info, "max_open_fills", "2");
  // Three unpaired buys of one quantity: the oldest is dropped, so of three sells the last
  // finds nothing. A buy of another quantity does not count against the cap.
  auto alerts = run({fill(0, "100", "7", Side::kBuy, "A"), fill(1, "100", "7", Side::kBuy, "A"),
                     fill(2, "100", "1", Side::kBuy, "A"), fill(3, "100", "7", Side::kBuy, "A"),
                     fill(4, "100", "7", Side::kSell, "A"), fill(5, "100", "7", Side::kSell, "A"),
                     fill(6, "100", "7", Side::kSell, "A"), fill(7, "100", "1", Side::kSell, "A")});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "pairs"), 3);
  EXPECT_EQ(metric(alerts[0], "buy_qty"), 15);  // 7 + 7 + 1: the first buy was dropped
}

TEST_F(WashRoundTrip, WithATolerantQuantityOpenFillsPerOwnerAreCapped) {
  set_param(config.values, info, "max_open_fills", "2");
  set_param(config.values, info, "quantity_tolerance", "0.01");
  // Three unpaired buys: the oldest is dropped, so the sell matching only it finds nothing.
  auto alerts = run({fill(0, "100", "7", Side::kBuy, "A"), fill(1, "100", "1", Side::kBuy, "A"),
                     fill(2, "100", "2", Side::kBuy, "A"), fill(3, "100", "7", Side::kSell, "A")});
  EXPECT_TRUE(alerts.empty());
}

TEST_F(WashRoundTrip, EveryLiveFillFindsItsPartnerAsTheLogGrows) {
  // 200 buys of distinct quantities within a window outgrow the log's first size several
  // times; each pairs with its sell, sold in a scattered order, and a sell of a quantity
  // never bought pairs with nothing.
  std::vector<Event> events;
  for (int i = 1; i <= 200; ++i) {
    events.push_back(fill(i * 0.1, "100", std::to_string(i).c_str(), Side::kBuy, "A"));
  }
  for (int i = 0; i < 200; ++i) {
    int qty = 1 + (i * 7) % 200;  // 1..200 in a scattered order
    events.push_back(fill(21 + i * 0.1, "100", std::to_string(qty).c_str(), Side::kSell, "A"));
  }
  events.push_back(fill(45, "100", "201", Side::kSell, "A"));
  auto alerts = run(events);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "pairs"), 200);
  EXPECT_EQ(metric(alerts[0], "buy_qty"), 200 * 201 / 2);
  EXPECT_EQ(metric(alerts[0], "sell_qty"), 200 * 201 / 2);
}

// The pairs found in alerts' evidence, as (earlier trade id, later trade id).
std::set<std::pair<std::string, std::string>> evidence_pairs(const std::vector<Alert>& alerts) {
  std::set<std::pair<std::string, std::string>> pairs;
  for (const Alert& a : alerts) {
    for (size_t i = 0; i + 1 < a.evidence.size(); i += 2) {
      pairs.emplace(a.evidence[i], a.evidence[i + 1]);
    }
  }
  return pairs;
}

// "G17" and the like: an account per pair. (snprintf: GCC 12 warns wrongly on "G" + string.)
std::string numbered(char prefix, int k) {
  char name[16];
  std::snprintf(name, sizeof name, "%c%d", prefix, k);
  return name;
}

std::string evidence_of(const Event& e) {
  return "trade:" + e.id.to_string();
}

TEST_F(WashRoundTrip, FillsLeavingAChainKeepTheOthersTrades) {
  // With a tolerant quantity all of an owner's fills share one chain (1% never spans two of
  // these quantities): pairs leave it from the middle, the newest end and the oldest, and the
  // ninth buy drops the oldest waiting (3). With exact quantities each has a chain of its own,
  // and the cap of 8 per quantity drops nothing. Every sell pairs with the buy of its quantity.
  for (const char* tolerance : {"0.01", "0"}) {
    SCOPED_TRACE(tolerance);
    set_param(config.values, info, "max_open_fills", "8");
    set_param(config.values, info, "quantity_tolerance", tolerance);
    bool drops_3 = std::string(tolerance) != "0";
    std::vector<Event> events;
    std::map<int, Event> buys;
    double t = 0;
    auto buy = [&](int qty) {
      events.push_back(fill(t += 0.1, "100", std::to_string(qty).c_str(), Side::kBuy, "A"));
      buys[qty] = events.back();
    };
    auto sell = [&](int qty) {
      events.push_back(fill(t += 0.1, "100", std::to_string(qty).c_str(), Side::kSell, "A"));
    };
    for (int q = 1; q <= 4; ++q) buy(q);
    sell(2);                                              // from the middle
    sell(1);                                              // the oldest
    for (int q = 5; q <= 11; ++q) buy(q);                 // the tolerant chain drops 3
    for (int q : {9, 10, 3, 4, 11, 5, 8, 6, 7}) sell(q);  // 11: the newest
    std::set<std::pair<std::string, std::string>> expected;
    for (const Event& e : events) {
      int qty = static_cast<int>(e.qty.to_double());
      if (e.side == Side::kSell && !(drops_3 && qty == 3)) {
        expected.emplace(evidence_of(buys[qty]), evidence_of(e));
      }
    }
    auto alerts = run(events);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(metric(alerts[0], "pairs"), drops_3 ? 10 : 11);
    EXPECT_EQ(evidence_pairs(alerts), expected);
  }
}

TEST_F(WashRoundTrip, EvidenceOfManyOwnersWaitingAtOnce) {
  // First 1000 owners each buy within one window, and sell later in it: the fill log grows
  // while they wait. Then 3000 owners buy one a second and sell 30 s later: fills expire and
  // the log reuses their places.
  std::vector<Event> events;
  std::set<std::pair<std::string, std::string>> expected;
  for (int k = 0; k < 1000; ++k) {
    std::string name = numbered('G', k);
    events.push_back(fill(k * 0.02, "100", "1", Side::kBuy, name.c_str()));
  }
  for (int k = 0; k < 1000; ++k) {
    std::string name = numbered('G', k);
    events.push_back(fill(30 + k * 0.02, "100", "1", Side::kSell, name.c_str()));
    expected.emplace(evidence_of(events[static_cast<size_t>(k)]), evidence_of(events.back()));
  }
  std::vector<Event> bought;
  for (int k = 0; k < 3030; ++k) {
    if (k < 3000) {
      std::string name = numbered('W', k);
      bought.push_back(fill(1000 + k, "100", "2", Side::kBuy, name.c_str()));
      events.push_back(bought.back());
    }
    if (k >= 30) {
      std::string name = numbered('W', k - 30);
      events.push_back(fill(1000 + k + 0.5, "100", "2", Side::kSell, name.c_str()));
      expected.emplace(evidence_of(bought[static_cast<size_t>(k - 30)]),
                       evidence_of(events.back()));
    }
  }
  auto alerts = run(events);
  EXPECT_EQ(alerts.size(), 4000u);
  EXPECT_EQ(evidence_pairs(alerts), expected);
}

TEST_F(WashRoundTrip, PerSymbolOverride) {
  SymbolId eth = universe.symbol("ETHUSDT");
  ParamValues loose = config.values;
  set_param(loose, info, "price_tolerance", "0.01");
  config.per_symbol["ETHUSDT"] = loose;
  auto alerts = run({fill(0, "100", "1", Side::kBuy, "A"), fill(1, "100.5", "1", Side::kSell, "A"),
                     fill(0, "100", "1", Side::kBuy, "A", eth),
                     fill(1, "100.5", "1", Side::kSell, "A", eth)});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].symbol, "ETHUSDT");
}

TEST_F(WashRoundTrip, RejectsInconsistentSeverityThresholds) {
  set_param(config.values, info, "high_notional", "1");
  EXPECT_THROW(make(), ConfigError);
}

TEST_F(WashRoundTrip, IdsAreStableAcrossRunsAndCuts) {
  universe.set_owner("B", "fund");
  universe.set_owner("C", "fund");
  std::vector<Event> events;
  for (int i = 0; i < 30; ++i) {
    double t = 7.0 * i + (i >= 12 ? 200 : 0);  // a gap that splits the episodes
    events.push_back(fill(t, "100", "3", Side::kBuy, i % 3 == 0 ? "A" : "B"));
    events.push_back(fill(t + 2, "100.02", "3", Side::kSell, i % 2 == 0 ? "A" : "C"));
    if (i % 5 == 0) events.push_back(trade(t + 3, "100", "1", "B", "C"));
  }
  auto first = run(events);
  auto second = run(events);
  ASSERT_GE(first.size(), 2u);
  EXPECT_EQ(sorted_ids(first), sorted_ids(second));

  // The same events fed one by one with watermarks in between, as a live stream would.
  AlertCollector streamed;
  auto d = make(streamed);
  for (const Event& e : events) {
    d->advance_to(e.ts);
    d->on_event(e);
    d->advance_to(e.ts);
  }
  d->finish();
  ASSERT_EQ(streamed.alerts.size(), first.size());
  EXPECT_EQ(sorted_ids(streamed.alerts), sorted_ids(first));
  for (const Alert& a : first) {
    auto same = std::find_if(streamed.alerts.begin(), streamed.alerts.end(),
                             [&](const Alert& b) { return b.id == a.id; });
    ASSERT_NE(same, streamed.alerts.end());
    EXPECT_EQ(same->metrics_json, a.metrics_json);
    EXPECT_EQ(same->evidence, a.evidence);
    EXPECT_EQ(same->why, a.why);
  }
}

// The pairing of a straightforward model (lists per owner and side, scanned in full) and of
// the detector agree on random one-account fills: exact and tolerant quantities, fills that
// leave their chains from any place, full sides, expiry and owners coming back.
TEST_F(WashRoundTrip, PairsLikeAPlainModel) {
  struct Fill {
    Timestamp ts;
    int64_t price, qty;
    uint64_t id;
  };
  auto slack = [](double tolerance, int64_t reference) {
    return static_cast<int64_t>(std::floor(tolerance * static_cast<double>(reference)));
  };
  for (const char* tolerance : {"0", "0.05"}) {
    for (const char* cap : {"3", "8", "32", "40"}) {
      set_param(config.values, info, "quantity_tolerance", tolerance);
      set_param(config.values, info, "max_open_fills", cap);
      const double qty_tolerance = std::stod(tolerance);
      const size_t per_side = std::stoul(cap);
      const Duration window = Duration::seconds(60);
      std::map<std::pair<int, int>, std::vector<Fill>> waiting;  // (owner, side) -> oldest first
      std::vector<std::pair<uint64_t, uint64_t>> expected;
      std::vector<Event> events;
      uint64_t x = 7;
      auto next = [&x] {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        return x >> 33;
      };
      Timestamp ts = kT0;
      for (uint64_t id = 1; id <= 20000; ++id) {
        // Bursts of 2000 fills, longer than the window, with pauses that end the episodes. Each
        // owner mostly buys or mostly sells in a burst, so that one side fills up while the
        // other finds many candidates, with ties in quantity and price.
        ts = ts + Duration::nanos(static_cast<int64_t>(1 + next() % 100) * 1'000'000);
        if (id % 2000 == 0) ts = ts + Duration::seconds(130);
        int owner = static_cast<int>(next() % 4);
        int usual_side = static_cast<int>((id / 2000 + static_cast<uint64_t>(owner)) % 2);
        int side = next() % 10 < 8 ? usual_side : 1 - usual_side;
        int64_t qty = static_cast<int64_t>(1 + next() % 4) * 100'000'000 +
                      static_cast<int64_t>(next() % 3) * 3'000'000;
        int64_t price = 10'000'000'000 + static_cast<int64_t>(next() % 8) * 5'000'000;
        Event e;
        e.ts = ts;
        e.symbol = btc;
        e.price = Price::from_raw(price);
        e.qty = Quantity::from_raw(qty);
        e.side = side == 0 ? Side::kBuy : Side::kSell;
        const char* names[] = {"M0", "M1", "M2", "M3"};
        (side == 0 ? e.buyer : e.seller) = universe.account(names[owner]);
        e.seq = id;
        e.id = ExternalId::number(id);
        events.push_back(e);

        for (auto& list : {&waiting[{owner, 0}], &waiting[{owner, 1}]}) {
          while (!list->empty() && list->front().ts < ts - window) list->erase(list->begin());
        }
        std::vector<Fill>& other = waiting[{owner, 1 - side}];
        int best = -1;
        int64_t best_qty_gap = 0, best_price_gap = 0;
        for (size_t i = 0; i < other.size(); ++i) {
          int64_t qty_gap = std::llabs(other[i].qty - qty);
          int64_t price_gap = std::llabs(other[i].price - price);
          if (qty_gap > std::max(slack(qty_tolerance, other[i].qty), slack(qty_tolerance, qty)) ||
              price_gap > slack(0.001, other[i].price)) {
            continue;
          }
          if (best < 0 || qty_gap < best_qty_gap ||
              (qty_gap == best_qty_gap && price_gap < best_price_gap)) {
            best = static_cast<int>(i);
            best_qty_gap = qty_gap;
            best_price_gap = price_gap;
          }
        }
        if (best >= 0) {
          expected.emplace_back(other[static_cast<size_t>(best)].id, id);
          other.erase(other.begin() + best);
          continue;
        }
        // The cap counts the fills of one quantity when only equal quantities pair.
        std::vector<Fill>& own = waiting[{owner, side}];
        auto same_key = [&](const Fill& f) { return qty_tolerance > 0 || f.qty == qty; };
        if (static_cast<size_t>(std::count_if(own.begin(), own.end(), same_key)) == per_side) {
          own.erase(std::find_if(own.begin(), own.end(), same_key));
        }
        own.push_back({ts, price, qty, id});
      }

      // Long episodes keep their first pairs only as evidence: those must be pairs of the
      // model, and the pair counts must add up to the model's. Fed event by event, and with
      // the engine's per-second ticks, where fills leave the rule's log.
      std::sort(expected.begin(), expected.end());
      for (bool ticking : {false, true}) {
        std::vector<std::pair<uint64_t, uint64_t>> found;
        double pairs = 0;
        for (const Alert& a : ticking ? run_ticking(events) : run(events)) {
          pairs += metric(a, "pairs");
          for (size_t i = 0; i + 1 < a.evidence.size(); i += 2) {
            found.emplace_back(std::stoull(a.evidence[i].substr(6)),
                               std::stoull(a.evidence[i + 1].substr(6)));
          }
        }
        std::sort(found.begin(), found.end());
        SCOPED_TRACE(::testing::Message() << "quantity_tolerance " << tolerance
                                          << ", max_open_fills " << cap << ", ticks " << ticking);
        ASSERT_GT(expected.size(), 100u);
        EXPECT_EQ(pairs, static_cast<double>(expected.size()));
        EXPECT_GE(found.size(), 500u);
        EXPECT_TRUE(std::includes(expected.begin(), expected.end(), found.begin(), found.end()));
      }
    }
  }
}

// seed1: every injected WASH pair (one trader buying and selling at one price and instant)
// must be inside an alert naming that trader.
// `seller` rests a sell of 5 at `ms` and `buyer` takes it `wait_ms` later, as order-level
// executions naming both parties tell it.
void transfer(tw::testing::OrderFlow& flow, int64_t ms, const std::string& id,
              std::string_view seller, std::string_view buyer, int64_t wait_ms) {
  flow.add(ms, id, Side::kSell, 100, 5, seller);
  flow.execute(ms + wait_ms, id, 5).buyer = flow.universe.account(buyer);
}

// A prearranged trade's resting order is taken as soon as it shows: the counter order stood
// ready. One that waited seconds in the book was taken by whoever came: a reversal or self-trade
// made of such legs is two decisions that met in the book, unless prearranged_legs is off.
TEST(WashRoundTripOrders, PrearrangedLegsAreTakenAsSoonAsTheyShow) {
  for (const int64_t wait_ms : {10, 5000}) {
    for (const char* prearranged : {"true", "false"}) {
      const bool expected = wait_ms < 100 || std::string_view(prearranged) == "false";
      tw::testing::OrderFlow reversal;
      transfer(reversal, 0, "o1", "A", "B", wait_ms);
      transfer(reversal, 20'000, "o2", "B", "A", wait_ms);
      tw::testing::RuleRun both_ways(reversal.universe, reversal.events, "wash.round_trip",
                                     {{"prearranged_legs", prearranged}});
      EXPECT_EQ(both_ways.fired().size(), expected ? 2u : 0u) << wait_ms << " ms, " << prearranged;

      tw::testing::OrderFlow self;
      self.universe.set_owner("F1", "fund");
      self.universe.set_owner("F2", "fund");
      transfer(self, 0, "o1", "F1", "F2", wait_ms);
      tw::testing::RuleRun self_trade(self.universe, self.events, "wash.round_trip",
                                      {{"prearranged_legs", prearranged}});
      EXPECT_EQ(self_trade.fired().size(), expected ? 1u : 0u) << wait_ms << " ms, " << prearranged;
    }
  }
}

TEST(WashRoundTripSeed1, CoversEveryInjectedWashPair) {
  std::string path = tw::testing::shared_file("seed1/trades_sample.csv");
  if (path.empty()) GTEST_SKIP() << "../shared/data/seed1 not found";
  Universe universe;
  std::vector<Event> events = tw::testing::load_events(path, universe);
  std::vector<std::string> types = tw::testing::csv_column(path, "event_type");
  ASSERT_EQ(types.size(), events.size());
  std::map<std::string, std::string> kind_of;  // trade id -> event_type
  struct Row {
    std::string trader, symbol, side;
    Timestamp ts;
  };
  std::vector<Row> wash_rows;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    kind_of[e.id.to_string()] = types[i];
    if (types[i] != "WASH") continue;
    AccountId trader = e.side == Side::kBuy ? e.buyer : e.seller;
    wash_rows.push_back({std::string(universe.account_name(trader)),
                         std::string(universe.symbol_name(e.symbol)),
                         std::string(to_string(e.side)), e.ts});
  }
  ASSERT_EQ(wash_rows.size(), 112u);

  RuleInfo info = wash_round_trip_rule();
  RuleConfig config = default_rule_config(info);
  AlertCollector sink;
  auto d = info.make({universe, config, sink});
  for (const Event& e : events) d->on_event(e);
  d->finish();

  auto covers = [](const Alert& a, const Row& r) {
    return a.symbol == r.symbol && a.start <= r.ts && r.ts <= a.end &&
           std::find(a.accounts.begin(), a.accounts.end(), r.trader) != a.accounts.end();
  };
  size_t pairs = 0;
  std::set<size_t> covering;
  for (const Row& r : wash_rows) {
    if (r.side != "BUY") continue;  // each pair has one BUY row
    ++pairs;
    bool found = false;
    for (size_t i = 0; i < sink.alerts.size(); ++i) {
      if (covers(sink.alerts[i], r)) {
        found = true;
        covering.insert(i);
      }
    }
    EXPECT_TRUE(found) << "WASH pair of " << r.trader << " on " << r.symbol << " at "
                       << r.ts.to_iso8601() << " is not covered";
  }
  EXPECT_EQ(pairs, 56u);
  size_t shown = 0;
  std::map<std::string, int> other_kinds;
  for (size_t i = 0; i < sink.alerts.size(); ++i) {
    if (covering.count(i)) continue;
    const Alert& a = sink.alerts[i];
    std::string kinds;
    for (const std::string& ev : a.evidence) kinds += kind_of[ev.substr(6)] + " ";
    ++other_kinds[kinds];
    if (shown++ < 4) std::printf("  not an injected WASH: %s [%s]\n", a.why.c_str(), kinds.c_str());
  }
  std::printf("seed1: %zu WASH pairs, %zu alerts, %zu cover a WASH pair, %zu cover none\n", pairs,
              sink.alerts.size(), covering.size(), sink.alerts.size() - covering.size());
  for (const auto& [kinds, n] : other_kinds)
    std::printf("  %3d x evidence [%s]\n", n, kinds.c_str());
}

}  // namespace
