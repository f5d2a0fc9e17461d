#include "engine/reorder_buffer.hpp"

#include <bit>

namespace tw {

ReorderBuffer::ReorderBuffer(Duration window, size_t initial_capacity)
    : window_(window), ring_(std::bit_ceil(initial_capacity < 2 ? size_t{2} : initial_capacity)) {
  mask_ = ring_.size() - 1;
}

void ReorderBuffer::grow() {
  std::vector<Event> bigger(ring_.size() * 2);
  for (size_t i = 0; i < size_; ++i) bigger[i] = at(i);
  ring_ = std::move(bigger);
  mask_ = ring_.size() - 1;
  head_ = 0;
}

bool ReorderBuffer::commit_back() {
  const Timestamp ts = at(size_).ts;
  if (ts < last_due_) return false;
  // Insertion from the back: O(1) for in-order input, O(displacement) otherwise. Equal times
  // keep arrival order, so the output is deterministic. It never enters the due events: they
  // are all at or before last_due_ <= ts.
  size_t pos = size_;
  if (pos > due_ && at(pos - 1).ts > ts) {
    Event late = at(size_);
    do {
      at(pos) = at(pos - 1);
      --pos;
    } while (pos > due_ && at(pos - 1).ts > ts);
    at(pos) = late;
  }
  ++size_;
  if (ts > newest_) newest_ = ts;
  // Also when newest_ stays: an event inserted behind the horizon is due at once.
  mark_due();
  return true;
}

void ReorderBuffer::mark_due() {
  const Timestamp horizon = newest_ - window_;
  while (due_ < size_ && at(due_).ts <= horizon) last_due_ = at(due_++).ts;
}

}  // namespace tw
