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

bool OrderBook::find(const ExternalId& id, RestingOrder& out) const {
  uint32_t slot = find_order(id.lookup_key());
  if (slot == kNoOrder) return false;
  out = resting(orders_[slot]);
  return true;
}

Quantity OrderBook::depth_within(Side side, size_t levels_wanted) const {
  const SideLevels& side_levels = levels(side);
  const size_t size = side_levels.sorted.size();
  const size_t n = std::min(levels_wanted, size);
  int64_t total = 0;
  for (size_t i = size - n; i < size; ++i) {
    total += side_levels.by_price[side_levels.sorted[i].slot].qty;
  }
  return Quantity::from_raw(total);
}

size_t OrderBook::levels_better_than(Side side, Price price) const {
  const std::vector<LevelRef>& sorted = levels(side).sorted;
  const size_t at = level_position(side, price);
  const bool here = at < sorted.size() && sorted[at].price == price;
  return sorted.size() - at - (here ? 1 : 0);
}

Quantity OrderBook::account_size_at(Side side, Price price, AccountId account) const {
  const uint32_t level = find_level(side, price);
  if (level == kNoOrder) return Quantity{};
  const Level& l = level_at(side, level);
  int64_t total = 0;
  if (!account) {
    for (uint32_t o = l.head; o != kNoOrder; o = orders_[o].next) {
      if (!orders_[o].account) total += orders_[o].qty;
    }
    return Quantity::from_raw(total);
  }
  // Only the level's orders with an account: a busy level holds few of them.
  for (uint32_t o = l.attributed_head; o != kNoOrder; o = attributed_[o].next) {
    if (orders_[o].account == account) total += orders_[o].qty;
  }
  return Quantity::from_raw(total);
}

RestingOrder OrderBook::resting(const Order& o) const {
  return {o.side,  level_at(o.side, o.level).price(), Quantity::from_raw(o.qty),     o.account,
          o.added, Quantity::from_raw(o.size),        Quantity::from_raw(o.executed)};
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
  const uint32_t level = find_level(side, price);
  return Quantity::from_raw(level == kNoOrder ? 0 : level_at(side, level).qty);
}

// Bids ascend and asks descend, so that on both sides the best level is the last.
size_t OrderBook::level_position(Side side, Price price) const {
  const std::vector<LevelRef>& sorted = levels(side).sorted;
  auto first_not_below = [&](auto below) {
    return static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), price, below) -
                               sorted.begin());
  };
  if (side == Side::kBuy) {
    return first_not_below([](const LevelRef& l, Price p) { return l.price < p; });
  }
  return first_not_below([](const LevelRef& l, Price p) { return l.price > p; });
}

uint32_t OrderBook::find_level(Side side, Price price) const {
  return levels(side).by_price.find(price_key(price));
}

uint32_t OrderBook::level_for(Side side, Price price) {
  SideLevels& side_levels = levels(side);
  if (const uint32_t known = side_levels.by_price.find(price_key(price)); known != kNoOrder) {
    return known;
  }
  const uint32_t fresh = side_levels.by_price.try_insert(price_key(price));
  Level& l = side_levels.by_price[fresh];
  l = Level{};
  l.key = price_key(price);
  const size_t at = level_position(side, price);
  side_levels.sorted.insert(side_levels.sorted.begin() + static_cast<std::ptrdiff_t>(at),
                            LevelRef{price, fresh});
  return fresh;
}

void OrderBook::erase_level_if_empty(Side side, uint32_t slot) {
  SideLevels& side_levels = levels(side);
  const Level& l = side_levels.by_price[slot];
  if (l.qty > 0 || l.orders != 0) return;
  const size_t at = level_position(side, l.price());
  side_levels.sorted.erase(side_levels.sorted.begin() + static_cast<std::ptrdiff_t>(at));
  side_levels.by_price.erase(slot);
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
  const uint32_t level = level_for(e.side, e.price);
  Order& o = orders_[slot];
  o = Order{key, e.qty.raw(), e.side, e.account, level, kNoOrder, kNoOrder, e.ts, e.qty.raw(), 0};
  Level& l = level_at(e.side, level);
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
  level_at(o.side, o.level).qty -= taken;
  o.qty -= taken;
  if (o.qty == 0) remove_order(slot);
  return taken;
}

// Orders resting before the feed began are known only as seeded level sizes: a message about
// one, when it names its price and side (LOBSTER's do), comes off that size. When the seeded
// size is short of it, the level's size was set from a snapshot that left known orders in
// place of this one (see set_level): those, the oldest first, make up the rest.
void OrderBook::reduce_unknown(const Event& e, bool remove_all) {
  count_unknown();
  if (e.side != Side::kBuy && e.side != Side::kSell) return;
  uint32_t level = find_level(e.side, e.price);
  if (level == kNoOrder) return;
  Level& l = level_at(e.side, level);
  int64_t left = remove_all && !e.qty.is_positive() ? l.unattributed : e.qty.raw();
  int64_t from_seeded = std::min(left, l.unattributed);
  if (from_seeded > 0) ++diagnostics_.seeded_reduced;
  l.unattributed -= from_seeded;
  l.qty -= from_seeded;
  left -= from_seeded;
  // Each order taken may empty and erase the level: it is looked up again.
  for (; left > 0 && level != kNoOrder && level_at(e.side, level).head != kNoOrder;
       level = find_level(e.side, e.price)) {
    ++diagnostics_.orders_dropped;
    left -= take_from_order(level_at(e.side, level).head, left);
  }
  if (level != kNoOrder) erase_level_if_empty(e.side, level);
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

void OrderBook::remove_order(uint32_t slot) {
  Order& o = orders_[slot];
  const Side side = o.side;
  const uint32_t level = o.level;
  Level& l = level_at(side, level);
  if (o.prev != kNoOrder) orders_[o.prev].next = o.next;
  if (o.next != kNoOrder) orders_[o.next].prev = o.prev;
  if (l.head == slot) l.head = o.next;
  if (l.tail == slot) l.tail = o.prev;
  if (o.account) unlink_attributed(slot, l);
  --l.orders;
  orders_.erase(slot);
  erase_level_if_empty(side, level);
}

// Known orders beyond the size given left the book unseen (a depth-limited feed does not show
// what happens below its depth). Which is unknowable; the simplest account of the change is
// taken: when the level shrank by exactly one known order's size, that order left; beyond
// that, known orders over the size given go oldest first, as the ones that had longest to go
// (the newest may have just been added by the message in hand).
void OrderBook::set_level(Side side, Price price, Quantity qty) {
  ++diagnostics_.levels_adopted;
  const int64_t target = qty.raw();
  if (const uint32_t level = find_level(side, price); level != kNoOrder) {
    const int64_t shrunk = level_at(side, level).qty - target;
    uint32_t exact = kNoOrder;
    for (uint32_t o = level_at(side, level).head; shrunk > 0 && o != kNoOrder && exact == kNoOrder;
         o = orders_[o].next) {
      if (orders_[o].qty == shrunk) exact = o;
    }
    if (exact != kNoOrder) drop_order(exact);
  }
  for (uint32_t level = find_level(side, price);
       level != kNoOrder && level_at(side, level).qty - level_at(side, level).unattributed > target;
       level = find_level(side, price)) {
    drop_order(level_at(side, level).head);
  }
  const uint32_t level = level_for(side, price);
  Level& l = level_at(side, level);
  const int64_t known = l.qty - l.unattributed;
  l.unattributed = target - known;
  l.qty = target;
  erase_level_if_empty(side, level);
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
  const std::vector<LevelRef>& others = levels(other).sorted;
  while (!others.empty() && at_or_better(other, others.back().price, e.price)) {
    drop_best_level(other);
  }
  if (e.kind != EventKind::kOrderExecute) return;
  const std::vector<LevelRef>& own = levels(e.side).sorted;
  while (!own.empty() && !at_or_better(e.side, e.price, own.back().price)) {
    drop_best_level(e.side);
  }
}

void OrderBook::drop_best_level(Side side) {
  ++diagnostics_.stale_levels;
  SideLevels& side_levels = levels(side);
  const uint32_t level = side_levels.sorted.back().slot;
  const Price price = side_levels.sorted.back().price;
  Level& best = side_levels.by_price[level];
  best.qty -= best.unattributed;
  best.unattributed = 0;
  // Taking its last order erases the level, and then its slot may be taken by another.
  while (find_level(side, price) == level && level_at(side, level).head != kNoOrder) {
    ++diagnostics_.stale_orders;
    const uint32_t head = level_at(side, level).head;
    take_from_order(head, orders_[head].qty);
  }
  // Sizes that do not add up (overfills) may leave the level without orders but not empty.
  if (find_level(side, price) == level) {
    side_levels.sorted.pop_back();
    side_levels.by_price.erase(level);
  }
}

// Counts the event, and the time since the one before, as the book was then.
// Most books are neither crossed nor locked before or after an event: that case reads the two
// best prices and nothing more.
void OrderBook::count_crossing(Timestamp now) {
  if (crossing_ != Crossing::kNone) end_crossing(now);
  if (bids_.sorted.empty() || asks_.sorted.empty()) return;
  const Price bid = bids_.sorted.back().price, ask = asks_.sorted.back().price;
  if (bid < ask) return;
  crossing_ = bid > ask ? Crossing::kCrossed : Crossing::kLocked;
  ++(bid > ask ? diagnostics_.crossed : diagnostics_.locked);
  crossing_since_ = now;
}

void OrderBook::end_crossing(Timestamp now) {
  if (now > crossing_since_) {
    const auto lasted = static_cast<uint64_t>((now - crossing_since_).count());
    (crossing_ == Crossing::kCrossed ? diagnostics_.crossed_ns : diagnostics_.locked_ns) += lasted;
  }
  crossing_ = Crossing::kNone;
}

}  // namespace tw
