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
  Price price;
  Quantity qty;
  EventRef ref;
  AccountId buyer;
  AccountId seller;
  Side aggressor = Side::kUnknown;
};

/// Whether `t` is a trade "on the other side" of a resting order of `order_side` owned by
/// `account`: with the account known, one in which that account (or another account of its
/// owner) took the other side; without it, one that executed against the other side of the
/// book, its aggressor on `order_side`. A large bid leaning on sellers shows as buys lifting
/// the offers, where the bidder's own resting offer is filled.
bool trades_against(const TapeTrade& t, Side order_side, AccountId account,
                    const Universe& universe);

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
  size_t size() const { return trades_.size(); }

  /// Calls fn(trade) for each kept trade at or after `since`, the newest first.
  template <class Fn>
  void for_each_since(Timestamp since, Fn&& fn) const {
    trades_.for_each_newest([&](const TapeTrade& t) {
      if (t.ts < since) return false;
      fn(t);
      return true;
    });
  }

  /// The trades against an order of `side` and `account` at or after `since`; up to
  /// `max_refs` of them (the newest) are appended to `refs`.
  OppositeTrades against(Side side, AccountId account, Timestamp since, const Universe& universe,
                         std::vector<EventRef>& refs, size_t max_refs) const;

 private:
  RecentRing<TapeTrade> trades_;
};

}  // namespace tw
