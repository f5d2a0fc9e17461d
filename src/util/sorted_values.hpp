// Keeping a sorted vector sorted as values come, go, or change.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tw {

/// Inserts `v` after any equal values.
inline void insert_sorted(std::vector<int64_t>& sorted, int64_t v) {
  sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), v), v);
}

/// Swaps `old_value` (present) for `new_value`, moving only the values between them: when one
/// sample of a rolling window replaces another, the sorted copy stays sorted in O(distance).
inline void replace_sorted(std::vector<int64_t>& sorted, int64_t old_value, int64_t new_value) {
  auto at_old = std::lower_bound(sorted.begin(), sorted.end(), old_value);
  if (new_value > old_value) {
    auto at_new = std::lower_bound(at_old, sorted.end(), new_value);
    std::copy(at_old + 1, at_new, at_old);
    *(at_new - 1) = new_value;
  } else {
    auto at_new = std::upper_bound(sorted.begin(), at_old, new_value);
    std::copy_backward(at_new, at_old, at_old + 1);
    *at_new = new_value;
  }
}

}  // namespace tw
