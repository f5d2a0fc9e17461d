#include "feed/validate.hpp"

#include "util/swar.hpp"

#include <cstring>
#include <limits>

namespace tw {
namespace {

constexpr size_t kShownChars = 64;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool is_digit(char c) {
  return static_cast<unsigned>(c - '0') <= 9;
}

// Nanoseconds per unit for an epoch integer part of this magnitude.
int64_t epoch_unit_nanos(uint64_t integer_part) {
  if (integer_part < 100'000'000'000ULL) return 1'000'000'000;
  if (integer_part < 100'000'000'000'000ULL) return 1'000'000;
  if (integer_part < 100'000'000'000'000'000ULL) return 1'000;
  return 1;
}

bool is_sane_time(Timestamp t) {
  return t >= kEarliestSaneTime && t < kLatestSaneTime;
}

}  // namespace

std::string_view shown(std::string_view value) {
  return value.substr(0, kShownChars);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool require_field(std::string_view field, std::string_view text, RowError& error) {
  if (text.empty()) return error.set(RejectReason::kMissingField, "{} is empty", field);
  return true;
}

bool parse_positive_decimal(std::string_view field, std::string_view text, RejectReason bad,
                            int64_t& raw, RowError& error) {
  // A well-formed positive value is tested first: the reasons for a refusal are worked out
  // only when there is one.
  if (parse_scaled_decimal(text, raw) && raw > 0) return true;
  if (!require_field(field, text, error)) return false;
  if (!parse_scaled_decimal(text, raw)) {
    return error.set(bad, "{} '{}' is not a decimal number", field, shown(text));
  }
  return error.set(bad, "{} '{}' is not > 0", field, shown(text));
}

bool parse_time(std::string_view text, Timestamp& out, RowError& error) {
  if (!require_field("timestamp", text, error)) return false;
  bool iso = text.size() > 4 && text[4] == '-';
  if (!iso) return parse_epoch_time(text, out, error);
  auto t = Timestamp::parse_iso8601(text);
  if (!t) {
    return error.set(RejectReason::kBadTimestamp, "timestamp '{}' is not an ISO-8601 time",
                     shown(text));
  }
  out = *t;
  return check_time_range(out, text, error);
}

bool TimeParser::parse_minute(std::string_view text, int64_t tail, Timestamp& out,
                              RowError& error) {
  if (!parse_time(text, out, error)) return false;
  if (tail < 0) return true;
  // parse_time accepted the prefix; with this fixed tail (UTC) the prefix alone gives the
  // minute's time, so every later row with the same prefix and a valid tail is valid too.
  std::memcpy(minute_text_, text.data(), kMinuteLength);
  minute_nanos_ = out.nanos() - tail;
  return true;
}

bool parse_epoch_time(std::string_view text, Timestamp& out, RowError& error) {
  if (!require_field("timestamp", text, error)) return false;
  size_t i = 0;
  uint64_t integer_part = 0;
  // Milli- and microsecond times (13 and 16 digits) in two word conversions.
  if (text.size() <= 16 && swar::digits_1_to_16(text.data(), text.size(), integer_part)) {
    i = text.size();
  }
  for (; i < text.size() && is_digit(text[i]); ++i) {
    if (i == 19) {
      return error.set(RejectReason::kTimeOutOfRange, "timestamp '{}' is out of range",
                       shown(text));
    }
    integer_part = integer_part * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  uint64_t fraction = 0;
  int64_t fraction_scale = 1;
  bool has_fraction = i < text.size() && text[i] == '.';
  if (has_fraction) {
    for (++i; i < text.size() && is_digit(text[i]); ++i) {
      if (fraction_scale < 1'000'000'000) {
        fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
        fraction_scale *= 10;
      }
    }
  }
  if (i == 0 || i != text.size() || (has_fraction && fraction_scale == 1)) {
    return error.set(RejectReason::kBadTimestamp,
                     "timestamp '{}' is neither an ISO-8601 time nor an epoch number", shown(text));
  }
  int64_t unit = epoch_unit_nanos(integer_part);
  if (integer_part > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / unit) - 1) {
    return error.set(RejectReason::kTimeOutOfRange, "timestamp '{}' is out of range", shown(text));
  }
  int64_t nanos = static_cast<int64_t>(integer_part) * unit +
                  static_cast<int64_t>(fraction) * unit / fraction_scale;
  out = Timestamp::from_nanos(nanos);
  return check_time_range(out, text, error);
}

bool check_time_range(Timestamp t, std::string_view text, RowError& error) {
  if (is_sane_time(t)) return true;
  return error.set(RejectReason::kTimeOutOfRange,
                   "timestamp '{}' is outside 1990-01-01..2100-01-01", shown(text));
}

bool refuse_side(std::string_view text, RowError& error) {
  return error.set(RejectReason::kUnknownSide, "side '{}' is not BUY or SELL", shown(text));
}

bool parse_flag(std::string_view field, std::string_view text, bool& out, RowError& error) {
  if (iequals(text, "true") || text == "1") {
    out = true;
  } else if (iequals(text, "false") || text == "0") {
    out = false;
  } else {
    return error.set(RejectReason::kBadField, "{} '{}' is not true or false", field, shown(text));
  }
  return true;
}

bool parse_unsigned(std::string_view field, std::string_view text, uint64_t& out, RowError& error) {
  if (!require_field(field, text, error)) return false;
  if (text.size() <= 16 && swar::digits_1_to_16(text.data(), text.size(), out)) return true;
  uint64_t value = 0;
  for (char c : text) {
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (digit > 9 || value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return error.set(RejectReason::kBadField, "{} '{}' is not an unsigned integer", field,
                       shown(text));
    }
    value = value * 10 + digit;
  }
  out = value;
  return true;
}

}  // namespace tw
