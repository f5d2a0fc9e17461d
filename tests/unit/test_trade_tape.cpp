// The trade tape: what it keeps, with and without a horizon.
#include <gtest/gtest.h>

#include <vector>

#include "detect/trade_tape.hpp"
#include "model/universe.hpp"
#include "sim/random.hpp"

using namespace tw;

namespace {

Event trade_at(int64_t millis, Side aggressor, int64_t units, uint64_t id) {
  Event e;
  e.kind = EventKind::kTrade;
  e.ts = Timestamp::from_nanos(millis * 1'000'000);
  e.side = aggressor;
  e.qty = Quantity::from_units(units);
  e.id = ExternalId::number(id);
  e.seq = id;
  return e;
}

}  // namespace

// A tape that lets go of trades beyond its horizon answers every query that looks back no
// further than the horizon as a tape that keeps them, at the capacity too (bursts of trades
// within a millisecond fill the small tape).
TEST(TradeTape, AHorizonChangesNoAnswerWithinIt) {
  Universe universe;
  const Duration horizon = Duration::millis(500);
  TradeTape kept(8);
  TradeTape expiring(8, horizon);
  sim::Rng rng(3, 1);
  int64_t millis = 0;
  size_t truncated = 0;
  for (uint64_t id = 1; id <= 20'000; ++id) {
    millis += rng.chance(0.3) ? 0 : rng.below(200);
    const Event t =
        trade_at(millis, rng.chance(0.5) ? Side::kBuy : Side::kSell, 1 + rng.below(9), id);
    kept.add(t);
    expiring.add(t);
    const Timestamp since = t.ts - Duration::millis(rng.below(501));
    const TradesAgainst order(rng.chance(0.5) ? Side::kBuy : Side::kSell, AccountId{}, universe);
    std::vector<EventRef> kept_refs, expiring_refs;
    const OppositeTrades a = kept.against(order, Price{}, since, kept_refs, 3);
    const OppositeTrades b = expiring.against(order, Price{}, since, expiring_refs, 3);
    ASSERT_EQ(a.count, b.count) << "trade " << id;
    ASSERT_EQ(a.volume, b.volume) << "trade " << id;
    ASSERT_EQ(a.truncated, b.truncated) << "trade " << id;
    truncated += a.truncated ? 1 : 0;
    ASSERT_EQ(kept_refs.size(), expiring_refs.size());
    for (size_t i = 0; i < kept_refs.size(); ++i) ASSERT_EQ(kept_refs[i].seq, expiring_refs[i].seq);
  }
  EXPECT_GT(truncated, 100u);  // the capacity was met, and told
}

// Ten trades a second over an hour, a horizon of a second: the tape keeps about ten, where a
// tape without one keeps its capacity.
TEST(TradeTape, KeepsOnlyWhatIsWithinItsHorizon) {
  TradeTape kept(4096);
  TradeTape expiring(4096, Duration::seconds(1));
  for (uint64_t i = 0; i < 36'000; ++i) {
    const Event t = trade_at(static_cast<int64_t>(i) * 100, Side::kBuy, 1, i + 1);
    kept.add(t);
    expiring.add(t);
  }
  EXPECT_EQ(kept.size(), 4096u);
  EXPECT_EQ(expiring.size(), 11u);  // 0, 100, ... 1000 ms before the newest
  size_t seen = 0;
  expiring.for_each_since(Timestamp::min(), [&](const TapeTrade&) { return ++seen < 100; });
  EXPECT_EQ(seen, 11u);
}
