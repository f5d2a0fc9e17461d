// Seed inputs of the fuzz entry points: small hand-written ones, and heads of the real files in
// ../shared/data when that folder is present (never copied into the repository).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tw::fuzz {

/// The hand-written seeds of the entry point named `target` (FuzzTarget::name).
std::vector<std::string> hand_seeds(std::string_view target);

/// Seeds cut from the real files under `shared_data` that suit `target`: the first lines of a
/// file, or one column of them for the parser targets. None when the files are absent.
std::vector<std::string> real_seeds(std::string_view target, const std::string& shared_data);

/// `content` as a gzip file.
std::string gzip_bytes(std::string_view content);

/// A zip archive holding `content` as its one entry `entry`.
std::string zip_bytes(std::string_view entry, std::string_view content);

}  // namespace tw::fuzz
