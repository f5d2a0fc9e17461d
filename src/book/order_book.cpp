#include "book/order_book.hpp"

#include <algorithm>

namespace tw {

void OrderBook::apply(const Event& e) {
  has_removed_ = false;
  touched_ = kNoOrder;
  last_unknown_ = false;
  if (!e.is_order_event()) return;
  if ((e.flags & event_flags::kDepthLimited) != 0) drop_stale_levels(e);
  switch (e.kind) {
    case EventKind::kOrderAdd:
      add(e);
      break;
    case EventKind::kOrderCancel:
    case EventKind::kOrderExecute:
      reduce(e, /*remove_all=*/false);
      break;
    case EventKind::kOrderDelete:
      reduce(e, /*remove_all=*/true);
      break;
    case EventKind::kOrderReplace:
      replace(e);
      break;
    default:
      return;
  }
  count_crossing(e.ts);
}

BookLevel OrderBook::level(Side side, size_t i) const {
  const Levels& side_levels = levels(side);
  const Level& l = side_levels[side_levels.size() - 1 - i];
  return {l.price, Quantity::from_raw(l.qty), l.orders};
}

bool OrderBook::find(const ExternalId& id, RestingOrder& out) const {
  uint32_t slot = find_order(id.lookup_key());
  if (slot == kNoOrder) return false;
  out = resting(orders_[slot]);
  return true;
}

Quantity OrderBook::depth_within(Side side, size_t levels_wanted) const {
  const Levels& side_levels = levels(side);
  const size_t n = std::min(levels_wanted, side_levels.size());
  int64_t total = 0;
  for (size_t i = side_levels.size() - n; i < side_levels.size(); ++i) total += side_levels[i].qty;
  return Quantity::from_raw(total);
}

size_t OrderBook::levels_better_than(Side side, Price price) const {
  const Levels& side_levels = levels(side);
  const size_t at = level_position(side, price);
  const bool here = at < side_levels.size() && side_levels[at].price == price;
  return side_levels.size() - at - (here ? 1 : 0);
}

Quantity OrderBook::account_size_at(Side side, Price price, AccountId account) const {
  const Levels& side_levels = levels(side);
  const size_t at = level_position(side, price);
  if (at >= side_levels.size() || side_levels[at].price != price) return Quantity{};
  int64_t total = 0;
  if (!account) {
    for (uint32_t o = side_levels[at].head; o != kNoOrder; o = orders_[o].next) {
      if (!orders_[o].account) total += orders_[o].qty;
    }
    return Quantity::from_raw(total);
  }
  // Only the level's orders with an account: a busy level holds few of them.
  for (uint32_t o = side_levels[at].attributed_head; o != kNoOrder; o = attributed_[o].next) {
    if (orders_[o].account == account) total += orders_[o].qty;
  }
  return Quantity::from_raw(total);
}

RestingOrder OrderBook::resting(const Order& o) const {
  return {o.side,
          o.price,
          Quantity::from_raw(o.qty),
          o.account,
          o.added,
          Quantity::from_raw(o.size),
          Quantity::from_raw(o.executed)};
}

void OrderBook::count_unknown() {
  ++diagnostics_.unknown_order;
  last_unknown_ = true;
}

bool OrderBook::order_of_last_event(RestingOrder& out) const {
  if (has_removed_) {
    out = removed_;
    return true;
  }
  if (touched_ == kNoOrder) return false;
  out = resting(orders_[touched_]);
  return true;
}

void OrderBook::note_removal(uint32_t slot) {
  removed_ = resting(orders_[slot]);
  has_removed_ = true;
}

Quantity OrderBook::size_at(Side side, Price price) const {
  const Levels& side_levels = levels(side);
  size_t at = level_position(side, price);
  bool found = at < side_levels.size() && side_levels[at].price == price;
  return Quantity::from_raw(found ? side_levels[at].qty : 0);
}

// Bids ascend and asks descend, so that on both sides the best level is the last.
size_t OrderBook::level_position(Side side, Price price) const {
  const Levels& side_levels = levels(side);
  auto first_not_below = [&](auto below) {
    return static_cast<size_t>(
        std::lower_bound(side_levels.begin(), side_levels.end(), price, below) -
        side_levels.begin());
  };
  if (side == Side::kBuy) {
    return first_not_below([](const Level& l, Price p) { return l.price < p; });
  }
  return first_not_below([](const Level& l, Price p) { return l.price > p; });
}

OrderBook::Level* OrderBook::find_level(Side side, Price price) {
  Levels& side_levels = levels(side);
  size_t at = level_position(side, price);
  return at < side_levels.size() && side_levels[at].price == price ? &side_levels[at] : nullptr;
}

OrderBook::Level& OrderBook::level_for(Side side, Price price) {
  Levels& side_levels = levels(side);
  size_t at = level_position(side, price);
  if (at == side_levels.size() || side_levels[at].price != price) {
    Level fresh;
    fresh.price = price;
    side_levels.insert(side_levels.begin() + static_cast<std::ptrdiff_t>(at), fresh);
  }
  return side_levels[at];
}

void OrderBook::erase_level_if_empty(Side side, Price price) {
  Levels& side_levels = levels(side);
  size_t at = level_position(side, price);
  if (at < side_levels.size() && side_levels[at].price == price && side_levels[at].qty <= 0 &&
      side_levels[at].orders == 0) {
    side_levels.erase(side_levels.begin() + static_cast<std::ptrdiff_t>(at));
  }
}

void OrderBook::add(const Event& e) {
  if (e.side != Side::kBuy && e.side != Side::kSell) return;
  const uint64_t key = e.id.lookup_key();
  const uint32_t slot = orders_.try_insert(key);
  if (slot == kNoOrder) {
    ++diagnostics_.duplicate_add;
    return;
  }
  touched_ = slot;
  Order& o = orders_[slot];
  o = Order{key, e.price, e.qty.raw(), e.side, e.account, kNoOrder, kNoOrder, e.ts, e.qty.raw(), 0};
  Level& l = level_for(e.side, e.price);
  o.prev = l.tail;
  if (l.tail != kNoOrder) orders_[l.tail].next = slot;
  if (l.head == kNoOrder) l.head = slot;
  l.tail = slot;
  ++l.orders;
  l.qty += o.qty;
  if (o.account) link_attributed(slot, l);
}

void OrderBook::link_attributed(uint32_t slot, Level& l) {
  if (slot >= attributed_.size()) attributed_.resize(slot + 1);
  attributed_[slot] = {kNoOrder, l.attributed_head};
  if (l.attributed_head != kNoOrder) attributed_[l.attributed_head].prev = slot;
  l.attributed_head = slot;
}

void OrderBook::unlink_attributed(uint32_t slot, Level& l) {
  const AttributedLinks links = attributed_[slot];
  if (links.prev != kNoOrder) attributed_[links.prev].next = links.next;
  if (links.next != kNoOrder) attributed_[links.next].prev = links.prev;
  if (l.attributed_head == slot) l.attributed_head = links.next;
}

// A cancel or execution takes `e.qty` off the order; a delete takes what is left.
void OrderBook::reduce(const Event& e, bool remove_all) {
  uint32_t slot = find_order(e.id.lookup_key());
  if (slot == kNoOrder) return reduce_unknown(e, remove_all);
  Order& o = orders_[slot];
  const int64_t left = o.qty;
  if (!remove_all && e.qty.raw() > left) ++diagnostics_.overfill;
  const int64_t taken = remove_all ? left : std::min(e.qty.raw(), left);
  if (e.kind == EventKind::kOrderExecute) o.executed += taken;
  if (taken == left) note_removal(slot);
  touched_ = slot;  // read only while has_removed_ is false: the order still rests
  take_from_order(slot, taken);
}

// Takes up to `qty` off the order and its level; an order left with nothing leaves the book.
int64_t OrderBook::take_from_order(uint32_t slot, int64_t qty) {
  Order& o = orders_[slot];
  const int64_t taken = std::min(qty, o.qty);
  Levels& side_levels = levels(o.side);
  const size_t at = level_position(o.side, o.price);
  side_levels[at].qty -= taken;
  o.qty -= taken;
  if (o.qty == 0) remove_order(slot, side_levels, at);
  return taken;
}

// Orders resting before the feed began are known only as seeded level sizes: a message about
// one, when it names its price and side (LOBSTER's do), comes off that size. When the seeded
// size is short of it, the level's size was set from a snapshot that left known orders in
// place of this one (see set_level): those, the oldest first, make up the rest.
void OrderBook::reduce_unknown(const Event& e, bool remove_all) {
  count_unknown();
  if (e.side != Side::kBuy && e.side != Side::kSell) return;
  Level* l = find_level(e.side, e.price);
  if (l == nullptr) return;
  int64_t left = remove_all && !e.qty.is_positive() ? l->unattributed : e.qty.raw();
  int64_t from_seeded = std::min(left, l->unattributed);
  if (from_seeded > 0) ++diagnostics_.seeded_reduced;
  l->unattributed -= from_seeded;
  l->qty -= from_seeded;
  left -= from_seeded;
  for (; left > 0 && l != nullptr && l->head != kNoOrder; l = find_level(e.side, e.price)) {
    ++diagnostics_.orders_dropped;
    left -= take_from_order(l->head, left);
  }
  erase_level_if_empty(e.side, e.price);
}

// The order `e.id` leaves the book and `e.ref` takes its place at the new price and size,
// behind the orders already there (it loses its time priority).
void OrderBook::replace(const Event& e) {
  uint32_t slot = find_order(e.id.lookup_key());
  if (slot == kNoOrder) {
    count_unknown();
    return;
  }
  const Side side = orders_[slot].side;
  const AccountId owner = e.account ? e.account : orders_[slot].account;
  note_removal(slot);
  take_from_order(slot, orders_[slot].qty);
  Event added = e;
  added.kind = EventKind::kOrderAdd;
  added.id = e.ref;
  added.side = side;
  added.account = owner;  // the order lives on under its new id
  add(added);
}

void OrderBook::remove_order(uint32_t slot, Levels& side_levels, size_t at) {
  Order& o = orders_[slot];
  Level& l = side_levels[at];
  if (o.prev != kNoOrder) orders_[o.prev].next = o.next;
  if (o.next != kNoOrder) orders_[o.next].prev = o.prev;
  if (l.head == slot) l.head = o.next;
  if (l.tail == slot) l.tail = o.prev;
  if (o.account) unlink_attributed(slot, l);
  --l.orders;
  orders_.erase(slot);
  if (l.qty <= 0 && l.orders == 0)
    side_levels.erase(side_levels.begin() + static_cast<std::ptrdiff_t>(at));
}

// Known orders beyond the size given left the book unseen (a depth-limited feed does not show
// what happens below its depth). Which is unknowable; the simplest account of the change is
// taken: when the level shrank by exactly one known order's size, that order left; beyond
// that, known orders over the size given go oldest first, as the ones that had longest to go
// (the newest may have just been added by the message in hand).
void OrderBook::set_level(Side side, Price price, Quantity qty) {
  ++diagnostics_.levels_adopted;
  const int64_t target = qty.raw();
  if (Level* l = find_level(side, price)) {
    const int64_t shrunk = l->qty - target;
    uint32_t exact = kNoOrder;
    for (uint32_t o = l->head; shrunk > 0 && o != kNoOrder && exact == kNoOrder;
         o = orders_[o].next) {
      if (orders_[o].qty == shrunk) exact = o;
    }
    if (exact != kNoOrder) drop_order(exact);
  }
  for (Level* l = find_level(side, price); l != nullptr && l->qty - l->unattributed > target;
       l = find_level(side, price)) {
    drop_order(l->head);
  }
  Level& l = level_for(side, price);
  const int64_t known = l.qty - l.unattributed;
  l.unattributed = target - known;
  l.qty = target;
  erase_level_if_empty(side, price);
}

void OrderBook::drop_order(uint32_t slot) {
  ++diagnostics_.orders_dropped;
  take_from_order(slot, orders_[slot].qty);
}

// A depth-limited feed (a LOBSTER level-N file) tells only what touches its top levels, so an
// order cancelled after the market pushed it below them leaves unseen and stays here, and
// shows again when the market comes back. An event's price proves such levels gone: an order
// resting there (added, reduced or executed) means nothing rests on the other side at or
// through that price, as the two would have traded; and an execution there means nothing
// rested at a better price on its own side, which would have traded first.
void OrderBook::drop_stale_levels(const Event& e) {
  if (e.kind == EventKind::kOrderReplace || (e.side != Side::kBuy && e.side != Side::kSell) ||
      !e.price.is_positive()) {
    return;
  }
  // Whether `a` is at `b` or better for a buyer or a seller, as `side` says.
  auto at_or_better = [](Side side, Price a, Price b) {
    return side == Side::kBuy ? a >= b : a <= b;
  };
  const Side other = opposite(e.side);
  while (!levels(other).empty() && at_or_better(other, levels(other).back().price, e.price)) {
    drop_best_level(other);
  }
  if (e.kind != EventKind::kOrderExecute) return;
  while (!levels(e.side).empty() && !at_or_better(e.side, e.price, levels(e.side).back().price)) {
    drop_best_level(e.side);
  }
}

void OrderBook::drop_best_level(Side side) {
  ++diagnostics_.stale_levels;
  Level& best = levels(side).back();
  const Price price = best.price;
  best.qty -= best.unattributed;
  best.unattributed = 0;
  for (Level* l = &best; l != nullptr && l->head != kNoOrder; l = find_level(side, price)) {
    ++diagnostics_.stale_orders;
    take_from_order(l->head, orders_[l->head].qty);
  }
  // Sizes that do not add up (overfills) may leave the level without orders but not empty.
  if (!levels(side).empty() && levels(side).back().price == price) levels(side).pop_back();
}

// Counts the event, and the time since the one before, as the book was then.
void OrderBook::count_crossing(Timestamp now) {
  if (now > crossing_since_) {
    if (crossing_ == Crossing::kCrossed) {
      diagnostics_.crossed_ns += static_cast<uint64_t>((now - crossing_since_).count());
    }
    if (crossing_ == Crossing::kLocked) {
      diagnostics_.locked_ns += static_cast<uint64_t>((now - crossing_since_).count());
    }
  }
  crossing_since_ = now;
  crossing_ = Crossing::kNone;
  if (bids_.empty() || asks_.empty()) return;
  Price bid = bids_.back().price, ask = asks_.back().price;
  if (bid > ask) {
    ++diagnostics_.crossed;
    crossing_ = Crossing::kCrossed;
  }
  if (bid == ask) {
    ++diagnostics_.locked;
    crossing_ = Crossing::kLocked;
  }
}

}  // namespace tw
