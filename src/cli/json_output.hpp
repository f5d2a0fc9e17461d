// Where a command's JSON goes: a file, or standard output for "-".
#pragma once

#include <string>
#include <string_view>

namespace tw::cli {

/// Writes `json` and a newline to `path`, or to standard output when `path` is "-"; throws
/// std::runtime_error naming the file (and `what` it held) when it cannot be written.
void write_json_output(const std::string& path, const std::string& json, std::string_view what);

}  // namespace tw::cli
