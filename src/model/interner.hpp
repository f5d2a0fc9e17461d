// Maps names (symbols, accounts) to dense 32-bit ids and back; ids start at 1, 0 means none.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tw {

class Interner {
 public:
  Interner();
  /// The id of `name`, adding it when new.
  uint32_t intern(std::string_view name);
  /// The id of `name`, or 0 when it was never interned.
  uint32_t find(std::string_view name) const;
  std::string_view name(uint32_t id) const { return names_[id]; }
  /// Number of ids handed out, plus one for the reserved 0.
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  // deque keeps each string's storage stable so the map can key on views into it.
  std::deque<std::string> storage_;
  std::vector<std::string_view> names_;
  std::unordered_map<std::string_view, uint32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace tw
