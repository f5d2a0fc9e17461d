// Scratch files for entry points whose reader needs a path: one directory per process, each
// name reused (overwritten) by every input, removed at exit.
#pragma once

#include <string>
#include <string_view>

namespace tw::fuzz {

/// The path of `name` in this process's scratch directory (made on first use).
std::string scratch_path(std::string_view name);

/// Writes `bytes` to scratch_path(name), replacing what it held; returns the path.
std::string write_scratch(std::string_view name, std::string_view bytes);

/// The whole content of a file; empty when it cannot be read.
std::string read_whole_file(const std::string& path);

}  // namespace tw::fuzz
