// A direct-mapped cache of name -> interned id, in front of the Universe's interners.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/hash.hpp"

namespace tw {

/// Rows repeat a few symbols and some hundreds of accounts; a probe here (hash a short string,
/// compare once) is much cheaper than the interner's hash-map lookup. A collision only evicts.
template <class Id, size_t kSlots>
class NameCache {
  static_assert((kSlots & (kSlots - 1)) == 0, "kSlots must be a power of two");

 public:
  NameCache() : slots_(kSlots) {}

  /// The id of `name`, calling `intern(name)` on a miss.
  template <class Intern>
  Id get(std::string_view name, Intern&& intern) {
    Slot& slot = slots_[fnv1a64(name) & (kSlots - 1)];
    if (slot.id && slot.name == name) return slot.id;
    slot.id = intern(name);
    slot.name.assign(name);
    return slot.id;
  }

 private:
  struct Slot {
    std::string name;
    Id id;
  };
  std::vector<Slot> slots_;
};

}  // namespace tw
