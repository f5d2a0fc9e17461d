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

namespace sorted_detail {

using Iter = std::vector<int64_t>::iterator;

/// The end of the run of values equal to *from within [from, limit): galloping from `from`,
/// so that a short run costs a compare or two and a long one a search of its own length.
inline Iter run_end(Iter from, Iter limit) {
  const int64_t v = *from;
  std::ptrdiff_t step = 1;
  Iter probe = from;
  while (limit - probe > step && *(probe + step) == v) {
    probe += step;
    step *= 2;
  }
  return std::upper_bound(probe, std::min(probe + step, limit), v);
}

/// The start of the run of values equal to *(to - 1) within [limit, to), galloping back.
inline Iter run_begin(Iter limit, Iter to) {
  const int64_t v = *(to - 1);
  std::ptrdiff_t step = 1;
  Iter probe = to - 1;
  while (probe - limit > step && *(probe - step) == v) {
    probe -= step;
    step *= 2;
  }
  return std::lower_bound(std::max(probe - step, limit), probe, v);
}

}  // namespace sorted_detail

/// Swaps `old_value` (present) for `new_value`. Equal values cannot be told apart, so instead
/// of shifting every value between the two places by one, each run of equal values between
/// them gives up its first (or last) place to the run before it: a window of samples that take
/// few distinct values, as spreads and order sizes do, moves a handful of values where it moved
/// thousands. The vector ends as the one-by-one shift would leave it.
inline void replace_sorted(std::vector<int64_t>& sorted, int64_t old_value, int64_t new_value) {
  using sorted_detail::Iter;
  if (new_value > old_value) {
    Iter hole = std::upper_bound(sorted.begin(), sorted.end(), old_value) - 1;  // the last old
    const Iter stop = std::lower_bound(hole + 1, sorted.end(), new_value);
    while (hole + 1 != stop) {
      // A run of one value moves by one place, as in a shift; a longer one jumps.
      const bool single = hole + 2 == stop || hole[2] != hole[1];
      const Iter next_hole = single ? hole + 1 : sorted_detail::run_end(hole + 1, stop) - 1;
      *hole = *next_hole;
      hole = next_hole;
    }
    *hole = new_value;
  } else if (new_value < old_value) {
    Iter hole = std::lower_bound(sorted.begin(), sorted.end(), old_value);  // the first old
    const Iter stop = std::upper_bound(sorted.begin(), hole, new_value);
    while (hole != stop) {
      const bool single = hole - 1 == stop || hole[-2] != hole[-1];
      const Iter next_hole = single ? hole - 1 : sorted_detail::run_begin(stop, hole);
      *hole = *next_hole;
      hole = next_hole;
    }
    *hole = new_value;
  }
}

}  // namespace tw
