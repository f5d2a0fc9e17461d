#include "util/json_array.hpp"

#include <simdjson.h>

#include "util/format.hpp"

namespace tw {

void append_json_string_array(std::string& out, const std::vector<std::string>& items) {
  out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, items[i]);
  }
  out.push_back(']');
}

std::string json_string_array(const std::vector<std::string>& items) {
  std::string out;
  append_json_string_array(out, items);
  return out;
}

std::optional<std::vector<std::string>> parse_json_string_array(std::string_view json) {
  // One parser per thread keeps its buffers between calls instead of reallocating them.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(json.data(), json.size()).get_array().get(array) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::vector<std::string> items;
  items.reserve(array.size());
  for (simdjson::dom::element element : array) {
    std::string_view text;
    if (element.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
    items.emplace_back(text);
  }
  return items;
}

}  // namespace tw
