#include "detect/order_messages.hpp"

#include <bit>

#include "util/hash.hpp"

namespace tw {

void MessageCounts::count(EventKind kind) {
  switch (kind) {
    case EventKind::kOrderAdd:
      ++adds;
      break;
    case EventKind::kOrderCancel:
      ++cancels;
      break;
    case EventKind::kOrderDelete:
      ++deletes;
      break;
    case EventKind::kOrderReplace:
      ++replaces;
      break;
    case EventKind::kOrderExecute:
      ++executions;
      break;
    case EventKind::kTrade:
    case EventKind::kQuote:
    case EventKind::kStatus:
      break;
  }
}

MessageCounts& MessageCounts::operator+=(const MessageCounts& o) {
  adds += o.adds;
  cancels += o.cancels;
  deletes += o.deletes;
  replaces += o.replaces;
  executions += o.executions;
  return *this;
}

void MessageCounts::write(JsonObjectWriter& out) const {
  out.field("adds", adds)
      .field("cancels", cancels)
      .field("deletes", deletes)
      .field("replaces", replaces)
      .field("executions", executions);
}

size_t IdTable::home(uint64_t key) const {
  return fibonacci_index(key, shift_);
}

size_t IdTable::probe(uint64_t key) const {
  const size_t mask = entries_.size() - 1;
  size_t i = home(key);
  while (entries_[i].key != 0 && entries_[i].key != key) i = (i + 1) & mask;
  return i;
}

uint32_t IdTable::find(uint64_t key) const {
  if (size_ == 0) return kAbsent;
  const Entry& e = entries_[probe(key)];
  return e.key == key ? e.value : kAbsent;
}

bool IdTable::insert(uint64_t key, uint32_t value) {
  if (!entries_.empty()) {
    Entry& e = entries_[probe(key)];
    if (e.key == key) {
      e.value = value;
      return true;
    }
  }
  if (size_ >= max_entries_) return false;
  if ((size_ + 1) * 2 > entries_.size()) grow();
  entries_[probe(key)] = Entry{key, value};
  ++size_;
  return true;
}

// Linear probing without tombstones: each entry after the hole that could sit in it (its home
// is not cyclically between the hole and itself) moves back, so every probe still finds it.
void IdTable::erase(uint64_t key) {
  if (size_ == 0) return;
  const size_t mask = entries_.size() - 1;
  size_t hole = probe(key);
  if (entries_[hole].key != key) return;
  for (size_t next = (hole + 1) & mask; entries_[next].key != 0; next = (next + 1) & mask) {
    size_t want = home(entries_[next].key);
    bool stays = hole <= next ? (hole < want && want <= next) : (hole < want || want <= next);
    if (stays) continue;
    entries_[hole] = entries_[next];
    hole = next;
  }
  entries_[hole] = Entry{};
  --size_;
}

void IdTable::clear() {
  if (size_ == 0) return;
  std::fill(entries_.begin(), entries_.end(), Entry{});
  size_ = 0;
}

void IdTable::grow() {
  std::vector<Entry> old;
  old.swap(entries_);
  const size_t slots = std::max<size_t>(16, old.size() * 2);
  entries_.assign(slots, Entry{});
  shift_ = 64 - std::countr_zero(slots);
  for (const Entry& e : old) {
    if (e.key != 0) entries_[probe(e.key)] = e;
  }
}

AccountId order_owner(const Event& e, const OrderBook* book) {
  if (e.account || book == nullptr) return e.account;
  RestingOrder order;
  return book->order_of_last_event(order) ? order.account : AccountId{};
}

}  // namespace tw
