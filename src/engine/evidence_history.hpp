// The recent events and book samples of one symbol, held compactly for the evidence of alerts.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/event.hpp"

namespace tw {

/// A FIFO ring that grows by doubling up to a cap, then overwrites its oldest item: memory
/// follows what is held, never more than the cap, and once grown a push allocates nothing.
/// Index 0 is the oldest item.
template <class T>
class CappedRing {
 public:
  explicit CappedRing(size_t cap) : cap_(std::max<size_t>(cap, 1)) {}

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t cap() const { return cap_; }
  /// Items the ring has room for without growing (what it holds in memory).
  size_t capacity() const { return slots_.size(); }
  const T& operator[](size_t i) const { return slots_[wrap(head_ + i)]; }
  const T& front() const { return slots_[head_]; }

  /// Room for a newest item: a slot still holding whatever it held.
  T& push_slot() {
    if (size_ == slots_.size()) {
      if (size_ == cap_) {
        T& slot = slots_[head_];
        head_ = wrap(head_ + 1);
        return slot;
      }
      grow();
    }
    return slots_[wrap(head_ + size_++)];
  }
  void pop_front() {
    head_ = wrap(head_ + 1);
    --size_;
  }

 private:
  // Positions stay below twice the slot count: one subtraction wraps them.
  size_t wrap(size_t i) const { return i >= slots_.size() ? i - slots_.size() : i; }

  [[gnu::noinline]] void grow() {
    std::vector<T> bigger(std::min(cap_, std::max<size_t>(slots_.size() * 2, 64)));
    for (size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
    slots_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t cap_;
  size_t head_ = 0;
  size_t size_ = 0;
};

/// What an evidence record is: a trade, or one step in the life of an order.
enum class EvidenceKind : uint8_t {
  kTrade,
  kAdd,
  kCancel,       // part of the order cancelled (the whole of what was left when kEnded)
  kDelete,       // the order pulled
  kReplaced,     // the order replaced by another (its id is the old one)
  kReplacement,  // the order a replace made (its id is the new one): its placement
  kExecute,      // part of the order executed (all that was left when kEnded)
};

namespace evidence_flags {
inline constexpr uint8_t kKeyIsLine = 1;  // the event had no id: the key is its line
inline constexpr uint8_t kEnded = 2;      // the event took the order out of the book
}  // namespace evidence_flags

/// One event as evidence needs it: 48 bytes where an Event takes 120. The id is kept as its
/// ExternalId::lookup_key, which an alert's evidence id text is turned into to find it.
struct EvidenceRecord {
  Timestamp ts;
  uint64_t key = 0;
  Price price;
  Quantity qty;      // trade: size; add: size; cancel, execute: the part; delete: what was left
  AccountId first;   // trade: buyer; order: its owner
  AccountId second;  // trade: seller
  EvidenceKind kind = EvidenceKind::kTrade;
  Side side = Side::kUnknown;  // trade: aggressor; order: the order's side
  uint8_t flags = 0;

  bool is_trade() const { return kind == EvidenceKind::kTrade; }
  bool ended() const { return (flags & evidence_flags::kEnded) != 0; }
};
static_assert(sizeof(EvidenceRecord) == 48, "evidence records stay compact");

/// The key a record of an event with id `id` (or, without one, line `seq`) is found by.
inline uint64_t evidence_key(const ExternalId& id, uint64_t seq, uint8_t& flags) {
  if (id.empty()) {
    flags |= evidence_flags::kKeyIsLine;
    return seq;
  }
  return id.lookup_key();
}

/// A symbol's book at a point of event time; a price of 0 is a side with no level.
struct DepthSample {
  Timestamp ts;
  Price best_bid;
  Price best_ask;
  Quantity bid_depth;  // size within the best depth_levels levels
  Quantity ask_depth;
};

/// One symbol's held events and book samples, both oldest first and in event time.
struct SymbolHistory {
  SymbolHistory(size_t cap, Duration max_age) : events(cap), depth(cap), age(max_age) {}

  /// The slot for an event at `ts`, after dropping what is older than `age` behind it (one
  /// event at most, mostly, as time moves on).
  EvidenceRecord& push_event(Timestamp ts) {
    drop_older(ts, events);
    return events.push_slot();
  }
  /// The slot for a book sample at `ts`: samples older than the oldest event held go, so that
  /// they span no more than the events do (and, each taken at an order event, number fewer).
  DepthSample& push_depth(Timestamp ts) {
    const Timestamp oldest_event = events.empty() ? ts : events.front().ts;
    while (!depth.empty() && depth.front().ts < oldest_event) depth.pop_front();
    return depth.push_slot();
  }

  CappedRing<EvidenceRecord> events;
  CappedRing<DepthSample> depth;
  Duration age;
  Timestamp next_depth_sample = Timestamp::min();

 private:
  template <class Ring>
  void drop_older(Timestamp ts, Ring& ring) {
    while (!ring.empty() && ts - ring.front().ts > age) ring.pop_front();
  }
};

}  // namespace tw
