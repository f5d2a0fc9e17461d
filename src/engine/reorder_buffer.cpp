#include "engine/reorder_buffer.hpp"

#include <bit>

namespace tw {

ReorderBuffer::ReorderBuffer(Duration window, size_t initial_capacity)
    : window_(window),
      ring_(std::bit_ceil(std::max(initial_capacity, size_t{2}))),
      mask_(ring_.size() - 1) {}

void ReorderBuffer::grow() {
  std::vector<Event> bigger(ring_.size() * 2);
  for (uint64_t p = head_; p != tail_; ++p) bigger[p & (bigger.size() - 1)] = slot(p);
  ring_ = std::move(bigger);
  mask_ = ring_.size() - 1;
}

// Out of line: in-order input never comes here. Moves the event at the back behind every
// later one, O(displacement); it never enters the due events, which are all at or before
// last_due_ <= its time.
void ReorderBuffer::insert_late() {
  const Event late = slot(tail_);
  uint64_t pos = tail_;
  do {
    slot(pos) = slot(pos - 1);
    --pos;
  } while (pos != due_end_ && slot(pos - 1).ts > late.ts);
  slot(pos) = late;
}

}  // namespace tw
