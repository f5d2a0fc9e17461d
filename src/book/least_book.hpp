// The least work any order-by-order book does per message: a yardstick of the machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "model/event.hpp"

namespace tw {

/// Keeps, for every live order, its price, size and side by id, and for every level its total
/// size, and nothing else: no time priority, no owners, no diagnostics, no depth order, nothing a
/// rule could read. Each record sits in its open-addressing table itself, so a lookup is one
/// cache line. Any book that keeps orders by id does at least this for each message, so
/// `tapewatch bench --phase itch-least` times the most a machine allows a book on an input (see
/// docs/PERFORMANCE.md). Events it cannot apply (an unknown id, a duplicate add, no side) are
/// passed over; sizes taken beyond an order's size left are capped at it.
class LeastBook {
 public:
  LeastBook();

  /// Asks the cache for the table line apply(e) reads first: the order's, or an add's level.
  void prefetch(const Event& e) const;
  void apply(const Event& e);

  /// The total size resting at `price` on `side` of `symbol`; zero when no order rests there.
  Quantity level_size(SymbolId symbol, Side side, Price price) const;
  size_t live_orders() const { return orders_.size(); }
  size_t live_levels() const { return levels_.size(); }

  /// An open-addressing table of records that are live while their `qty` is positive, found by
  /// a 64-bit hash and a match on their own fields; erasing shifts the probe chain back.
  template <class Record>
  class Table {
   public:
    explicit Table(size_t capacity);
    template <class Match>
    Record* find(uint64_t hash, Match&& match);
    template <class Match>
    const Record* find(uint64_t hash, Match&& match) const {
      return const_cast<Table*>(this)->find(hash, match);
    }
    /// A free record on the probe chain of `hash` (the caller makes its qty positive).
    Record& insert(uint64_t hash);
    void erase(Record& record);
    void prefetch(uint64_t hash) const { __builtin_prefetch(&records_[home(hash)]); }
    size_t size() const { return size_; }

   private:
    size_t home(uint64_t hash) const { return static_cast<size_t>(hash >> shift_); }
    void grow();

    std::vector<Record> records_;
    size_t mask_ = 0;
    int shift_ = 64;
    size_t size_ = 0;
  };

 private:
  struct Order {
    uint64_t key = 0;  // ExternalId::lookup_key()
    int64_t price = 0;
    int64_t qty = 0;  // raw size left; 0 for a free record
    uint32_t symbol = 0;
    Side side = Side::kUnknown;
    static uint64_t hash_of(uint64_t key);
    uint64_t hash() const { return hash_of(key); }
  };
  struct Level {
    int64_t price = 0;
    int64_t qty = 0;         // raw total; 0 for a free record
    uint32_t book_side = 0;  // symbol * 2 + side
    static uint64_t hash_of(uint32_t book_side, int64_t price);
    uint64_t hash() const { return hash_of(book_side, price); }
  };

  void add(uint64_t key, uint32_t symbol, Side side, int64_t price, int64_t qty);
  static constexpr int64_t kAll = std::numeric_limits<int64_t>::max();
  /// Takes up to `qty` off the order (kAll: what it has left) and off its level.
  void take(Order& order, int64_t qty);
  Order* find_order(uint64_t key);

  Table<Order> orders_;
  Table<Level> levels_;
};

}  // namespace tw
