#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"
#include "util/sorted_values.hpp"

using namespace tw;

namespace {

/// A rolling window of `n` samples drawn from `distinct` values: after every replacement the
/// sorted copy equals the window sorted afresh.
void check_rolling_window(size_t n, uint64_t distinct, uint64_t seed) {
  sim::Rng rng(seed, 1);
  auto next = [&rng, distinct] {
    return static_cast<int64_t>(rng.below(static_cast<uint32_t>(distinct))) * 7 - 20;
  };
  std::vector<int64_t> window, sorted;
  for (size_t i = 0; i < n; ++i) {
    window.push_back(next());
    insert_sorted(sorted, window.back());
  }
  ASSERT_TRUE(std::is_sorted(sorted.begin(), sorted.end()));
  for (size_t i = 0; i < 20 * n; ++i) {
    int64_t& oldest = window[i % n];
    const int64_t arriving = next();
    replace_sorted(sorted, oldest, arriving);
    oldest = arriving;
    std::vector<int64_t> expected = window;
    std::sort(expected.begin(), expected.end());
    ASSERT_EQ(sorted, expected) << "n " << n << " distinct " << distinct << " step " << i;
  }
}

TEST(SortedValues, ReplaceKeepsTheWindowSortedWithFewDistinctValues) {
  for (uint64_t distinct : {1, 2, 3, 5}) check_rolling_window(200, distinct, distinct);
}

TEST(SortedValues, ReplaceKeepsTheWindowSortedWithManyDistinctValues) {
  for (uint64_t distinct : {17, 100, 100000}) check_rolling_window(300, distinct, distinct + 1);
  check_rolling_window(1, 4, 9);
  check_rolling_window(2, 4, 10);
}

TEST(SortedValues, ReplaceAtTheEnds) {
  std::vector<int64_t> sorted = {1, 1, 2, 2, 2, 3, 5, 5};
  replace_sorted(sorted, 1, 9);
  EXPECT_EQ(sorted, (std::vector<int64_t>{1, 2, 2, 2, 3, 5, 5, 9}));
  replace_sorted(sorted, 9, 0);
  EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 2, 2, 3, 5, 5}));
  replace_sorted(sorted, 2, 2);
  EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 2, 2, 3, 5, 5}));
  replace_sorted(sorted, 5, 4);
  EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 2, 2, 3, 4, 5}));
}

}  // namespace
