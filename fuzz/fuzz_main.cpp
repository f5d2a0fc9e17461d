// The libFuzzer binary of one entry point, chosen at build time by TAPEWATCH_FUZZ_TARGET.
#include <cstddef>
#include <cstdint>

#include "harness/fuzz_targets.hpp"

#ifndef TAPEWATCH_FUZZ_TARGET
#error "define TAPEWATCH_FUZZ_TARGET as the entry point, e.g. fuzz_csv_header"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tw::fuzz::TAPEWATCH_FUZZ_TARGET(data, size);
  return 0;
}
