// The inline fast paths of parse_scaled_decimal: 1-8 bytes of digits with at most one '.', and
// up to 8 integer digits and 8 decimals around a '.'.
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

inline uint64_t load_short(std::string_view text) {
  return swar::load_1_to_8(text.data(), text.size());
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

/// parse_scaled_decimal for the longer texts venues print with all their decimals, such as
/// Binance's "87648.21000000": 1-8 integer digits, a '.', 1-8 decimals, each part converted in
/// one word; false for anything else, which parse_scaled_decimal then decides.
[[gnu::always_inline]] inline bool parse_split_decimal(std::string_view text, int64_t& out) {
  size_t n = text.size();
  if (n < 3 || n > 2 * kFixedDecimals + 1) return false;
  // The dot is within the first nine bytes: at most eight integer digits come before it.
  uint64_t dots = swar::bytes_equal(short_decimal_detail::load_short(text.substr(0, 8)), '.');
  size_t int_digits = dots != 0                 ? static_cast<size_t>(std::countr_zero(dots) >> 3)
                      : n > 8 && text[8] == '.' ? 8
                                                : n;
  size_t decimals = n - int_digits - 1;
  if (int_digits == 0 || int_digits > 8 || decimals == 0 || decimals > kFixedDecimals) {
    return false;
  }
  uint64_t units, fraction;
  if (!swar::digits_1_to_8(text.data(), int_digits, units) ||
      !swar::digits_1_to_8(text.data() + int_digits + 1, decimals, fraction)) {
    return false;
  }
  out = static_cast<int64_t>(units) * kFixedScale +
        static_cast<int64_t>(fraction) * short_decimal_detail::kPow10[kFixedDecimals - decimals];
  return true;
}

}  // namespace tw
