// Named counters: counts a component reports by name, and their JSON object form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

struct NamedCount {
  std::string name;
  uint64_t value = 0;
  bool operator==(const NamedCount&) const = default;
};

/// Counters in the order their owner reports them (reports and stores keep that order).
using NamedCounts = std::vector<NamedCount>;

/// Adds `more` into `into` by name: a name already there adds up, a new one goes at the end.
void merge_counts(NamedCounts& into, const NamedCounts& more);
/// {"name":value,...} in order; {} when empty.
std::string counts_json(const NamedCounts& counts);
/// Reads counts_json's form back; nullopt unless `json` is an object of non-negative integers.
std::optional<NamedCounts> parse_counts_json(std::string_view json);

}  // namespace tw
