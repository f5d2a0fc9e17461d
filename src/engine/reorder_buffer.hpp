// Bounded re-sorting of slightly out-of-order events by event time (stable for equal times).
#pragma once

#include <cstddef>
#include <vector>

#include "model/event.hpp"

namespace tw {

/// Holds events until event time has moved `window` past them, then releases them in time
/// order. An event older than one already released is refused: it is beyond the tolerance.
/// Memory is bounded by the number of events inside one window; nothing is allocated once the
/// ring has grown to that size.
class ReorderBuffer {
 public:
  explicit ReorderBuffer(Duration window, size_t initial_capacity = 1024);

  /// Adds `e`; false when it is too late (older than the last released event).
  bool push(const Event& e);

  /// Releases, in order, every event at least `window` older than the newest one seen.
  template <class Fn>
  void release_ready(Fn&& fn) {
    if (size_ == 0) return;
    const Timestamp horizon = newest_ - window_;
    while (size_ != 0 && at(0).ts <= horizon) pop_front(fn);
  }

  /// Releases everything (end of input).
  template <class Fn>
  void drain(Fn&& fn) {
    while (size_ != 0) pop_front(fn);
  }

  size_t size() const { return size_; }
  Timestamp last_released() const { return last_released_; }
  Duration window() const { return window_; }

 private:
  Event& at(size_t i) { return ring_[(head_ + i) & mask_]; }
  void grow();
  template <class Fn>
  void pop_front(Fn& fn) {
    Event& e = ring_[head_];
    last_released_ = e.ts;
    head_ = (head_ + 1) & mask_;
    --size_;
    fn(static_cast<const Event&>(e));
  }

  Duration window_;
  std::vector<Event> ring_;
  size_t mask_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
  Timestamp newest_ = Timestamp::min();
  Timestamp last_released_ = Timestamp::min();
};

}  // namespace tw
