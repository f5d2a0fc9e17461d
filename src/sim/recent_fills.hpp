// A time-windowed memory of (account, symbol, side, quantity) fills, so that ordinary flow can
// steer clear of accidentally forming a wash pattern that no label accounts for.
#pragma once

#include <cstdint>
#include <vector>

#include "model/event.hpp"
#include "model/timestamp.hpp"

namespace tw::sim {

/// A counting hash filter over the fills of the last `window`: `contains` never misses a fill
/// still inside the window and rarely reports one that is not there (the caller then merely
/// picks a different quantity). Memory follows the number of fills inside the window.
class RecentFills {
 public:
  /// `expected_fills` sizes the table (fills per window); it grows the ring beyond that.
  RecentFills(Duration window, double expected_fills);

  bool contains(uint32_t account, uint32_t symbol, Side side, int64_t qty_raw, Timestamp now);
  /// Records a fill; times must not decrease.
  void add(uint32_t account, uint32_t symbol, Side side, int64_t qty_raw, Timestamp now);

 private:
  struct Entry {
    int64_t ns;
    uint32_t slot;
  };
  uint32_t slot_of(uint32_t account, uint32_t symbol, Side side, int64_t qty_raw) const;
  void expire(Timestamp now);
  void grow_ring();

  Duration window_;
  std::vector<uint32_t> counts_;
  uint32_t mask_ = 0;
  std::vector<Entry> ring_;  // circular FIFO of live fills, oldest at head_
  size_t head_ = 0;
  size_t live_ = 0;
};

}  // namespace tw::sim
