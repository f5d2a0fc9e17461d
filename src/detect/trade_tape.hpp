// The recent trades of one symbol, for rules that ask what traded while an order rested.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "detect/symbol_rule.hpp"
#include "util/growable_ring.hpp"

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
  /// Whether the order's account took the other side of `t`, a trade against the order, as its
  /// aggressor (rather than having an order of its there filled).
  bool initiated(const TapeTrade& t) const {
    return account_ && side_ != Side::kUnknown && t.aggressor == opposite(side_);
  }
  /// Whether `t`, a trade against the order, printed at the order's `price` or through it.
  bool at_or_through(const TapeTrade& t, Price price) const {
    return side_ == Side::kBuy ? t.price <= price : t.price >= price;
  }

 private:
  Side side_;
  AccountId account_;
  OwnerId owner_;  // looked up once, not per trade
  const Universe* universe_;
};

/// What the tape holds on the trades against an order since a time.
struct OppositeTrades {
  uint64_t count = 0;
  /// The distinct times among those the order's account initiated (took on the other side):
  /// an order that fills against several resting orders at once prints several trades at one
  /// time, and is one decision to trade. 0 without an account.
  uint64_t initiated_times = 0;
  Timestamp newest_initiated;  // of those (meaningless when initiated_times is 0)
  /// Those at the order's own price or through it (a sell at or under its bid): the account
  /// was willing to trade where its order stood, against it.
  uint64_t through_price = 0;
  Timestamp newest;  // of those trades (meaningless when count is 0)
  Quantity volume;
  bool truncated = false;  // the tape had already let go of trades that old
};

/// The last `capacity` trades, the oldest let go first; given a horizon, also only those within
/// it of the newest. Its storage follows what it keeps: the tape of a quiet symbol with a
/// horizon stays small, and in the cache, where a ring of `capacity` would be written all the
/// way round. Storage grows (by doubling) only up to the most it has kept.
class TradeTape {
 public:
  explicit TradeTape(size_t capacity) : capacity_(capacity) {}
  /// A tape for queries that look back no further than `horizon` from the newest trade.
  TradeTape(size_t capacity, Duration horizon) : capacity_(capacity), horizon_(horizon) {}

  /// Inline: the order-flow rules that keep a tape add every print of their symbol.
  void add(const Event& trade) {
    if (trades_.size() == capacity_) trades_.pop_front();
    if (horizon_) {
      const Timestamp oldest = trade.ts - *horizon_;
      while (!trades_.empty() && trades_.front().ts < oldest) trades_.pop_front();
    }
    TapeTrade& t = trades_.push_slot();
    t.ts = trade.ts;
    t.price = trade.price;
    t.qty = trade.qty;
    t.ref = EventRef::of(trade);
    t.buyer = trade.buyer;
    t.seller = trade.seller;
    t.aggressor = trade.side;
  }

  /// Calls fn(trade) for each kept trade at or after `since`, the newest first, while it
  /// returns true.
  template <class Fn>
  void for_each_since(Timestamp since, Fn&& fn) const {
    for (uint64_t i = trades_.end_index(); i-- != trades_.begin_index();) {
      const TapeTrade& t = trades_.at(i);
      if (t.ts < since || !fn(t)) return;
    }
  }

  /// The trades against an order of `side` and `account` at `price` at or after `since`; up to
  /// `max_refs` of them (the newest) are appended to `refs`. With a horizon, `since` is at most
  /// that far before the newest trade.
  OppositeTrades against(const TradesAgainst& order, Price price, Timestamp since,
                         std::vector<EventRef>& refs, size_t max_refs) const;

  size_t size() const { return trades_.size(); }

 private:
  GrowableRing<TapeTrade> trades_{16};
  size_t capacity_;
  std::optional<Duration> horizon_;
};

}  // namespace tw
