#include "model/fixed_point.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include "util/swar.hpp"

namespace tw {
namespace {

constexpr int64_t kPow10[kFixedDecimals + 1] = {1,      10,      100,      1000,     10000,
                                                100000, 1000000, 10000000, 100000000};

bool fail(DecimalError* error, DecimalError what) {
  if (error) *error = what;
  return false;
}

// The 1-8 bytes of `text` in one word, first byte lowest, zeros above, without reading past its
// end: two overlapping 4-byte loads, or the first, middle and last byte below 4.
uint64_t load_short(std::string_view text) {
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

// Nearly every price and quantity is 1-8 bytes of digits with at most one '.': those are read
// in a few word operations instead of a loop per digit. Anything else returns false, and the
// general parser below then gives the result (or the error) exactly as before.
bool parse_short_decimal(std::string_view text, int64_t& out) {
  using swar::kEveryByte;
  size_t n = text.size();
  if (n == 0 || n > 8) return false;
  uint64_t word = load_short(text);
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
  out = static_cast<int64_t>(value) * kPow10[kFixedDecimals - (digits - int_digits)];
  return true;
}

// Every other text, digit by digit. Kept out of line so that the short path above runs without
// the register saves this loop needs.
[[gnu::noinline]] bool parse_long_decimal(std::string_view text, int64_t& out,
                                          DecimalError* error) {
  if (text.empty()) return fail(error, DecimalError::kEmpty);
  const char* p = text.data();
  const char* end = p + text.size();
  bool negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    ++p;
  }
  constexpr int64_t kMaxUnits = std::numeric_limits<int64_t>::max() / kFixedScale;
  int64_t units = 0;
  const char* int_start = p;
  while (p < end && static_cast<unsigned>(*p - '0') <= 9) {
    units = units * 10 + (*p - '0');
    if (units > kMaxUnits) return fail(error, DecimalError::kOverflow);
    ++p;
  }
  bool has_int_digits = p != int_start;
  int64_t fraction = 0;
  int frac_digits = 0;
  if (p < end && *p == '.') {
    ++p;
    const char* frac_start = p;
    while (p < end && static_cast<unsigned>(*p - '0') <= 9) {
      if (frac_digits < kFixedDecimals) {
        fraction = fraction * 10 + (*p - '0');
        ++frac_digits;
      } else if (*p != '0') {
        return fail(error, DecimalError::kTooManyDecimals);
      }
      ++p;
    }
    if (p == frac_start && !has_int_digits) return fail(error, DecimalError::kSyntax);
  } else if (!has_int_digits) {
    return fail(error, DecimalError::kSyntax);
  }
  if (p != end) return fail(error, DecimalError::kSyntax);
  int64_t raw = units * kFixedScale + fraction * kPow10[kFixedDecimals - frac_digits];
  out = negative ? -raw : raw;
  return true;
}

}  // namespace

bool parse_scaled_decimal(std::string_view text, int64_t& out, DecimalError* error) {
  return parse_short_decimal(text, out) || parse_long_decimal(text, out, error);
}

void append_scaled_decimal(std::string& out, int64_t raw) {
  uint64_t magnitude = raw < 0 ? static_cast<uint64_t>(-(raw + 1)) + 1 : static_cast<uint64_t>(raw);
  if (raw < 0) out.push_back('-');
  uint64_t units = magnitude / kFixedScale;
  uint64_t fraction = magnitude % kFixedScale;
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + units % 10);
    units /= 10;
  } while (units != 0);
  while (n > 0) out.push_back(buf[--n]);
  if (fraction == 0) return;
  char frac[kFixedDecimals];
  for (int i = kFixedDecimals - 1; i >= 0; --i) {
    frac[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  int len = kFixedDecimals;
  while (len > 0 && frac[len - 1] == '0') --len;
  out.push_back('.');
  out.append(frac, static_cast<size_t>(len));
}

std::string format_scaled_decimal(int64_t raw) {
  std::string s;
  append_scaled_decimal(s, raw);
  return s;
}

}  // namespace tw
