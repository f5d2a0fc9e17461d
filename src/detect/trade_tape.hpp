// The recent trades of one symbol, for rules that ask what traded while an order rested.
#pragma once

#include <cstdint>
#include <vector>

#include "detect/symbol_rule.hpp"
#include "util/recent_ring.hpp"

namespace tw {

/// A trade as the tape keeps it.
struct TapeTrade {
  Timestamp ts;
  Quantity qty;
  EventRef ref;
  AccountId buyer;
  AccountId seller;
  Side aggressor = Side::kUnknown;
};

/// Which trades go "against" a resting order of `order_side` owned by `account`: with the
/// account known, those in which that account (or another account of its owner) took the other
/// side; without it, those that executed against the other side of the book, their aggressor on
/// `order_side`. A large bid leaning on sellers shows as buys lifting the offers, where the
/// bidder's own resting offer is filled.
class TradesAgainst {
 public:
  TradesAgainst(Side order_side, AccountId account, const Universe& universe)
      : side_(order_side),
        account_(account),
        owner_(universe.owner_of(account)),
        universe_(&universe) {}
  bool operator()(const TapeTrade& t) const;

 private:
  Side side_;
  AccountId account_;
  OwnerId owner_;  // looked up once, not per trade
  const Universe* universe_;
};

/// What the tape holds on the trades against an order since a time.
struct OppositeTrades {
  uint64_t count = 0;
  Quantity volume;
  bool truncated = false;  // the tape had already let go of trades that old
};

/// The last `capacity` trades, oldest overwritten first; nothing is allocated after creation.
class TradeTape {
 public:
  explicit TradeTape(size_t capacity) : trades_(capacity) {}

  void add(const Event& trade);

  /// Calls fn(trade) for each kept trade at or after `since`, the newest first, while it
  /// returns true.
  template <class Fn>
  void for_each_since(Timestamp since, Fn&& fn) const {
    trades_.for_each_newest([&](const TapeTrade& t) { return t.ts >= since && fn(t); });
  }

  /// The trades against an order of `side` and `account` at or after `since`; up to
  /// `max_refs` of them (the newest) are appended to `refs`.
  OppositeTrades against(const TradesAgainst& order, Timestamp since, std::vector<EventRef>& refs,
                         size_t max_refs) const;

 private:
  RecentRing<TapeTrade> trades_;
};

}  // namespace tw
