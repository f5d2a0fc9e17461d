// A multiset of integers kept as its distinct values with their counts, for order statistics.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tw {

/// The values of a rolling window as distinct values with how many times each occurs, in
/// increasing order. Spreads are a few ticks and order sizes mostly round lots, so a window of
/// a thousand samples holds a few dozen distinct values: the table stays in the cache, and a
/// value coming or going costs a search of it where a sorted copy of every sample missed the
/// cache on most probes. Order statistics walk the table.
class ValueCounts {
 public:
  explicit ValueCounts(size_t reserved = 64) { distinct_.reserve(reserved); }

  size_t total() const { return total_; }
  size_t distinct() const { return distinct_.size(); }

  /// Adds one occurrence of `v`; the table grows (allocating) only for a new distinct value
  /// beyond those it has held.
  void add(int64_t v) {
    auto at = find(v);
    if (at == distinct_.end() || at->value != v) at = distinct_.insert(at, Distinct{v, 0});
    ++at->count;
    ++total_;
  }
  /// Removes one occurrence of `v`, which must be present.
  void remove(int64_t v) {
    auto at = find(v);
    if (--at->count == 0) distinct_.erase(at);
    --total_;
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
    for (const Distinct& d : distinct_) {
      const size_t through = passed + d.count;
      if (lower >= passed && lower < through) lower_value = static_cast<double>(d.value);
      if (upper < through) return (lower_value + static_cast<double>(d.value)) / 2;
      passed = through;
    }
    return lower_value;
  }

  /// The value of rank `r` (0 the least), as the r-th of the values sorted; r < total().
  int64_t at_rank(size_t r) const {
    for (const Distinct& d : distinct_) {
      if (r < d.count) return d.value;
      r -= d.count;
    }
    return distinct_.back().value;
  }

 private:
  struct Distinct {
    int64_t value = 0;
    size_t count = 0;
  };

  std::vector<Distinct>::iterator find(int64_t v) {
    return std::lower_bound(distinct_.begin(), distinct_.end(), v,
                            [](const Distinct& d, int64_t x) { return d.value < x; });
  }

  std::vector<Distinct> distinct_;
  size_t total_ = 0;
};

}  // namespace tw
