#include "model/interner.hpp"

#include "util/hash.hpp"

namespace tw {

Interner::Interner() {
  names_.emplace_back();
}

size_t Interner::Hash::operator()(std::string_view s) const {
  return static_cast<size_t>(mix64(fnv1a64(s)));
}

uint32_t Interner::intern(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  const std::string& stored = storage_.emplace_back(name);
  uint32_t id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(stored);
  ids_.emplace(stored, id);
  return id;
}

uint32_t Interner::find(std::string_view name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? 0 : it->second;
}

}  // namespace tw
