// Hard invariant checks for the fuzz entry points: a broken one prints and aborts, so that
// libFuzzer keeps the input and a unit test run fails.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace tw::fuzz {

/// Prints "tapewatch fuzz invariant broken: <what>" to stderr and aborts.
[[noreturn]] void fail(std::string_view what);

/// fail(what) unless `ok`.
inline void check(bool ok, std::string_view what) {
  if (!ok) fail(what);
}

/// fail(formatted message) unless `ok`; the message is formatted only on failure.
template <class... Args>
void check(bool ok, fmt::format_string<Args...> format, Args&&... args) {
  if (!ok) fail(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace tw::fuzz
