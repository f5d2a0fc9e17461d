// Bounded re-sorting of slightly out-of-order events by event time (stable for equal times).
#pragma once

#include <cstddef>
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
    if (size_ == mask_ + 1) grow();
    return at(size_);
  }
  /// Adds the event written into back_slot(); false when it is too late, and it then stays
  /// in the slot, out of the buffer, until the next write.
  bool commit_back();

  /// Events due for release: at least `window` older than the newest one seen.
  size_t due() const { return due_; }

  /// Releases the due events, in order, as one or two contiguous runs: fn(std::span<const
  /// Event>). The runs are valid during the call only.
  template <class Fn>
  void release_due(Fn&& fn) {
    release_front(due_, fn);
  }

  /// Releases everything (end of input).
  template <class Fn>
  void drain(Fn&& fn) {
    release_front(size_, fn);
  }

  size_t size() const { return size_; }
  /// Time of the last event due for release (events before it are refused).
  Timestamp last_released() const { return last_due_; }
  Duration window() const { return window_; }

 private:
  Event& at(size_t i) { return ring_[(head_ + i) & mask_]; }
  void grow();
  void mark_due();

  template <class Fn>
  void release_front(size_t count, Fn& fn) {
    while (count > 0) {
      size_t run = std::min(count, ring_.size() - head_);  // up to the end of the ring
      fn(std::span<const Event>(ring_.data() + head_, run));
      head_ = (head_ + run) & mask_;
      size_ -= run;
      count -= run;
      due_ = due_ > run ? due_ - run : 0;
    }
    if (size_ == 0) head_ = 0;  // keeps the next runs long
  }

  Duration window_;
  std::vector<Event> ring_;
  size_t mask_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
  size_t due_ = 0;  // the first due_ events of the ring are due for release
  Timestamp newest_ = Timestamp::min();
  Timestamp last_due_ = Timestamp::min();
};

}  // namespace tw
