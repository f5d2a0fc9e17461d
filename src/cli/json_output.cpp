#include "cli/json_output.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace tw::cli {

void write_json_output(const std::string& path, const std::string& json, std::string_view what) {
  if (path == "-") {
    fmt::print("{}\n", json);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out << json << '\n';
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the {}", path, what));
}

}  // namespace tw::cli
