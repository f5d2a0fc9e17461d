#include "scratch.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "check.hpp"

namespace tw::fuzz {
namespace {

// Made once, removed when the process exits normally (a crash leaves it for inspection).
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tapewatch_fuzz_XXXXXX").string();
    check(mkdtemp(pattern.data()) != nullptr, "cannot make a scratch directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::string scratch_path(std::string_view name) {
  static ScratchDir dir;
  return (dir.path() / name).string();
}

std::string write_scratch(std::string_view name, std::string_view bytes) {
  std::string path = scratch_path(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  check(out.good(), "cannot write the scratch file {}", path);
  return path;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace tw::fuzz
