// RecentRing: the walks from the newest and over the newest n agree with indexing, across
// the wrap of the ring.
#include <gtest/gtest.h>

#include <vector>

#include "util/recent_ring.hpp"

using tw::RecentRing;

namespace {

std::vector<int> newest_first(const RecentRing<int>& ring) {
  std::vector<int> seen;
  ring.for_each_newest([&](int v) {
    seen.push_back(v);
    return true;
  });
  return seen;
}

std::vector<int> newest_n(const RecentRing<int>& ring, size_t n) {
  std::vector<int> seen;
  ring.for_each_of_newest(n, [&](int v) { seen.push_back(v); });
  return seen;
}

}  // namespace

TEST(RecentRing, WalksAgreeWithIndexingAcrossTheWrap) {
  RecentRing<int> ring(5);
  EXPECT_TRUE(newest_first(ring).empty());
  for (int pushed = 1; pushed <= 13; ++pushed) {
    ring.push(pushed);
    std::vector<int> indexed;
    for (size_t i = ring.size(); i-- != 0;) indexed.push_back(ring[i]);
    EXPECT_EQ(newest_first(ring), indexed) << pushed;
    for (size_t n = 0; n <= ring.size(); ++n) {
      std::vector<int> expected(indexed.rend() - static_cast<std::ptrdiff_t>(n), indexed.rend());
      EXPECT_EQ(newest_n(ring, n), expected) << pushed << " " << n;
    }
  }
  EXPECT_EQ(newest_first(ring), (std::vector<int>{13, 12, 11, 10, 9}));
  EXPECT_EQ(newest_n(ring, 3), (std::vector<int>{11, 12, 13}));
}

TEST(RecentRing, TheNewestFirstWalkStopsWhenAsked) {
  RecentRing<int> ring(4);
  for (int v = 1; v <= 6; ++v) ring.push(v);
  std::vector<int> seen;
  ring.for_each_newest([&](int v) {
    seen.push_back(v);
    return v != 5;
  });
  EXPECT_EQ(seen, (std::vector<int>{6, 5}));
}
