// A FIFO ring buffer addressed by absolute position, growing by doubling when full.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tw {

/// Elements keep the absolute index push_back returned until they are popped, so other
/// structures can link to them by index. Capacity only grows (rarely, by doubling): once the
/// ring has seen its peak load, pushes and pops never allocate.
template <class T>
class GrowableRing {
 public:
  explicit GrowableRing(size_t initial_capacity = 64) {
    size_t capacity = 1;
    while (capacity < initial_capacity) capacity <<= 1;
    slots_.resize(capacity);
    mask_ = capacity - 1;
  }

  bool empty() const { return head_ == tail_; }
  size_t size() const { return static_cast<size_t>(tail_ - head_); }
  /// Absolute index of the oldest element, and one past the newest.
  uint64_t begin_index() const { return head_; }
  uint64_t end_index() const { return tail_; }

  T& at(uint64_t index) { return slots_[index & mask_]; }
  const T& at(uint64_t index) const { return slots_[index & mask_]; }
  T& front() { return at(head_); }
  T& back() { return at(tail_ - 1); }
  const T& front() const { return at(head_); }
  const T& back() const { return at(tail_ - 1); }

  uint64_t push_back(const T& value) {
    if (size() > mask_) grow();
    at(tail_) = value;
    return tail_++;
  }
  /// Makes room for a newest element and returns its slot, still holding whatever it held.
  T& push_slot() {
    if (size() > mask_) grow();
    return at(tail_++);
  }
  void pop_front() { ++head_; }
  void pop_back() { --tail_; }
  void clear() { head_ = tail_; }

 private:
  void grow() {
    std::vector<T> bigger(slots_.size() * 2);
    for (uint64_t i = head_; i != tail_; ++i) bigger[i & (bigger.size() - 1)] = at(i);
    slots_.swap(bigger);
    mask_ = slots_.size() - 1;
  }

  std::vector<T> slots_;
  // slots_.size() - 1 (a power of two less one), kept apart: the vector's size() divides by
  // sizeof(T), which is not a power of two for every T.
  uint64_t mask_ = 0;
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
};

}  // namespace tw
