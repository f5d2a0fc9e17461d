#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "detect/account_volumes.hpp"

using namespace tw;

namespace {

std::vector<std::pair<uint32_t, int64_t>> entries_of(const TopAccounts& top) {
  size_t count = 0;
  TopAccounts::Entries sorted = top.sorted(count);
  std::vector<std::pair<uint32_t, int64_t>> out;
  for (size_t i = 0; i < count; ++i) out.emplace_back(sorted[i].account.value, sorted[i].qty.raw());
  return out;
}

/// The largest eight of exact totals, largest first, ties by account.
std::vector<std::pair<uint32_t, int64_t>> model_top(const std::map<uint32_t, int64_t>& totals) {
  std::vector<std::pair<uint32_t, int64_t>> all(totals.begin(), totals.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  all.resize(std::min(all.size(), TopAccounts::kCapacity));
  return all;
}

// 500 accounts trading 5,000 times at random sizes, with a few heavy ones: eight slots of
// Space-Saving cannot follow them, the exact table must.
TEST(AccountVolumes, TopIsTheLargestExactTotals) {
  AccountVolumes volumes;
  std::map<uint32_t, int64_t> totals;
  uint64_t x = 3;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  for (int round = 0; round < 3; ++round) {  // the table is reused after clear()
    totals.clear();
    volumes.clear();
    for (int i = 0; i < 5000; ++i) {
      uint32_t account = 1 + static_cast<uint32_t>(next() % 500);
      int64_t qty = static_cast<int64_t>(1 + next() % 1000) * (account % 97 == 0 ? 20 : 1);
      volumes.add(AccountId{account}, Quantity::from_raw(qty));
      totals[account] += qty;
    }
    EXPECT_EQ(entries_of(volumes.top()), model_top(totals)) << "round " << round;
  }
}

TEST(AccountVolumes, TiesGoToTheLowerAccountAndFewAccountsAreAllListed) {
  AccountVolumes volumes;
  volumes.add(AccountId{9}, Quantity::from_units(5));
  volumes.add(AccountId{4}, Quantity::from_units(5));
  volumes.add(AccountId{7}, Quantity::from_units(2));
  volumes.add(AccountId{9}, Quantity::from_units(1));
  std::vector<std::pair<uint32_t, int64_t>> expected{{9, Quantity::from_units(6).raw()},
                                                     {4, Quantity::from_units(5).raw()},
                                                     {7, Quantity::from_units(2).raw()}};
  EXPECT_EQ(entries_of(volumes.top()), expected);
  volumes.clear();
  EXPECT_TRUE(entries_of(volumes.top()).empty());
}

// Past max_accounts accounts, newcomers are counted in eight approximate slots: an account
// first seen then still shows when it trades the most.
TEST(AccountVolumes, AccountsPastTheBoundAreStillCounted) {
  AccountVolumes volumes(/*max_accounts=*/16);
  for (uint32_t a = 1; a <= 16; ++a) volumes.add(AccountId{a}, Quantity::from_units(1));
  for (int i = 0; i < 10; ++i) volumes.add(AccountId{1000}, Quantity::from_units(3));
  volumes.add(AccountId{2}, Quantity::from_units(1));
  auto top = entries_of(volumes.top());
  ASSERT_EQ(top.size(), TopAccounts::kCapacity);
  EXPECT_EQ(top[0], (std::pair<uint32_t, int64_t>{1000, Quantity::from_units(30).raw()}));
  EXPECT_EQ(top[1], (std::pair<uint32_t, int64_t>{2, Quantity::from_units(2).raw()}));
  volumes.clear();
  volumes.add(AccountId{1000}, Quantity::from_units(1));
  EXPECT_EQ(entries_of(volumes.top()),
            (std::vector<std::pair<uint32_t, int64_t>>{{1000, Quantity::from_units(1).raw()}}));
}

}  // namespace
