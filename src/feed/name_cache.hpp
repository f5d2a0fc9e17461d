// A direct-mapped cache of name -> interned id, in front of the Universe's interners.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "util/hash.hpp"

namespace tw {

/// Rows repeat a few symbols and some hundreds of accounts; a probe here is much cheaper than
/// the interner's hash-map lookup. A collision only evicts.
///
/// Names of up to 8 bytes (tickers, trader codes) are held packed in one word: a hit is then
/// a multiply and two compares against one 16-byte slot, made inline; the slots stay small
/// enough to sit in cache. Longer names, and misses, take an out-of-line call: longer names are
/// keyed by their hash and confirmed against a copy kept beside the slot.
template <class Id, size_t kSlots>
class NameCache {
  static_assert((kSlots & (kSlots - 1)) == 0, "kSlots must be a power of two");

 public:
  NameCache() : slots_(kSlots) {}

  /// The id of `name`, calling `intern(name)` on a miss.
  template <class Intern>
  [[gnu::always_inline]] Id get(std::string_view name, Intern&& intern) {
    // Forced inline: a hit costs less than the call and register saves around it.
    if (name.size() <= kPackedBytes) {
      uint64_t key = packed(name);
      const Slot& slot = slots_[index_of(key, name.size())];
      if (slot.key == key && slot.size == name.size()) return slot.id;
    }
    return get_slow(name, intern);
  }

 private:
  static constexpr size_t kPackedBytes = 8;
  static constexpr int kShift = 64 - std::countr_zero(kSlots);
  // The size of an empty slot: no name has it, so a hit needs no test that the slot is filled.
  static constexpr uint32_t kEmpty = UINT32_MAX;

  static size_t index_of(uint64_t key, size_t size) { return fibonacci_index(key ^ size, kShift); }

  template <class Intern>
  [[gnu::noinline]] Id get_slow(std::string_view name, Intern& intern) {
    uint64_t key = name.size() <= kPackedBytes ? packed(name) : fnv1a64(name);
    size_t index = index_of(key, name.size());
    Slot& slot = slots_[index];
    if (name.size() > kPackedBytes && slot.key == key && slot.size == name.size() &&
        !long_names_.empty() && long_names_[index] == name) {
      return slot.id;
    }
    // Names of 4 GiB would look empty; they are never cached (no reader has such fields).
    uint32_t size = name.size() < kEmpty ? static_cast<uint32_t>(name.size()) : kEmpty;
    slot = Slot{key, size, intern(name)};
    if (name.size() > kPackedBytes) {
      if (long_names_.empty()) long_names_.resize(kSlots);
      long_names_[index].assign(name);
    }
    return slot.id;
  }

  // The bytes of a name of at most 8 bytes in one word, without reading past its end: two
  // overlapping 4-byte loads (its first and last four bytes side by side, which tell all its
  // bytes for a given size without a shift by the size), or first/middle/last byte below 4.
  // Exact for a given size.
  static uint64_t packed(std::string_view name) {
    const char* p = name.data();
    size_t n = name.size();
    if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);
      return head | uint64_t{tail} << 32;
    }
    if (n == 0) return 0;
    return uint64_t{static_cast<unsigned char>(p[0])} |
           uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
           uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
  }

  struct Slot {
    uint64_t key = 0;
    uint32_t size = kEmpty;
    Id id;
  };
  std::vector<Slot> slots_;
  std::vector<std::string> long_names_;  // by slot, for names longer than kPackedBytes
};

}  // namespace tw
