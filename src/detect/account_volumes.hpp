// Volume traded per account: approximate in eight slots, and exact (bounded) for one bar.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/fixed_point.hpp"
#include "model/universe.hpp"
#include "util/hash.hpp"

namespace tw {

/// An account and its volume.
struct AccountVolume {
  AccountId account;
  Quantity qty;

  /// Larger volume first; ties by account id, for stable output.
  static bool ranks_before(const AccountVolume& a, const AccountVolume& b) {
    return a.qty != b.qty ? a.qty > b.qty : a.account < b.account;
  }
};

/// Approximate per-account volume totals in a fixed number of slots (Space-Saving: when full,
/// a newcomer takes the smallest slot and inherits its total), exact while few accounts trade.
class TopAccounts {
 public:
  static constexpr size_t kCapacity = 8;
  using Entries = std::array<AccountVolume, kCapacity>;

  void add(AccountId account, Quantity qty) {
    size_t slot = slot_of(account);
    if (slot == kNoSlot) {
      if (count_ < kCapacity) {
        accounts_[count_] = account.value;
        totals_[count_++] = qty;
        return;
      }
      slot = smallest_index();
      accounts_[slot] = account.value;
    }
    totals_[slot] += qty;
  }
  /// Slots past the count are never matched or read, so forgetting them is enough.
  void clear() { count_ = 0; }
  void merge(const TopAccounts& o) {
    for (size_t i = 0; i < o.count_; ++i) add(AccountId{o.accounts_[i]}, o.totals_[i]);
  }
  /// The entries, largest total first (ties by account id), `count` of them.
  Entries sorted(size_t& count) const;

 private:
  static constexpr size_t kNoSlot = kCapacity;

  // The slot holding `account`, or kNoSlot. Every slot is compared, without a branch: with
  // many accounts trading, the account sits at a random slot or in none, and a search loop's
  // exit was mispredicted on most adds.
  size_t slot_of(AccountId account) const {
    uint32_t found = 0;
    for (size_t i = 0; i < kCapacity; ++i) {
      found |= static_cast<uint32_t>(accounts_[i] == account.value) << i;
    }
    found &= (1u << count_) - 1;  // the used slots only
    return found == 0 ? kNoSlot : static_cast<size_t>(std::countr_zero(found));
  }
  // The first slot with the least total. A select rather than std::min_element's branch:
  // which total is smaller is data the branch predictor cannot learn.
  size_t smallest_index() const {
    size_t smallest = 0;
    Quantity least = totals_[0];
    for (size_t i = 1; i < kCapacity; ++i) {
      bool less = totals_[i] < least;
      smallest = less ? i : smallest;
      least = less ? totals_[i] : least;
    }
    return smallest;
  }
  // Ids and totals in separate arrays, so the search compares packed ids.
  std::array<uint32_t, kCapacity> accounts_{};
  std::array<Quantity, kCapacity> totals_{};
  size_t count_ = 0;
};

/// The exact volume of each account, for the trades of one bar and side, up to
/// `max_accounts` accounts; accounts first seen after that many are counted approximately, in
/// a TopAccounts beside the table. A hash table rather than TopAccounts for all: each add to
/// TopAccounts waits on the last one (its search and its minimum read the totals just
/// written), about 16 ns an add against under 2 here, and a busy bar folds hundreds of them.
class AccountVolumes {
 public:
  static constexpr size_t kDefaultMaxAccounts = 1024;

  explicit AccountVolumes(size_t max_accounts = kDefaultMaxAccounts);

  /// Adds `qty` to `account`, which is known (not 0).
  void add(AccountId account, Quantity qty) {
    size_t slot = slot_of(account);
    if (slots_[slot].account == 0) return add_new(account, qty, slot);
    entries_[slots_[slot].entry].volume.qty += qty;
  }
  /// Keeps the table's memory: the same few tables serve every bar.
  void clear();
  /// The TopAccounts::kCapacity largest volumes, largest first (ties by account id).
  TopAccounts top() const;

 private:
  struct Slot {
    uint32_t account = 0;  // 0: empty (accounts are never 0)
    uint32_t entry = 0;
  };
  struct Entry {
    AccountVolume volume;
    uint32_t slot = 0;  // where clear() empties it
  };

  // The slot of `account`, or the empty slot where it would go (linear probing).
  size_t slot_of(AccountId account) const {
    const size_t mask = slots_.size() - 1;
    size_t slot = fibonacci_index(account.value, shift_);
    while (slots_[slot].account != 0 && slots_[slot].account != account.value) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }
  [[gnu::noinline]] void add_new(AccountId account, Quantity qty, size_t slot);
  void rehash(size_t slot_count);

  size_t max_accounts_;
  std::vector<Entry> entries_;  // in order of first trade
  std::vector<Slot> slots_;     // at most half full
  int shift_ = 64;              // 64 - log2(slots_.size())
  // Accounts first seen with the table full; made then, so a bar's tables stay small.
  std::unique_ptr<TopAccounts> overflow_;
};

}  // namespace tw
