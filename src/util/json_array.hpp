// JSON arrays of strings: written for stored and exported alerts, read back with simdjson.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

/// Appends ["a","b"] to `out`.
void append_json_string_array(std::string& out, const std::vector<std::string>& items);
std::string json_string_array(const std::vector<std::string>& items);
/// Reads a JSON array of strings; nullopt when `json` is not one.
std::optional<std::vector<std::string>> parse_json_string_array(std::string_view json);

}  // namespace tw
