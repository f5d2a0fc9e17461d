#include "detect/account_volumes.hpp"

#include <algorithm>

namespace tw {

namespace {

/// The largest volumes offered so far, in rank order: an insertion that drops the smallest
/// once full. Most offers are smaller than the smallest kept and cost one compare.
struct LargestVolumes {
  TopAccounts::Entries best{};
  size_t count = 0;

  void offer(const AccountVolume& v) {
    if (count == best.size() && !AccountVolume::ranks_before(v, best.back())) return;
    size_t i = count < best.size() ? count++ : best.size() - 1;
    for (; i > 0 && AccountVolume::ranks_before(v, best[i - 1]); --i) best[i] = best[i - 1];
    best[i] = v;
  }
};

}  // namespace

TopAccounts::Entries TopAccounts::sorted(size_t& count) const {
  LargestVolumes largest;
  for (size_t i = 0; i < count_; ++i) largest.offer({AccountId{accounts_[i]}, totals_[i]});
  count = largest.count;
  return largest.best;
}

namespace {
constexpr size_t kInitialSlots = 16;
}  // namespace

AccountVolumes::AccountVolumes(size_t max_accounts) : max_accounts_(max_accounts) {
  rehash(kInitialSlots);
}

void AccountVolumes::add_new(AccountId account, Quantity qty, size_t slot) {
  if (entries_.size() == max_accounts_) {
    if (!overflow_) overflow_ = std::make_unique<TopAccounts>();
    overflow_->add(account, qty);
    return;
  }
  slots_[slot] = {account.value, static_cast<uint32_t>(entries_.size())};
  entries_.push_back({{account, qty}, static_cast<uint32_t>(slot)});
  if (entries_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
}

void AccountVolumes::rehash(size_t slot_count) {
  slots_.assign(slot_count, Slot{});
  shift_ = 64 - std::countr_zero(slot_count);
  for (size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    size_t slot = slot_of(e.volume.account);
    slots_[slot] = {e.volume.account.value, static_cast<uint32_t>(i)};
    e.slot = static_cast<uint32_t>(slot);
  }
}

void AccountVolumes::clear() {
  for (const Entry& e : entries_) slots_[e.slot] = Slot{};
  entries_.clear();
  if (overflow_) overflow_->clear();
}

TopAccounts AccountVolumes::top() const {
  LargestVolumes largest;
  for (const Entry& e : entries_) largest.offer(e.volume);
  if (overflow_) {
    size_t overflow_count = 0;
    TopAccounts::Entries overflow = overflow_->sorted(overflow_count);
    for (size_t i = 0; i < overflow_count; ++i) largest.offer(overflow[i]);
  }
  TopAccounts out;
  for (size_t i = 0; i < largest.count; ++i) out.add(largest.best[i].account, largest.best[i].qty);
  return out;
}

}  // namespace tw
