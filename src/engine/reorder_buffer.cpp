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

bool ReorderBuffer::push(const Event& e) {
  if (e.ts < last_released_) return false;
  if (size_ == ring_.size()) grow();
  // Insertion from the back: O(1) for in-order input, O(displacement) otherwise. Equal times
  // keep arrival order, so the output is deterministic.
  size_t pos = size_;
  while (pos > 0 && at(pos - 1).ts > e.ts) {
    at(pos) = at(pos - 1);
    --pos;
  }
  at(pos) = e;
  ++size_;
  if (e.ts > newest_) newest_ = e.ts;
  return true;
}

}  // namespace tw
