#include "model/fixed_point.hpp"

#include <limits>

#include "model/short_decimal.hpp"

namespace tw {
namespace {

using short_decimal_detail::kPow10;

bool fail(DecimalError* error, DecimalError what) {
  if (error) *error = what;
  return false;
}

// Every other text, digit by digit. Kept out of line so that the short path runs without
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
  int64_t scaled_fraction = fraction * kPow10[kFixedDecimals - frac_digits];
  // units <= kMaxUnits keeps units * kFixedScale in range, but not with the fraction added.
  if (units > (std::numeric_limits<int64_t>::max() - scaled_fraction) / kFixedScale) {
    return fail(error, DecimalError::kOverflow);
  }
  int64_t raw = units * kFixedScale + scaled_fraction;
  out = negative ? -raw : raw;
  return true;
}

}  // namespace

bool parse_scaled_decimal(std::string_view text, int64_t& out, DecimalError* error) {
  return parse_short_decimal(text, out) || parse_split_decimal(text, out) ||
         parse_long_decimal(text, out, error);
}

// Written right to left into one buffer and appended once: a push_back per character costs a
// capacity check each, and the store formats several decimals per bar and alert.
void append_scaled_decimal(std::string& out, int64_t raw) {
  uint64_t magnitude = raw < 0 ? static_cast<uint64_t>(-(raw + 1)) + 1 : static_cast<uint64_t>(raw);
  uint64_t units = magnitude / kFixedScale;
  uint64_t fraction = magnitude % kFixedScale;
  char buf[32];  // sign, up to 11 integer digits (int64 / 1e8), '.', 8 decimals
  char* end = buf + sizeof buf;
  char* p = end;
  if (fraction != 0) {
    int decimals = kFixedDecimals;
    while (fraction % 10 == 0) {  // trailing zeros are not written
      fraction /= 10;
      --decimals;
    }
    for (int i = 0; i < decimals; ++i, fraction /= 10)
      *--p = static_cast<char>('0' + fraction % 10);
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + units % 10);
    units /= 10;
  } while (units != 0);
  if (raw < 0) *--p = '-';
  out.append(p, static_cast<size_t>(end - p));
}

std::string format_scaled_decimal(int64_t raw) {
  std::string s;
  append_scaled_decimal(s, raw);
  return s;
}

}  // namespace tw
