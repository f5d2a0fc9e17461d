// The limit order book of one symbol: every resting order, by price level in time priority.
#pragma once

#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "model/event.hpp"
#include "util/keyed_pool.hpp"

namespace tw {

/// One price level as the book shows it: its price, total size and number of known orders.
struct BookLevel {
  Price price;
  Quantity qty;
  uint32_t orders = 0;
};

/// A resting order as the book holds it.
struct RestingOrder {
  Side side = Side::kUnknown;
  Price price;
  Quantity qty;  // size left
  AccountId account;
  Timestamp added;    // event time of its add (or of the replace that made it)
  Quantity size;      // size when added
  Quantity executed;  // traded so far
};

/// What the book met that a clean feed would not have: each is counted, none stops it.
struct BookDiagnostics {
  uint64_t unknown_order = 0;   // cancel, delete or execute of an order never added
  uint64_t seeded_reduced = 0;  // ... of which reduced a level's seeded (unattributed) size
  uint64_t duplicate_add = 0;   // an add whose id is already resting (ignored)
  uint64_t overfill = 0;        // a cancel or execution larger than the order's size left
  uint64_t crossed = 0;         // events after which the best bid was above the best ask
  uint64_t locked = 0;          // ... after which best bid and best ask were equal
  uint64_t levels_adopted = 0;  // levels whose size was taken from outside (set_level)
  uint64_t orders_dropped = 0;  // ... whose known orders held more, so some were dropped
  uint64_t stale_levels = 0;    // levels a depth-limited feed's price proved gone
  uint64_t stale_orders = 0;    // ... and the known orders they held
  uint64_t crossed_ns = 0;      // event time (ns) the book spent crossed
  uint64_t locked_ns = 0;       // ... and locked

  BookDiagnostics& operator+=(const BookDiagnostics& o);
};

/// Every BookDiagnostics counter with the name reports and the run store give it: a new
/// counter is one line here, and the static_assert below fails until it is added.
struct BookDiagnosticsField {
  std::string_view name;
  uint64_t BookDiagnostics::*counter;
};
inline constexpr BookDiagnosticsField kBookDiagnosticsFields[] = {
    {"unknown_order", &BookDiagnostics::unknown_order},
    {"seeded_reduced", &BookDiagnostics::seeded_reduced},
    {"duplicate_add", &BookDiagnostics::duplicate_add},
    {"overfill", &BookDiagnostics::overfill},
    {"crossed", &BookDiagnostics::crossed},
    {"locked", &BookDiagnostics::locked},
    {"levels_adopted", &BookDiagnostics::levels_adopted},
    {"orders_dropped", &BookDiagnostics::orders_dropped},
    {"stale_levels", &BookDiagnostics::stale_levels},
    {"stale_orders", &BookDiagnostics::stale_orders},
    {"crossed_ns", &BookDiagnostics::crossed_ns},
    {"locked_ns", &BookDiagnostics::locked_ns},
};
static_assert(sizeof(BookDiagnostics) == std::size(kBookDiagnosticsFields) * sizeof(uint64_t),
              "a BookDiagnostics counter is missing from kBookDiagnosticsFields");

inline BookDiagnostics& BookDiagnostics::operator+=(const BookDiagnostics& o) {
  for (const BookDiagnosticsField& field : kBookDiagnosticsFields) {
    this->*field.counter += o.*field.counter;
  }
  return *this;
}

/// Full depth by order with price-time priority. Orders are found by id in O(1) (an open
/// addressing index into a pool of order slots), and levels by price the same way; each order
/// knows its level's slot, so a message about an order finds its level without a search. Per
/// side, an array of (price, slot) sorted with the best at the back keeps the levels in order:
/// it changes only when a level appears or empties, mostly near the top. Slots, indexes and
/// arrays grow when needed and are reused: an event allocates nothing once the book has grown
/// to its working size.
class OrderBook {
 public:
  /// Applies an order event (add, cancel, delete, replace, execute); ignores other kinds. An
  /// event flagged event_flags::kDepthLimited first drops the levels its price proves stale
  /// (drop_stale_levels).
  void apply(const Event& e);

  /// Asks the cache for what apply(e) will read, in two steps taken some events ahead of it:
  /// `first` the index lines of its order (and, for an add, its level), then, once they have
  /// arrived, the records they point to.
  void prefetch(const Event& e, bool first) const;

  size_t depth(Side side) const { return levels(side).sorted.size(); }
  /// The level `i` places from the best (0 = best); i < depth(side).
  BookLevel level(Side side, size_t i) const {
    const SideLevels& side_levels = levels(side);
    const Level& l =
        side_levels.by_price[side_levels.sorted[side_levels.sorted.size() - 1 - i].slot];
    return {l.price(), Quantity::from_raw(l.qty), l.orders};
  }
  /// The best price of `side` (depth(side) > 0), read without the level's record.
  Price best_price(Side side) const { return levels(side).sorted.back().price; }
  /// The size at `price`, 0 when the side has no level there.
  Quantity size_at(Side side, Price price) const;
  /// Total size of the best `levels` levels of `side`.
  Quantity depth_within(Side side, size_t levels) const;
  /// How many levels of `side` are better than `price` (0: `price` is at or beyond the best).
  size_t levels_better_than(Side side, Price price) const;
  /// Size resting at `price` in orders of `account` (a walk over the level's orders).
  Quantity account_size_at(Side side, Price price, AccountId account) const;
  /// Makes the level at `price` total `qty`, as a provider's book snapshot tells it: the size
  /// of resting orders the feed never showed is added, and known orders beyond it (gone
  /// unseen) are dropped, the oldest first.
  void set_level(Side side, Price price, Quantity qty);

  /// The resting order `id`, or false when it is not in the book.
  bool find(const ExternalId& id, RestingOrder& out) const;

  /// The order the last event applied took out of the book whole (a delete, a cancel or
  /// execution of all it had left, the old order of a replace) as it was just before, with
  /// its last execution counted; null when that event removed none. Rules see an event after
  /// the book applied it, so this is where they find what the order was.
  const RestingOrder* removed_by_last_event() const { return has_removed_ ? &removed_ : nullptr; }
  /// The order the last event applied was about (an add, cancel, delete, replace or execute of
  /// an order the book knew): as it rests now, or as removed_by_last_event() tells it when the
  /// event took it out. False when the book did not know it. The engine and the rules read an
  /// event's order here rather than look it up again.
  bool order_of_last_event(RestingOrder& out) const;
  /// The owner of the order the last event applied was about, as order_of_last_event() tells
  /// it, without copying the order; none when the book did not know it.
  AccountId owner_of_last_event() const {
    if (has_removed_) return removed_.account;
    return touched_ == kNoOrder ? AccountId{} : orders_[touched_].account;
  }
  /// Whether the last event applied named an order the book never held (counted in
  /// diagnostics().unknown_order).
  bool last_event_unknown() const { return last_unknown_; }

  size_t live_orders() const { return orders_.size(); }
  const BookDiagnostics& diagnostics() const { return diagnostics_; }

 private:
  // The pools' "no slot", so that their lookups compare with it directly.
  static constexpr uint32_t kNoOrder = 0xffffffff;
  static_assert(kNoOrder == KeyedPool<int>::kNone);

  // Orders and levels start on a cache line, each within one: the pools' storage came from the
  // allocator 16 bytes past a line, so every 64-byte order straddled two lines and a message
  // read or wrote both (and the prefetch asked for only the first).
  struct alignas(64) Order {
    uint64_t key = 0;
    int64_t qty = 0;  // raw size left
    Side side = Side::kUnknown;
    AccountId account;
    uint32_t level = kNoOrder;                  // its level's slot in its side's pool
    uint32_t prev = kNoOrder, next = kNoOrder;  // within its level, oldest first
    Timestamp added;
    int64_t size = 0;      // raw size when added
    int64_t executed = 0;  // raw size traded
  };
  static_assert(sizeof(Order) == 64);
  struct alignas(64) Level {
    uint64_t key = 0;          // the price's raw value: the pool's key
    int64_t qty = 0;           // raw total, known orders and unattributed size
    int64_t unattributed = 0;  // raw size of orders the feed never showed
    uint32_t orders = 0;
    uint32_t head = kNoOrder, tail = kNoOrder;
    uint32_t attributed_head = kNoOrder;  // the newest of its orders with an account

    Price price() const { return Price::from_raw(static_cast<int64_t>(key)); }
  };
  // A level's place in its side's order.
  struct LevelRef {
    Price price;
    uint32_t slot = kNoOrder;
  };
  struct SideLevels {
    KeyedPool<Level> by_price{64};
    std::vector<LevelRef> sorted;  // bids ascending, asks descending: the best last
  };
  // The chain of a level's orders with an account, by slot: kept apart from Order, which
  // stays one cache line, and touched only for such orders (ITCH F adds).
  struct AttributedLinks {
    uint32_t prev = kNoOrder, next = kNoOrder;
  };

  const SideLevels& levels(Side side) const { return side == Side::kBuy ? bids_ : asks_; }
  SideLevels& levels(Side side) { return side == Side::kBuy ? bids_ : asks_; }
  static uint64_t price_key(Price price) { return static_cast<uint64_t>(price.raw()); }
  /// Where the level at `price` is, or would go, in `side`'s sorted array.
  size_t level_position(Side side, Price price) const;
  /// The slot of the level at `price`, or kNoOrder.
  uint32_t find_level(Side side, Price price) const;
  /// The slot of the level at `price`, made empty when there was none.
  uint32_t level_for(Side side, Price price);
  Level& level_at(Side side, uint32_t slot) { return levels(side).by_price[slot]; }
  const Level& level_at(Side side, uint32_t slot) const { return levels(side).by_price[slot]; }
  /// Takes the level in `slot` out of its side when it holds nothing any more.
  void erase_level_if_empty(Side side, uint32_t slot);

  void add(const Event& e);
  void reduce(const Event& e, bool remove_all);
  void replace(const Event& e);
  void reduce_unknown(const Event& e, bool remove_all);
  int64_t take_from_order(uint32_t slot, int64_t qty);
  /// Unlinks the order in `slot` from its level, and erases the level if empty.
  void remove_order(uint32_t slot);
  void link_attributed(uint32_t slot, Level& l);
  void unlink_attributed(uint32_t slot, Level& l);
  /// Removes a known order that left the book unseen, with what it had left.
  void drop_order(uint32_t slot);
  /// Keeps what the order in `slot` is now as removed_by_last_event().
  void note_removal(uint32_t slot);
  void count_unknown();
  RestingOrder resting(const Order& o) const;
  void drop_stale_levels(const Event& e);
  /// Drops the best level of `side`, orders and unattributed size: it left the book unseen.
  void drop_best_level(Side side);
  void count_crossing(Timestamp now);
  /// Adds the time since crossing_since_ to the crossed or locked time, and clears crossing_.
  void end_crossing(Timestamp now);

  enum class Crossing : uint8_t { kNone, kLocked, kCrossed };

  uint32_t find_order(uint64_t key) const { return orders_.find(key); }

  SideLevels bids_;
  SideLevels asks_;
  KeyedPool<Order> orders_;
  std::vector<AttributedLinks> attributed_;  // by slot, valid for orders with an account
  BookDiagnostics diagnostics_;
  RestingOrder removed_;
  bool has_removed_ = false;
  uint32_t touched_ = kNoOrder;  // the slot of the last event's order, while it rests
  bool last_unknown_ = false;
  Crossing crossing_ = Crossing::kNone;  // after the last order event
  Timestamp crossing_since_;             // when the book became crossed or locked
};

// Inline: the engine calls it twice per event.
inline void OrderBook::prefetch(const Event& e, bool first) const {
  const uint64_t key = e.id.lookup_key();
  const bool add = e.kind == EventKind::kOrderAdd;
  const bool sided = e.side == Side::kBuy || e.side == Side::kSell;
  if (first) {
    orders_.prefetch_index(key);  // where an add's id goes in, or the others' is found
    if (add && sided) levels(e.side).by_price.prefetch_index(price_key(e.price));
  } else if (add) {
    if (sided) levels(e.side).by_price.prefetch_record(price_key(e.price));
  } else {
    orders_.prefetch_record(key);
  }
}

}  // namespace tw
