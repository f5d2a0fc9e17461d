#include "util/named_counts.hpp"

#include <simdjson.h>

#include <algorithm>

#include "util/format.hpp"

namespace tw {

void merge_counts(NamedCounts& into, const NamedCounts& more) {
  for (const NamedCount& count : more) {
    auto same_name = [&](const NamedCount& c) { return c.name == count.name; };
    auto it = std::find_if(into.begin(), into.end(), same_name);
    if (it == into.end()) {
      into.push_back(count);
    } else {
      it->value += count.value;
    }
  }
}

std::string counts_json(const NamedCounts& counts) {
  JsonObjectWriter w;
  for (const NamedCount& count : counts) w.field(count.name, count.value);
  return std::move(w).finish();
}

std::optional<NamedCounts> parse_counts_json(std::string_view json) {
  // One parser per thread keeps its buffers between calls instead of reallocating them.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get_object().get(object) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  NamedCounts counts;
  for (simdjson::dom::key_value_pair field : object) {
    uint64_t value = 0;
    if (field.value.get_uint64().get(value) != simdjson::SUCCESS) return std::nullopt;
    counts.push_back({std::string(field.key), value});
  }
  return counts;
}

}  // namespace tw
