// Facts about the running process: peak memory, and whether stderr is a terminal.
#pragma once

#include <cstdint>

namespace tw {

/// Peak resident set size of this process so far, in bytes.
uint64_t peak_rss_bytes();
bool stderr_is_terminal();

}  // namespace tw
