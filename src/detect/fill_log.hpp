// The recent fills of one symbol that a round trip may still pair, chained by owner and size.
#pragma once

#include <cstdint>
#include <vector>

#include "model/event.hpp"
#include "model/universe.hpp"
#include "util/hash.hpp"

namespace tw {

/// What pairing reads of a fill: 32 bytes, two to a cache line.
struct FillKey {
  Timestamp ts;
  Price price;
  Quantity qty;
  uint32_t owner_side = 0;  // (owner + 1) * 2 + side; 0 once it paired or was dropped
  uint32_t back = 0;        // distance to the next older fill of its chain; 0 ends the chain

  static uint32_t of(OwnerId owner, int side) {
    return (owner.value + 1) * 2 + static_cast<uint32_t>(side);
  }
  OwnerId owner() const { return OwnerId{owner_side / 2 - 1}; }
};
static_assert(sizeof(FillKey) == 32);

/// Who a fill was with and how, as far as the trade tells: what pairing asks of a fill beyond
/// its key.
struct FillContext {
  OwnerId counterparty;      // the owner on the other side of the trade; none when not known
  bool resting = false;      // the owner's order rested and was taken (not the aggressor)
  bool roles_known = false;  // the trade names its aggressor, so `resting` says who took
  // The trade's resting order waited in the book longer than the rule's max_resting_age
  // before it was taken; false when its placement is not known.
  bool waited = false;
};

/// What names a fill in an alert, read only when it pairs.
struct FillNames {
  ExternalId id;
  uint64_t seq = 0;
  AccountId account;
  FillContext context;
};

/// The fills of one symbol in trade order, kept while they may still pair (their time within
/// the window of event time, give or take a tick), so memory follows the trades within a
/// window. Fills that may pair with each other, those of one owner and (when only equal
/// quantities pair) one quantity, are chained newest first from a hashed head: a trade reads
/// its own chain, which holds a few fills, and stops at the first too old to pair. Fills are
/// written in sequence, so storing one costs no cache miss. Keys and names sit in two rings at
/// the same positions: walking a chain reads keys alone.
///
/// Positions count from 1, so 0 (kNone) is below every usable position. Fills before the
/// usable ones are never read again, so their places are free. The usable ones are moved on
/// once per tick of event time (and when the log is full), not per trade: a chain may then
/// end in fills that left the window since, so a walk also stops at the first too old.
///
/// Positions are 32-bit, so the heads take half the cache they would at 64 (measured: the
/// rules phase about 2% faster). Once the newest passes `renumber_from`, every position moves down
/// by a whole number of rings, which keeps each fill in its slot.
class FillLog {
 public:
  using Position = uint32_t;
  static constexpr Position kNone = 0;
  static constexpr Position kDefaultRenumberFrom = Position{1} << 31;

  explicit FillLog(bool by_quantity, Position renumber_from = kDefaultRenumberFrom);

  /// The newest fill of the chain of `owner` and `qty`; the chain holds none that may pair
  /// when it is not usable().
  Position& head(OwnerId owner, Quantity qty) { return heads_[bucket(owner, qty)]; }
  /// Whether head `i` names a fill still in the log.
  bool usable(Position i) const { return i >= usable_; }
  /// Whether head `i` names a fill that may pair with a trade whose window starts at `oldest`.
  bool may_pair(Position i, Timestamp oldest) { return usable(i) && key(i).ts >= oldest; }

  /// Event time reached `oldest_usable` + the window: fills before it can pair no more, and
  /// leave the log in groups of kExpiryGroup (the rest at a later call).
  void expire_before(Timestamp oldest_usable);

  FillKey& key(Position i) { return keys_[i & mask_]; }
  const FillNames& names(Position i) const { return names_[i & mask_]; }
  /// The fill after usable fill `i` in its chain, or kNone when the chain ends or goes on to
  /// a fill no longer in the log (whose position renumbering may have taken below 1).
  Position next(Position i) {
    Position back = key(i).back;
    // back == 0 wraps to the largest value: one unsigned compare covers both ends.
    return back - 1 >= i - usable_ ? kNone : i - back;
  }
  /// Makes `to` follow `i` in its chain; a fill no longer in the log (or kNone) ends it
  /// there, so a distance never reaches further back than the log holds.
  void link(Position i, Position to) { key(i).back = usable(to) ? i - to : 0; }

  /// Stores the fill of `e` for `account` (in `context`) at the head of its chain, `head` being
  /// head(owner, e.qty); `oldest` starts the window of `e`.
  void add(const Event& e, OwnerId owner, int side, AccountId account, FillContext context,
           Position& head, Timestamp oldest) {
    Position* first = &head;
    if (end_ - usable_ == capacity_) [[unlikely]]
      first = make_room(owner, e.qty, oldest);
    Position i = end_++;
    FillKey& k = key(i);
    k.ts = e.ts;
    k.price = e.price;
    k.qty = e.qty;
    k.owner_side = FillKey::of(owner, side);
    link(i, *first);
    *first = i;
    FillNames& n = names_[i & mask_];
    n.id = e.id;
    n.seq = e.seq;
    n.account = account;
    n.context = context;
  }

 private:
  static constexpr Position kInitialCapacity = 64;
  static constexpr Position kExpiryGroup = 8;
  // Positions stay below renumber_from + capacity; capacity is held well below 2^31.
  static constexpr Position kMaxCapacity = Position{1} << 30;

  size_t bucket(OwnerId owner, Quantity qty) const {
    uint64_t q = by_quantity_ ? static_cast<uint64_t>(qty.raw()) : 0;
    // Quantities are far from random (round lots): they are spread once before the owner
    // joins them, and the index's multiply spreads the owner's low bits and theirs alike.
    return fibonacci_index((q * kGoldenRatio64) ^ owner.value, shift_);
  }
  // A full log first lets go of the fills that left the window, then grows. Returns the
  // head of `owner` and `qty`, which moves when the log grows.
  [[gnu::noinline]] Position* make_room(OwnerId owner, Quantity qty, Timestamp oldest);
  void expire_all_before(Timestamp oldest_usable);
  void check_renumber();
  [[gnu::noinline]] void resize(Position capacity);
  [[gnu::noinline]] void renumber();

  bool by_quantity_;
  Position renumber_from_;
  std::vector<FillKey> keys_;
  std::vector<FillNames> names_;
  std::vector<Position> heads_;
  Position usable_ = 1;  // the oldest fill that may still pair
  Position end_ = 1;     // one past the newest
  Position capacity_ = 0;
  Position mask_ = 0;  // capacity_ - 1
  int shift_ = 64;     // 64 - log2(heads_.size())
};

}  // namespace tw
