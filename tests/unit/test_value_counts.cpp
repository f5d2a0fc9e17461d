#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"
#include "util/value_counts.hpp"

using namespace tw;

namespace {

/// A rolling window of `n` samples drawn from `distinct` values: after every replacement each
/// rank of the counts is the value of that rank in the window sorted afresh.
void check_rolling_window(size_t n, uint64_t distinct, uint64_t seed) {
  sim::Rng rng(seed, 1);
  auto next = [&rng, distinct] {
    return static_cast<int64_t>(rng.below(static_cast<uint32_t>(distinct))) * 100 - 300;
  };
  std::vector<int64_t> window;
  ValueCounts counts(4);  // grows past its reserve
  for (size_t i = 0; i < n; ++i) {
    window.push_back(next());
    counts.add(window.back());
  }
  for (size_t i = 0; i < 10 * n; ++i) {
    int64_t& oldest = window[i % n];
    const int64_t arriving = next();
    counts.replace(oldest, arriving);
    oldest = arriving;
    std::vector<int64_t> sorted = window;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(counts.total(), n);
    for (size_t r = 0; r < n; ++r) {
      ASSERT_EQ(counts.at_rank(r), sorted[r]) << "rank " << r << " step " << i;
    }
    const size_t upper = n / 2;
    const double median =
        n % 2 == 1
            ? static_cast<double>(sorted[upper])
            : (static_cast<double>(sorted[upper - 1]) + static_cast<double>(sorted[upper])) / 2;
    ASSERT_EQ(counts.median(), median) << "step " << i;
    ASSERT_EQ(counts.distinct(),
              static_cast<size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin()));
  }
}

TEST(ValueCounts, RanksFollowARollingWindow) {
  for (uint64_t distinct : {1, 2, 7, 40}) {
    check_rolling_window(101, distinct, distinct);  // an odd count: the middle value
    check_rolling_window(100, distinct, distinct);  // even: the mean of the middle two
  }
  check_rolling_window(64, 1000, 5);
  check_rolling_window(1, 3, 6);
}

TEST(ValueCounts, AValueLeavesTheTableWithItsLastOccurrence) {
  ValueCounts counts;
  counts.add(5);
  counts.add(3);
  counts.add(5);
  EXPECT_EQ(counts.distinct(), 2u);
  EXPECT_EQ(counts.at_rank(0), 3);
  EXPECT_EQ(counts.at_rank(2), 5);
  counts.remove(3);
  EXPECT_EQ(counts.distinct(), 1u);
  EXPECT_EQ(counts.at_rank(0), 5);
  counts.replace(5, 5);
  EXPECT_EQ(counts.total(), 2u);
  counts.remove(5);
  counts.remove(5);
  EXPECT_EQ(counts.total(), 0u);
  EXPECT_EQ(counts.distinct(), 0u);
}

}  // namespace
