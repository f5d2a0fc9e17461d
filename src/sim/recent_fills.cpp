#include "sim/recent_fills.hpp"

#include "util/hash.hpp"

namespace tw::sim {

RecentFills::RecentFills(Duration window, double expected_fills) : window_(window) {
  // A table 16x the live fills keeps false matches near 1 in 16 at worst.
  size_t size = 1 << 16;
  while (static_cast<double>(size) < 16 * expected_fills && size < (size_t{1} << 24)) size <<= 1;
  counts_.assign(size, 0);
  mask_ = static_cast<uint32_t>(size - 1);
  ring_.resize(1024);
}

uint32_t RecentFills::slot_of(uint32_t account, uint32_t symbol, Side side, int64_t qty_raw) const {
  uint64_t key =
      mix64(static_cast<uint64_t>(qty_raw)) ^
      mix64((uint64_t{account} << 32) | (uint64_t{symbol} << 2) | static_cast<uint64_t>(side));
  return static_cast<uint32_t>(mix64(key)) & mask_;
}

void RecentFills::expire(Timestamp now) {
  const int64_t oldest = now.nanos() - window_.count();
  while (live_ != 0 && ring_[head_].ns < oldest) {
    --counts_[ring_[head_].slot];
    head_ = (head_ + 1) % ring_.size();
    --live_;
  }
}

bool RecentFills::contains(uint32_t account, uint32_t symbol, Side side, int64_t qty_raw,
                           Timestamp now) {
  expire(now);
  return counts_[slot_of(account, symbol, side, qty_raw)] != 0;
}

void RecentFills::add(uint32_t account, uint32_t symbol, Side side, int64_t qty_raw,
                      Timestamp now) {
  expire(now);
  if (live_ == ring_.size()) grow_ring();
  uint32_t slot = slot_of(account, symbol, side, qty_raw);
  ++counts_[slot];
  ring_[(head_ + live_) % ring_.size()] = Entry{now.nanos(), slot};
  ++live_;
}

void RecentFills::grow_ring() {
  std::vector<Entry> bigger(ring_.size() * 2);
  for (size_t i = 0; i < live_; ++i) bigger[i] = ring_[(head_ + i) % ring_.size()];
  ring_.swap(bigger);
  head_ = 0;
}

}  // namespace tw::sim
