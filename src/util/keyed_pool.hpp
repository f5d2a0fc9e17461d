// A pool of records found by a 64-bit key in O(1): open addressing over reusable slots.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "util/hash.hpp"

namespace tw {

/// Records live in slots that are reused once freed; an open-addressing index (linear probing,
/// Fibonacci hashing, backward-shift deletion so no tombstones build up) finds a slot by key.
/// Each index entry holds the top 32 bits of its key's hash beside the slot: a probe loads a
/// record only when they match, and deletion and growth find an entry's home without loading
/// its record. In a pool of thousands of records most of them are cache misses.
/// `Record` has a `uint64_t key` member. Slots and index grow when needed and are kept: once the
/// pool has grown to its working size, inserting and erasing allocate nothing.
template <class Record>
class KeyedPool {
 public:
  static constexpr uint32_t kNone = 0xffffffff;

  explicit KeyedPool(size_t initial_index = 1024) {
    index_.assign(std::bit_ceil(initial_index < 2 ? 2 : initial_index), 0);
    shift_ = 64 - std::countr_zero(index_.size());
  }

  /// The slot holding `key`, or kNone.
  uint32_t find(uint64_t key) const {
    const size_t mask = index_.size() - 1;
    const uint64_t tag = hash_tag(key);
    for (size_t at = home_of(tag);; at = (at + 1) & mask) {
      const uint64_t entry = index_[at];
      if (entry == 0) return kNone;
      if ((entry & kTagMask) == tag && records_[slot_of(entry)].key == key) return slot_of(entry);
    }
  }

  /// Asks the cache for the index line where a lookup of `key` starts: the first of two
  /// steps a caller takes some work ahead of the lookup, so that it does not wait on memory.
  void prefetch_index(uint64_t key) const { __builtin_prefetch(&index_[home_of(hash_tag(key))]); }
  /// The second step, once the index line has arrived: asks for the record of the first entry
  /// whose tag matches (most likely `key`'s), without loading any record.
  void prefetch_record(uint64_t key) const {
    const size_t mask = index_.size() - 1;
    const uint64_t tag = hash_tag(key);
    for (size_t at = home_of(tag);; at = (at + 1) & mask) {
      const uint64_t entry = index_[at];
      if (entry == 0) return;
      if ((entry & kTagMask) == tag) return __builtin_prefetch(&records_[slot_of(entry)]);
    }
  }

  /// A slot for `key`, keyed and otherwise as a freed record left it (the caller fills it), or
  /// kNone when the key is in the pool already: one walk of the probe chain for both.
  uint32_t try_insert(uint64_t key) {
    if ((size_ + 1) * 2 > index_.size()) grow_index();
    const size_t mask = index_.size() - 1;
    const uint64_t tag = hash_tag(key);
    size_t at = home_of(tag);
    for (; index_[at] != 0; at = (at + 1) & mask) {
      if ((index_[at] & kTagMask) == tag && records_[slot_of(index_[at])].key == key) return kNone;
    }
    const uint32_t slot = new_slot();
    records_[slot].key = key;
    index_[at] = tag | (slot + 1);
    ++size_;
    return slot;
  }

  /// Takes the record in `slot` out of the index and frees the slot.
  void erase(uint32_t slot) {
    const size_t mask = index_.size() - 1;
    size_t at = home_of(hash_tag(records_[slot].key));
    while (slot_of(index_[at]) != slot) at = (at + 1) & mask;
    for (size_t next = (at + 1) & mask; index_[next] != 0; next = (next + 1) & mask) {
      size_t home = home_of(index_[next] & kTagMask);
      // The entry at `next` may fill the hole at `at` unless its home lies cyclically in
      // (at, next].
      bool home_after_hole = ((next - home) & mask) < ((next - at) & mask);
      if (home_after_hole) continue;
      index_[at] = index_[next];
      at = next;
    }
    index_[at] = 0;
    free_slots_.push_back(slot);
    --size_;
  }

  /// Empties the pool, keeping what it allocated.
  void clear() {
    std::fill(index_.begin(), index_.end(), 0);
    records_.clear();
    free_slots_.clear();
    size_ = 0;
  }

  Record& operator[](uint32_t slot) { return records_[slot]; }
  const Record& operator[](uint32_t slot) const { return records_[slot]; }
  size_t size() const { return size_; }

  /// Calls fn(slot, record) for every record in the pool; fn must not insert or erase.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (uint64_t entry : index_) {
      if (entry != 0) fn(slot_of(entry), records_[slot_of(entry)]);
    }
  }

 private:
  static constexpr uint64_t kTagMask = ~uint64_t{0} << 32;
  // The top 32 bits of the key's Fibonacci hash, in place in an entry.
  static uint64_t hash_tag(uint64_t key) { return (key * kGoldenRatio64) & kTagMask; }
  size_t home_of(uint64_t tag) const { return static_cast<size_t>(tag >> shift_); }
  static uint32_t slot_of(uint64_t entry) { return static_cast<uint32_t>(entry) - 1; }

  uint32_t new_slot() {
    if (!free_slots_.empty()) {
      uint32_t slot = free_slots_.back();
      free_slots_.pop_back();
      return slot;
    }
    records_.emplace_back();
    return static_cast<uint32_t>(records_.size() - 1);
  }

  void grow_index() {
    std::vector<uint64_t> old;
    old.swap(index_);
    index_.assign(old.size() * 2, 0);
    shift_ = 64 - std::countr_zero(index_.size());
    const size_t mask = index_.size() - 1;
    for (uint64_t entry : old) {
      if (entry == 0) continue;
      size_t at = home_of(entry & kTagMask);
      while (index_[at] != 0) at = (at + 1) & mask;
      index_[at] = entry;
    }
  }

  std::vector<Record> records_;
  std::vector<uint32_t> free_slots_;
  std::vector<uint64_t> index_;  // hash_tag(key) | (slot + 1), or 0 for empty
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace tw
