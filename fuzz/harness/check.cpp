#include "check.hpp"

#include <cstdio>
#include <cstdlib>

namespace tw::fuzz {

void fail(std::string_view what) {
  std::fprintf(stderr, "tapewatch fuzz invariant broken: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace tw::fuzz
