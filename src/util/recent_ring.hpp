// The last N items pushed, in a fixed ring: the oldest is overwritten when it is full.
#pragma once

#include <cstddef>
#include <vector>

namespace tw {

/// Index 0 is the oldest item kept, size() - 1 the newest. Allocates only when built.
template <class T>
class RecentRing {
 public:
  explicit RecentRing(size_t capacity) : slots_(capacity), capacity_(capacity) {}

  void push(const T& v) { push_slot() = v; }
  /// Makes room for a newest item and returns its slot, still holding an old item: assigning
  /// to it in place reuses any buffers the old item held.
  T& push_slot() {
    T& slot = slots_[wrap(head_ + size_)];
    if (size_ < capacity_) {
      ++size_;
    } else {
      head_ = wrap(head_ + 1);
    }
    return slot;
  }

  void clear() { head_ = size_ = 0; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool full() const { return size_ == capacity_; }
  const T& operator[](size_t i) const { return slots_[wrap(head_ + i)]; }
  T& operator[](size_t i) { return slots_[wrap(head_ + i)]; }
  const T& back() const { return (*this)[size_ - 1]; }
  T& back() { return (*this)[size_ - 1]; }
  /// The item `i` places before the newest (0 = the newest).
  const T& newest(size_t i) const { return (*this)[size_ - 1 - i]; }

  /// Calls fn(item) from the newest back while it returns true.
  template <class Fn>
  void for_each_newest(Fn&& fn) const {
    if (size_ == 0) return;
    size_t at = wrap(head_ + size_ - 1);
    for (size_t left = size_; left != 0; --left) {
      if (!fn(slots_[at])) return;
      at = at == 0 ? capacity_ - 1 : at - 1;
    }
  }
  /// Calls fn(item) on the newest `n` items (n <= size()), the oldest of them first.
  template <class Fn>
  void for_each_of_newest(size_t n, Fn&& fn) const {
    size_t at = wrap(head_ + size_ - n);
    for (size_t left = n; left != 0; --left) {
      fn(slots_[at]);
      at = at + 1 == capacity_ ? 0 : at + 1;
    }
  }

 private:
  // Positions are below twice the capacity: one subtraction wraps them, where % divides. The
  // capacity is kept apart from the vector, whose size() divides by sizeof(T).
  size_t wrap(size_t i) const { return i >= capacity_ ? i - capacity_ : i; }

  std::vector<T> slots_;
  size_t capacity_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace tw
