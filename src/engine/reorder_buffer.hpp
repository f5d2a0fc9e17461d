// Bounded re-sorting of slightly out-of-order events by event time (stable for equal times).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "model/event.hpp"

namespace tw {

/// Holds events until event time has moved `window` past them, then releases them in time
/// order. An event older than one already due for release is refused: it is beyond the
/// tolerance. Events that are due stay in the ring until the caller releases them, so they
/// can be handed on as runs; memory is bounded by the events inside one window plus those
/// due, and nothing is allocated once the ring has grown to that size.
class ReorderBuffer {
 public:
  explicit ReorderBuffer(Duration window, size_t initial_capacity = 1024);

  /// Adds `e`; false when it is too late (older than the last event due for release).
  bool push(const Event& e) {
    back_slot() = e;
    return commit_back();
  }

  /// Where the next event may be written in place (saving a copy of it): the free slot at
  /// the back of the ring, valid until commit_back() or the next push.
  Event& back_slot() {
    if (tail_ - head_ > mask_) grow();
    return slot(tail_);
  }

  /// Adds the event written into back_slot(); false when it is too late, and it then stays
  /// in the slot, out of the buffer, until the next write.
  bool commit_back() {
    const Timestamp ts = slot(tail_).ts;
    if (ts < last_due_) return false;
    // Equal times keep arrival order, so the output is deterministic.
    if (tail_ != due_end_ && slot(tail_ - 1).ts > ts) insert_late();
    ++tail_;
    if (ts > newest_) newest_ = ts;
    mark_due();  // also when newest_ stays: an event inserted behind the horizon is due
    return true;
  }

  /// Events due for release: at least `window` older than the newest one seen.
  size_t due() const { return static_cast<size_t>(due_end_ - head_); }

  /// Releases the due events, in order, as one or two contiguous runs: fn(std::span<const
  /// Event>). The runs are valid during the call only.
  template <class Fn>
  void release_due(Fn&& fn) {
    release_until(due_end_, fn);
  }

  /// Releases everything (end of input).
  template <class Fn>
  void drain(Fn&& fn) {
    due_end_ = tail_;
    release_until(tail_, fn);
  }

  /// For events that are already in memory, in time order and none older than the newest
  /// held (the caller checks: in_order_after_newest()): takes the newest of them as seen and,
  /// if every held event is now due, releases those and then hands on the events due from
  /// `events` itself, without copying them. Returns how many of `events` were handed on (a
  /// prefix); the caller keeps the rest in memory for a later call or hold()s them. fn is
  /// called as by release_due(), and nothing is released that push() would not make due.
  template <class Fn>
  size_t pass_sorted(std::span<const Event> events, Fn&& fn) {
    if (events.empty()) return 0;
    newest_ = events.back().ts;
    mark_due();
    if (due_end_ != tail_) return 0;  // a held event waits, and every one of `events` behind it
    release_until(due_end_, fn);
    // In time order, so the due events are a prefix: found by bisection, not by a pass.
    const Timestamp horizon = newest_ - window_;
    size_t due = static_cast<size_t>(
        std::partition_point(events.begin(), events.end(),
                             [horizon](const Event& e) { return e.ts <= horizon; }) -
        events.begin());
    if (due > 0) {
      last_due_ = events[due - 1].ts;
      fn(events.first(due));
    }
    return due;
  }

  /// Copies events that pass_sorted() saw but did not hand on into the ring, in order.
  void hold(std::span<const Event> events) {
    for (const Event& e : events) {
      back_slot() = e;
      ++tail_;  // in order and not due: nothing to insert or mark
    }
  }

  /// Whether `events` may go to pass_sorted(): in time order, none before the newest seen.
  bool in_order_after_newest(std::span<const Event> events) const {
    Timestamp last = newest_;
    for (const Event& e : events) {
      if (e.ts < last) return false;
      last = e.ts;
    }
    return true;
  }

  /// Events up to time `t` went on without passing through the buffer, which holds none: later
  /// ones are judged against them as against events it released.
  void passed(Timestamp t) {
    newest_ = std::max(newest_, t);
    last_due_ = std::max(last_due_, t);
  }

  size_t size() const { return static_cast<size_t>(tail_ - head_); }
  /// Time of the last event due for release (events before it are refused).
  Timestamp last_released() const { return last_due_; }
  Duration window() const { return window_; }

 private:
  // Positions count events since the start and never wrap; a position's slot is its low bits.
  Event& slot(uint64_t position) { return ring_[position & mask_]; }
  void grow();
  void insert_late();

  void mark_due() {
    const Timestamp horizon = newest_ - window_;
    while (due_end_ != tail_ && slot(due_end_).ts <= horizon) last_due_ = slot(due_end_++).ts;
  }

  template <class Fn>
  void release_until(uint64_t end, Fn& fn) {
    while (head_ != end) {
      uint64_t first = head_ & mask_;
      uint64_t run = std::min(end - head_, mask_ + 1 - first);  // up to the end of the ring
      fn(std::span<const Event>(ring_.data() + first, run));
      head_ += run;
    }
  }

  Duration window_;
  std::vector<Event> ring_;
  uint64_t mask_;         // ring_.size() - 1, the size being a power of two
  uint64_t head_ = 0;     // the oldest event held
  uint64_t due_end_ = 0;  // events in [head_, due_end_) are due for release
  uint64_t tail_ = 0;     // one past the newest event held
  Timestamp newest_ = Timestamp::min();
  Timestamp last_due_ = Timestamp::min();
};

}  // namespace tw
