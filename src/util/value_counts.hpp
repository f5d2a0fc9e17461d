// A multiset of integers kept as its distinct values with their counts, for order statistics.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/keyed_pool.hpp"

namespace tw {

/// The values of a rolling window as distinct values with how many times each occurs, in
/// increasing order. Spreads are a few ticks and order sizes mostly round lots, so a window of
/// a thousand samples holds a few dozen distinct values: the table stays in the cache, and a
/// value coming or going costs a hash lookup of its count, where a sorted copy of every sample
/// missed the cache on most probes (and a search of the sorted values took most of a rule's
/// time per order). The sorted values are searched only when a value first comes or last
/// goes. Order statistics walk the sorted values.
class ValueCounts {
 public:
  explicit ValueCounts(size_t reserved = 64) : counts_(2 * reserved) { sorted_.reserve(reserved); }

  size_t total() const { return total_; }
  size_t distinct() const { return sorted_.size(); }

  /// Adds one occurrence of `v`; the table grows (allocating) only for a new distinct value
  /// beyond those it has held.
  void add(int64_t v) {
    ++total_;
    const uint32_t slot = counts_.find(key_of(v));
    if (slot != Counts::kNone) {
      ++counts_[slot].count;
      return;
    }
    const uint32_t added = counts_.try_insert(key_of(v));
    counts_[added].count = 1;
    sorted_.insert(lower_bound(v), Distinct{v, added});
  }
  /// Removes one occurrence of `v`, which must be present.
  void remove(int64_t v) {
    --total_;
    const uint32_t slot = counts_.find(key_of(v));
    if (--counts_[slot].count != 0) return;
    counts_.erase(slot);
    sorted_.erase(lower_bound(v));
  }
  void replace(int64_t leaving, int64_t arriving) {
    if (leaving == arriving) return;
    remove(leaving);
    add(arriving);
  }

  /// The middle value, or the mean of the two middle ones; total() > 0. One walk of the table.
  double median() const {
    const size_t upper = total_ / 2;
    const size_t lower = total_ % 2 == 1 ? upper : upper - 1;
    size_t passed = 0;  // values of the entries before `d`
    double lower_value = 0;
    for (const Distinct& d : sorted_) {
      const size_t through = passed + count_of(d);
      if (lower >= passed && lower < through) lower_value = static_cast<double>(d.value);
      if (upper < through) return (lower_value + static_cast<double>(d.value)) / 2;
      passed = through;
    }
    return lower_value;
  }

  /// The value of rank `r` (0 the least), as the r-th of the values sorted; r < total().
  int64_t at_rank(size_t r) const {
    for (const Distinct& d : sorted_) {
      if (r < count_of(d)) return d.value;
      r -= count_of(d);
    }
    return sorted_.back().value;
  }

 private:
  struct Count {
    uint64_t key = 0;  // the value
    size_t count = 0;
  };
  using Counts = KeyedPool<Count>;
  /// A distinct value and the slot of its count (slots stay put while the value is counted).
  struct Distinct {
    int64_t value = 0;
    uint32_t slot = 0;
  };

  static uint64_t key_of(int64_t v) { return static_cast<uint64_t>(v); }
  size_t count_of(const Distinct& d) const { return counts_[d.slot].count; }

  std::vector<Distinct>::iterator lower_bound(int64_t v) {
    return std::lower_bound(sorted_.begin(), sorted_.end(), v,
                            [](const Distinct& d, int64_t x) { return d.value < x; });
  }

  Counts counts_;
  std::vector<Distinct> sorted_;
  size_t total_ = 0;
};

}  // namespace tw
