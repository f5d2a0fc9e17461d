#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "detect/fill_log.hpp"

using namespace tw;

namespace {

struct ModelFill {
  uint64_t seq;
  uint32_t owner;
  int side;
  int64_t units;
  Timestamp ts;
  bool alive = true;
};

/// The waiting fills of `owner` and `units` with a time from `oldest` on, by walking their
/// chain as wash.round_trip does: newest first, passing fills of other keys and dead ones.
std::vector<uint64_t> walk(FillLog& log, uint32_t owner, int64_t units, Timestamp oldest) {
  std::vector<uint64_t> seqs;
  Quantity qty = Quantity::from_units(units);
  for (FillLog::Position i = log.head(OwnerId{owner}, qty); log.may_pair(i, oldest);
       i = log.next(i)) {
    const FillKey& k = log.key(i);
    if (k.owner_side == 0 || k.owner().value != owner || k.qty != qty) continue;
    seqs.push_back(log.names(i).seq);
  }
  return seqs;
}

std::vector<uint64_t> expected(const std::vector<ModelFill>& fills, uint32_t owner, int64_t units,
                               Timestamp oldest) {
  std::vector<uint64_t> seqs;
  for (auto it = fills.rbegin(); it != fills.rend() && it->ts >= oldest; ++it) {
    if (it->alive && it->owner == owner && it->units == units) seqs.push_back(it->seq);
  }
  return seqs;
}

/// Random fills of 6 owners in 3 sizes, 0-100 ms apart, with a 2 s window: after each, every
/// chain must hold exactly the live fills of its key within the window. Some fills die (as
/// paired ones do). `tick_every` > 0 expires fills every that many fills, as the engine's
/// ticks do; 0 leaves expiry to the log filling up. A low `renumber_from` renumbers the
/// positions many times over.
void check_against_model(int tick_every, FillLog::Position renumber_from) {
  FillLog log(/*by_quantity=*/true, renumber_from);
  const Duration window = Duration::seconds(2);
  std::vector<ModelFill> fills;
  uint64_t x = 11;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  Timestamp ts = Timestamp::from_nanos(1'700'000'000'000'000'000);
  for (uint64_t seq = 1; seq <= 20'000; ++seq) {
    ts = ts + Duration::millis(static_cast<int64_t>(next() % 100));
    const Timestamp oldest = ts - window;
    if (tick_every > 0 && seq % static_cast<uint64_t>(tick_every) == 0) log.expire_before(oldest);
    ModelFill f{seq, static_cast<uint32_t>(next() % 6), static_cast<int>(next() % 2),
                static_cast<int64_t>(1 + next() % 3), ts};
    Event e;
    e.ts = ts;
    e.price = Price::from_units(100);
    e.qty = Quantity::from_units(f.units);
    e.seq = seq;
    e.id = ExternalId::number(seq);
    OwnerId owner{f.owner};
    FillLog::Position& head = log.head(owner, e.qty);
    log.add(e, owner, f.side, AccountId{f.owner + 1}, FillContext{}, head, oldest);
    fills.push_back(f);
    // One fill in five of those still findable dies, found by walking its chain.
    if (next() % 5 == 0) {
      ModelFill& victim = fills[fills.size() - 1 - next() % std::min<size_t>(fills.size(), 30)];
      Quantity qty = Quantity::from_units(victim.units);
      for (FillLog::Position i = log.head(OwnerId{victim.owner}, qty); log.may_pair(i, oldest);
           i = log.next(i)) {
        if (log.names(i).seq == victim.seq) {
          log.key(i).owner_side = 0;
          victim.alive = false;
        }
      }
    }
    for (uint32_t o = 0; o < 6; ++o) {
      for (int64_t units = 1; units <= 3; ++units) {
        ASSERT_EQ(walk(log, o, units, oldest), expected(fills, o, units, oldest))
            << "after fill " << seq << ", owner " << o << ", size " << units;
      }
    }
  }
}

TEST(FillLog, ChainsHoldTheLiveFillsOfTheirKeyWithinTheWindow) {
  check_against_model(/*tick_every=*/7, FillLog::kDefaultRenumberFrom);
}

TEST(FillLog, ChainsStayRightWhenOnlyAFullLogExpiresFills) {
  check_against_model(/*tick_every=*/0, FillLog::kDefaultRenumberFrom);
}

TEST(FillLog, RenumberingKeepsEveryChain) {
  check_against_model(/*tick_every=*/7, /*renumber_from=*/200);
  check_against_model(/*tick_every=*/0, /*renumber_from=*/200);
}

}  // namespace
