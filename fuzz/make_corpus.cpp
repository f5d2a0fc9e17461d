// Writes the seed corpus of every fuzz entry point: <out>/<name>/ holds its hand-written seeds
// and, when the shared data folder is given and present, heads of the real files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/fuzz_targets.hpp"
#include "harness/seeds.hpp"

namespace {

size_t write_seeds(const std::filesystem::path& dir, std::string_view prefix,
                   const std::vector<std::string>& seeds) {
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(dir / (std::string(prefix) + std::to_string(i)), std::ios::binary);
    out << seeds[i];
  }
  return seeds.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s <corpus dir> [shared data dir]\n", argv[0]);
    return 2;
  }
  std::filesystem::path root = argv[1];
  std::string shared_data = argc == 3 ? argv[2] : "";
  for (const tw::fuzz::FuzzTarget& target : tw::fuzz::fuzz_targets()) {
    std::filesystem::path dir = root / target.name;
    std::filesystem::create_directories(dir);
    size_t hand = write_seeds(dir, "hand_", tw::fuzz::hand_seeds(target.name));
    size_t real = shared_data.empty()
                      ? 0
                      : write_seeds(dir, "real_", tw::fuzz::real_seeds(target.name, shared_data));
    std::printf("%s: %zu hand-written, %zu real seeds\n", dir.c_str(), hand, real);
  }
  return 0;
}
