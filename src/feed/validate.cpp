#include "feed/validate.hpp"

#include <cstring>
#include <limits>

#include "util/swar.hpp"

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

using swar::all_digits;
using swar::eight_digits_value;
using swar::kEveryByte;
using swar::load8;

// The ":ss.ffffff" at text[16, 26) of an ISO time with microseconds, as nanoseconds into its
// minute; -1 when it is anything else. Two overlapping words, ":ss.ffff" and "s.ffffff", so
// that nothing past the 26th byte is read.
int64_t fixed_tail_nanos(const char* tail) {
  // Punctuation is checked through a mask, then replaced by '0' so that all_digits sees digits.
  constexpr uint64_t kHeadPunct = 0x00000000ff0000ffULL;  // ':' and '.'
  constexpr uint64_t kHeadExpect = 0x000000002e00003aULL;
  constexpr uint64_t kSecondAndPoint = 0xffffULL;  // checked as part of the head already
  constexpr uint64_t kZeros = kEveryByte * '0';
  uint64_t head = load8(tail);
  if ((head & kHeadPunct) != kHeadExpect) return -1;
  head = (head & ~kHeadPunct) | (kZeros & kHeadPunct);
  uint64_t micros = (load8(tail + 2) & ~kSecondAndPoint) | (kZeros & kSecondAndPoint);
  if (!all_digits(head) || !all_digits(micros)) return -1;
  int64_t seconds = static_cast<int64_t>(((head >> 8) & 0x0f) * 10 + ((head >> 16) & 0x0f));
  if (seconds > 60) return -1;  // parse_iso8601's bound: a leap second is allowed
  return seconds * 1'000'000'000 + static_cast<int64_t>(eight_digits_value(micros)) * 1000;
}

bool is_sane_time(Timestamp t) {
  return t >= kEarliestSaneTime && t < kLatestSaneTime;
}

// Case folding for the side words: OR-ing 0x20 into a byte maps 'A'-'Z' onto 'a'-'z', and
// against a letter it matches exactly that letter in either case (as iequals does).
constexpr uint32_t kFoldCase = 0x20202020;

// The first `n` (3 or 4) bytes of text as a word, first byte lowest, folded to lower case.
uint32_t folded_word(std::string_view text, size_t n) {
  uint32_t word = 0;
  std::memcpy(&word, text.data(), n);
  return word | (kFoldCase >> (8 * (4 - n)));
}

// The word of a lower-case spelling of at most 4 bytes, first byte lowest.
constexpr uint32_t word_of(std::string_view lower) {
  uint32_t word = 0;
  for (size_t i = 0; i < lower.size(); ++i) {
    word |= uint32_t{static_cast<unsigned char>(lower[i])} << (8 * i);
  }
  return word;
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

bool TimeParser::parse(std::string_view text, Timestamp& out, RowError& error) {
  // "YYYY-MM-DDThh:mm:ss.ffffff" then 'Z' or nothing: UTC either way.
  constexpr size_t kFixedLength = 26;
  bool fixed =
      text.size() == kFixedLength || (text.size() == kFixedLength + 1 && text.back() == 'Z');
  int64_t tail = fixed ? fixed_tail_nanos(text.data() + kMinuteLength) : -1;
  if (tail < 0) return parse_time(text, out, error);
  if (has_minute_ && std::memcmp(text.data(), minute_text_, kMinuteLength) == 0) {
    out = Timestamp::from_nanos(minute_nanos_ + tail);
    // Tested here first so that the common row makes no call.
    return is_sane_time(out) || check_time_range(out, text, error);
  }
  if (!parse_time(text, out, error)) return false;
  // parse_time accepted the prefix; with this fixed tail (UTC) the prefix alone gives the
  // minute's time, so every later row with the same prefix and a valid tail is valid too.
  std::memcpy(minute_text_, text.data(), kMinuteLength);
  minute_nanos_ = out.nanos() - tail;
  has_minute_ = true;
  return true;
}

bool parse_epoch_time(std::string_view text, Timestamp& out, RowError& error) {
  if (!require_field("timestamp", text, error)) return false;
  size_t i = 0;
  uint64_t integer_part = 0;
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

// By length first, then one compare: trying each spelling in turn showed up in profiles.
bool parse_side(std::string_view text, Side& out, RowError& error) {
  Side side = Side::kUnknown;
  bool known = true;
  switch (text.size()) {
    case 0:
      break;
    case 1: {
      char folded = static_cast<char>(text[0] | 0x20);
      known = folded == 'b' || folded == 's';
      side = folded == 'b' ? Side::kBuy : Side::kSell;
      break;
    }
    case 3:
      known = folded_word(text, 3) == word_of("buy");
      side = Side::kBuy;
      break;
    case 4:
      known = folded_word(text, 4) == word_of("sell");
      side = Side::kSell;
      break;
    default:
      known = false;
  }
  if (!known) {
    return error.set(RejectReason::kUnknownSide, "side '{}' is not BUY or SELL", shown(text));
  }
  out = side;
  return true;
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
