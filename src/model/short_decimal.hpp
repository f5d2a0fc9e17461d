// The inline fast path of parse_scaled_decimal: texts of 1-8 digits with at most one '.'.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "model/fixed_point.hpp"
#include "util/swar.hpp"

namespace tw {

namespace short_decimal_detail {

inline constexpr int64_t kPow10[kFixedDecimals + 1] = {1,      10,      100,      1000,     10000,
                                                       100000, 1000000, 10000000, 100000000};

// The 1-8 bytes of `text` in one word, first byte lowest, zeros above, without reading past its
// end: two overlapping 4-byte loads, or the first, middle and last byte below 4.
inline uint64_t load_short(std::string_view text) {
  const char* p = text.data();
  size_t n = text.size();
  if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    return head | uint64_t{tail} << (8 * (n - 4));
  }
  return uint64_t{static_cast<unsigned char>(p[0])} |
         uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2)) |
         uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1));
}

}  // namespace short_decimal_detail

/// parse_scaled_decimal for the texts nearly every price and quantity is, 1-8 bytes of digits
/// with at most one '.', read in a few word operations instead of a loop per digit; false for
/// anything else, which parse_scaled_decimal then decides. Inline so that the field parsers run
/// it without a call: the call and its register saves cost as much as the parse (forced, as
/// GCC declined to inline it into the row parser).
[[gnu::always_inline]] inline bool parse_short_decimal(std::string_view text, int64_t& out) {
  using swar::kEveryByte;
  size_t n = text.size();
  if (n == 0 || n > 8) return false;
  uint64_t word = short_decimal_detail::load_short(text);
  uint64_t text_bytes = ~uint64_t{0} >> (64 - 8 * n);
  uint64_t dots = swar::bytes_equal(word, '.') & text_bytes;
  if ((dots & (dots - 1)) != 0) return false;  // two dots
  // The dot and the bytes past the text become '0' so that one test checks the rest are digits.
  uint64_t dot_byte = (dots >> 7) * 0xff;
  uint64_t zeros = kEveryByte * '0';
  if (!swar::all_digits((word & ~dot_byte) | (zeros & (dot_byte | ~text_bytes)))) return false;
  size_t digits = n - (dots != 0);
  if (digits == 0) return false;
  size_t int_digits = n;
  if (dots != 0) {
    // The digits after the dot move down one byte, over it.
    int_digits = static_cast<size_t>(std::countr_zero(dots) >> 3);
    uint64_t int_bytes = (uint64_t{1} << (8 * int_digits)) - 1;
    word = (word & int_bytes) | ((word >> 8) & ~int_bytes);
  }
  // eight_digits_value reads the first byte as the most significant: the digits go to the top
  // of the word, with zero bytes (leading zeros) below them.
  uint64_t value = swar::eight_digits_value(word << (8 * (8 - digits)));
  out = static_cast<int64_t>(value) *
        short_decimal_detail::kPow10[kFixedDecimals - (digits - int_digits)];
  return true;
}

}  // namespace tw
