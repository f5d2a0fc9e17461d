// The matching engine of one simulated symbol: limit orders in price-time priority.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "model/event.hpp"

namespace tw::sim {

/// An order as an agent sends it. Prices are in ticks (whole multiples of the symbol's tick).
struct OrderRequest {
  uint64_t id = 0;  // unique within the symbol
  AccountId account;
  Side side = Side::kBuy;
  int64_t price_ticks = 0;
  int64_t qty = 0;              // whole lots
  bool immediate_only = false;  // IOC: what does not trade at once is dropped, never rests
  /// Self-match prevention, as venues offer it: an order never trades with a resting order of
  /// the same nonzero group (a firm's accounts); the resting one is pulled instead.
  uint32_t smp_group = 0;
};

/// Matches incoming orders against resting ones, best price first and, at a price, the oldest
/// first; fills at the resting order's price. Everything it does is written as the events an
/// order audit trail holds (Event, in the project's model): the resting part of an order as
/// kOrderAdd; each fill as kOrderExecute of the resting order (its side, owner and the fill's
/// price, with buyer and seller both named and the match number as `ref`); cancels as
/// kOrderCancel, or kOrderDelete for all an order has left (also for a resting order that
/// self-match prevention pulls). It never leaves the book crossed or locked.
class MatchingBook {
 public:
  /// `symbol` and `tick` stamp the events; `next_match` numbers the fills (shared by symbols so
  /// that match ids stay unique across a market).
  MatchingBook(SymbolId symbol, Price tick, uint64_t* next_match);

  /// Matches `order` at `now`, rests what is left unless it is immediate-only, and appends the
  /// events to `out`. Returns the quantity traded.
  int64_t submit(const OrderRequest& order, Timestamp now, std::vector<Event>& out);
  /// Cancels `qty` of the resting order `id` (all it has left when qty >= that); false when
  /// it does not rest here.
  bool cancel(uint64_t id, int64_t qty, Timestamp now, std::vector<Event>& out);

  bool has_bid() const { return !bids_.empty(); }
  bool has_ask() const { return !asks_.empty(); }
  /// Best prices in ticks; has_bid() / has_ask() first.
  int64_t best_bid() const { return bids_.rbegin()->first; }
  int64_t best_ask() const { return asks_.begin()->first; }
  /// The size resting at `price_ticks` on `side`.
  int64_t size_at(Side side, int64_t price_ticks) const;
  /// The size resting on `side` at its `levels` best prices (levels with orders, not ticks).
  int64_t depth(Side side, size_t levels) const;
  /// The quantity left of resting order `id`, 0 when it does not rest.
  int64_t resting_qty(uint64_t id) const;
  size_t live_orders() const { return where_.size(); }
  /// The ids of the orders resting on `side` at prices in [low, high] ticks.
  std::vector<uint64_t> orders_between(Side side, int64_t low, int64_t high) const;
  Price price_of(int64_t ticks) const { return Price::from_raw(ticks * tick_.raw()); }

 private:
  struct Resting {
    uint64_t id;
    int64_t qty;
    AccountId account;
    uint32_t smp_group;
  };
  using Level = std::deque<Resting>;
  struct Location {
    Side side;
    int64_t price_ticks;
  };

  /// Fills `order` against the other side while its price reaches; returns what is left.
  int64_t match(const OrderRequest& order, Timestamp now, std::vector<Event>& out);
  void rest(const OrderRequest& order, int64_t qty, Timestamp now, std::vector<Event>& out);
  /// Pulls the oldest order of `level` (self-match prevention).
  void pull_front(Level& level, Timestamp now, std::vector<Event>& out);
  Event event_of(EventKind kind, uint64_t id, Side side, int64_t price_ticks, int64_t qty,
                 Timestamp now) const;
  Level* level_of(const Location& at);
  void erase_level_if_empty(const Location& at);

  SymbolId symbol_;
  Price tick_;
  uint64_t* next_match_;
  std::map<int64_t, Level> bids_;  // best last
  std::map<int64_t, Level> asks_;  // best first
  std::unordered_map<uint64_t, Location> where_;
};

}  // namespace tw::sim
