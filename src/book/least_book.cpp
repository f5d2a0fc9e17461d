#include "book/least_book.hpp"

#include <algorithm>
#include <bit>

#include "util/hash.hpp"

namespace tw {

template <class Record>
LeastBook::Table<Record>::Table(size_t capacity) {
  records_.resize(std::bit_ceil(std::max<size_t>(capacity, 2)));
  mask_ = records_.size() - 1;
  shift_ = 64 - std::countr_zero(records_.size());
}

template <class Record>
template <class Match>
Record* LeastBook::Table<Record>::find(uint64_t hash, Match&& match) {
  for (size_t at = home(hash);; at = (at + 1) & mask_) {
    Record& r = records_[at];
    if (r.qty == 0) return nullptr;
    if (match(r)) return &r;
  }
}

template <class Record>
Record& LeastBook::Table<Record>::insert(uint64_t hash) {
  if ((size_ + 1) * 2 > records_.size()) grow();
  size_t at = home(hash);
  while (records_[at].qty != 0) at = (at + 1) & mask_;
  ++size_;
  return records_[at];
}

template <class Record>
void LeastBook::Table<Record>::erase(Record& record) {
  auto at = static_cast<size_t>(&record - records_.data());
  for (size_t next = (at + 1) & mask_; records_[next].qty != 0; next = (next + 1) & mask_) {
    const size_t next_home = home(records_[next].hash());
    // The record at `next` may fill the hole unless its home lies cyclically in (at, next].
    if (((next - next_home) & mask_) < ((next - at) & mask_)) continue;
    records_[at] = records_[next];
    at = next;
  }
  records_[at] = Record{};
  --size_;
}

template <class Record>
void LeastBook::Table<Record>::grow() {
  std::vector<Record> old(records_.size() * 2);
  old.swap(records_);
  mask_ = records_.size() - 1;
  shift_ = 64 - std::countr_zero(records_.size());
  for (const Record& r : old) {
    if (r.qty == 0) continue;
    size_t at = home(r.hash());
    while (records_[at].qty != 0) at = (at + 1) & mask_;
    records_[at] = r;
  }
}

uint64_t LeastBook::Order::hash_of(uint64_t key) {
  return key * kGoldenRatio64;
}

uint64_t LeastBook::Level::hash_of(uint32_t book_side, int64_t price) {
  return (static_cast<uint64_t>(price) + (uint64_t{book_side} << 40)) * kGoldenRatio64;
}

LeastBook::LeastBook() : orders_(1 << 16), levels_(1 << 12) {}

void LeastBook::prefetch(const Event& e) const {
  if (!e.is_order_event()) return;
  // An add also looks its id up, to pass over a duplicate.
  orders_.prefetch(Order::hash_of(e.id.lookup_key()));
  if (e.kind == EventKind::kOrderAdd) {
    levels_.prefetch(
        Level::hash_of(e.symbol.value * 2 + static_cast<uint32_t>(e.side), e.price.raw()));
  }
}

void LeastBook::apply(const Event& e) {
  if (!e.is_order_event()) return;
  if (e.kind == EventKind::kOrderAdd) {
    return add(e.id.lookup_key(), e.symbol.value, e.side, e.price.raw(), e.qty.raw());
  }
  Order* order = find_order(e.id.lookup_key());
  if (order == nullptr) return;
  switch (e.kind) {
    case EventKind::kOrderCancel:
    case EventKind::kOrderExecute:
      return take(*order, std::max<int64_t>(e.qty.raw(), 0));
    case EventKind::kOrderDelete:
      return take(*order, kAll);
    default: {  // kOrderReplace: the new id rests at the new price and size, on the same side
      const Side side = order->side;
      take(*order, kAll);
      return add(e.ref.lookup_key(), e.symbol.value, side, e.price.raw(), e.qty.raw());
    }
  }
}

Quantity LeastBook::level_size(SymbolId symbol, Side side, Price price) const {
  const uint32_t book_side = symbol.value * 2 + static_cast<uint32_t>(side);
  const Level* level = levels_.find(Level::hash_of(book_side, price.raw()), [&](const Level& l) {
    return l.book_side == book_side && l.price == price.raw();
  });
  return Quantity::from_raw(level == nullptr ? 0 : level->qty);
}

LeastBook::Order* LeastBook::find_order(uint64_t key) {
  return orders_.find(Order::hash_of(key), [key](const Order& o) { return o.key == key; });
}

void LeastBook::add(uint64_t key, uint32_t symbol, Side side, int64_t price, int64_t qty) {
  if ((side != Side::kBuy && side != Side::kSell) || qty <= 0 || find_order(key) != nullptr) {
    return;
  }
  orders_.insert(Order::hash_of(key)) = Order{key, price, qty, symbol, side};
  const uint32_t book_side = symbol * 2 + static_cast<uint32_t>(side);
  const uint64_t hash = Level::hash_of(book_side, price);
  auto same = [&](const Level& l) { return l.book_side == book_side && l.price == price; };
  if (Level* level = levels_.find(hash, same)) {
    level->qty += qty;
  } else {
    levels_.insert(hash) = Level{price, qty, book_side};
  }
}

void LeastBook::take(Order& order, int64_t qty) {
  const int64_t taken = std::min(qty, order.qty);
  const uint32_t book_side = order.symbol * 2 + static_cast<uint32_t>(order.side);
  const int64_t price = order.price;
  Level* level = levels_.find(Level::hash_of(book_side, price), [&](const Level& l) {
    return l.book_side == book_side && l.price == price;
  });
  level->qty -= taken;
  if (level->qty == 0) levels_.erase(*level);
  order.qty -= taken;
  if (order.qty == 0) orders_.erase(order);
}

}  // namespace tw
