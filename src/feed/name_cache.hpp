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
/// Names of up to 8 bytes (tickers, trader codes) are held packed in one word: a probe is then
/// a multiply and one 16-byte slot compare, and the slots stay small enough to sit in cache.
/// Longer names are keyed by their hash and confirmed against a copy kept beside the slot.
template <class Id, size_t kSlots>
class NameCache {
  static_assert((kSlots & (kSlots - 1)) == 0, "kSlots must be a power of two");

 public:
  NameCache() : slots_(kSlots) {}

  /// The id of `name`, calling `intern(name)` on a miss.
  template <class Intern>
  Id get(std::string_view name, Intern&& intern) {
    uint64_t key = name.size() <= kPackedBytes ? packed(name) : fnv1a64(name);
    size_t index = static_cast<size_t>(((key ^ name.size()) * kGoldenRatio) >> kShift);
    Slot& slot = slots_[index];
    if (slot.id && slot.key == key && slot.size == name.size() &&
        (name.size() <= kPackedBytes || long_names_[index] == name)) {
      return slot.id;
    }
    slot = Slot{key, static_cast<uint32_t>(name.size()), intern(name)};
    if (name.size() > kPackedBytes) {
      if (long_names_.empty()) long_names_.resize(kSlots);
      long_names_[index].assign(name);
    }
    return slot.id;
  }

 private:
  static constexpr size_t kPackedBytes = 8;
  static constexpr uint64_t kGoldenRatio = 0x9e3779b97f4a7c15ULL;
  static constexpr int kShift = 64 - std::countr_zero(kSlots);

  // The bytes of a name of at most 8 bytes in one word, without reading past its end: two
  // overlapping 4-byte loads, or first/middle/last byte below 4. Exact for a given size.
  static uint64_t packed(std::string_view name) {
    const char* p = name.data();
    size_t n = name.size();
    if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);
      return head | uint64_t{tail} << (8 * (n - 4));
    }
    if (n == 0) return 0;
    return uint64_t{static_cast<unsigned char>(p[0])} |
           uint64_t{static_cast<unsigned char>(p[n / 2])} << 8 |
           uint64_t{static_cast<unsigned char>(p[n - 1])} << 16;
  }

  struct Slot {
    uint64_t key = 0;
    uint32_t size = 0;
    Id id;
  };
  std::vector<Slot> slots_;
  std::vector<std::string> long_names_;  // by slot, for names longer than kPackedBytes
};

}  // namespace tw
