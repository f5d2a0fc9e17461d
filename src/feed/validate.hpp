// Field parsing and validation shared by every reader: each failure yields a RejectReason and a
// detail naming the field and its value ("price '-3' is not > 0").
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

#include "feed/reject.hpp"
#include "model/event.hpp"
#include "model/short_decimal.hpp"
#include "model/timestamp.hpp"
#include "util/swar.hpp"

namespace tw {

/// Why a row was refused. Readers keep one and reuse it, so rejects do not allocate per row.
struct RowError {
  RejectReason reason = RejectReason::kMalformedRow;
  std::string detail;

  /// Records the reason and detail; returns false so parsers can `return error.set(...)`. Out
  /// of line and cold: a parser's usual path stays short.
  template <class... Args>
  [[gnu::cold, gnu::noinline]] bool set(RejectReason why, fmt::format_string<Args...> format,
                                        Args&&... args) {
    reason = why;
    detail.clear();
    fmt::format_to(std::back_inserter(detail), format, std::forward<Args>(args)...);
    return false;
  }
};

/// A field value as quoted in a detail: cut to a readable length.
std::string_view shown(std::string_view value);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

/// The whole of `text` as an integer of type T (a leading '-' for signed types); false when
/// anything else is there or it does not fit.
template <class T>
bool parse_whole_integer(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

/// Fails with kMissingField ("symbol is empty") when `text` is empty.
bool require_field(std::string_view field, std::string_view text, RowError& error);
/// The value of a decimal > 0 as a raw fixed-point number: the whole of parse_price and
/// parse_quantity but their short-text fast path. Fails with kMissingField when `text` is
/// empty, with `bad` otherwise; `field` names the value in the detail.
bool parse_positive_decimal(std::string_view field, std::string_view text, RejectReason bad,
                            int64_t& raw, RowError& error);
/// A fixed-point value > 0 of type T (Price, Quantity); kMissingField when empty, `bad`
/// otherwise. The short well-formed positive value of nearly every row is read inline, without
/// a call.
template <class T>
[[gnu::always_inline]] inline bool parse_positive(std::string_view field, std::string_view text,
                                                  RejectReason bad, T& out, RowError& error) {
  int64_t raw = 0;
  if (!(parse_short_decimal(text, raw) && raw > 0) &&
      !parse_positive_decimal(field, text, bad, raw, error)) {
    return false;
  }
  out = T::from_raw(raw);
  return true;
}
/// A decimal > 0; kMissingField when empty, kBadPrice otherwise.
[[gnu::always_inline]] inline bool parse_price(std::string_view text, Price& out, RowError& error) {
  return parse_positive("price", text, RejectReason::kBadPrice, out, error);
}
/// A decimal > 0; kMissingField when empty, kBadQuantity otherwise.
[[gnu::always_inline]] inline bool parse_quantity(std::string_view text, Quantity& out,
                                                  RowError& error) {
  return parse_positive("quantity", text, RejectReason::kBadQuantity, out, error);
}
/// ISO-8601 (no zone = UTC) or a Unix epoch number; see parse_epoch_time.
bool parse_time(std::string_view text, Timestamp& out, RowError& error);
/// parse_time, faster on the layout most CSV exports write, "YYYY-MM-DDThh:mm:ss.ffffff[Z]":
/// consecutive rows share their date, hour and minute, so the time of the last such prefix is
/// kept with its text and, while it repeats, only the seconds and the fraction are read. The
/// results and errors are exactly parse_time's; any other layout simply takes parse_time.
class TimeParser {
 public:
  /// Forced inline: the row's common case (the minute seen last) is cheaper than a call.
  [[gnu::always_inline]] bool parse(std::string_view text, Timestamp& out, RowError& error) {
    int64_t tail = fixed_tail_nanos(text);
    if (tail >= 0 && std::memcmp(text.data(), minute_text_, kMinuteLength) == 0) {
      out = Timestamp::from_nanos(minute_nanos_ + tail);
      // A time out of range, and the text that happens to equal the unset minute, take the full
      // parse, which reports the former and tells the latter.
      if (out >= kEarliestSaneTime && out < kLatestSaneTime) return true;
    }
    return parse_minute(text, tail, out, error);
  }

 private:
  static constexpr size_t kMinuteLength = 16;  // "YYYY-MM-DDThh:mm"

  /// The ":ss.ffffff[Z]" after the minute of a text in the fixed layout as nanoseconds into its
  /// minute; -1 for a text in any other layout.
  static int64_t fixed_tail_nanos(std::string_view text);
  /// parse_time, keeping the text's minute when it has the fixed layout (tail >= 0).
  bool parse_minute(std::string_view text, int64_t tail, Timestamp& out, RowError& error);

  char minute_text_[kMinuteLength] = {};
  // Unset: a time from it lies far outside the sane range, so a text equal to the blank
  // minute_text_ is never taken for a cached minute.
  int64_t minute_nanos_ = INT64_MIN / 2;
};

inline int64_t TimeParser::fixed_tail_nanos(std::string_view text) {
  // "YYYY-MM-DDThh:mm:ss.ffffff" then 'Z' or nothing: UTC either way.
  constexpr size_t kFixedLength = 26;
  if (!(text.size() == kFixedLength || (text.size() == kFixedLength + 1 && text.back() == 'Z'))) {
    return -1;
  }
  // ":ss.ffffff" at text[16, 26), read as two overlapping words, ":ss.ffff" and "s.ffffff", so
  // that nothing past the 26th byte is read: the first gives the punctuation and the seconds'
  // digits, which replace "s." in the second to make the eight digits "ssffffff", the
  // microseconds into the minute, checked and converted at once.
  constexpr uint64_t kPunct = 0x00000000ff0000ffULL;  // ':' and '.'
  constexpr uint64_t kPunctExpected = 0x000000002e00003aULL;
  constexpr uint64_t kTwoBytes = 0xffffULL;
  const char* tail = text.data() + kMinuteLength;
  uint64_t head = swar::load8(tail);
  if ((head & kPunct) != kPunctExpected) return -1;
  uint64_t digits = (swar::load8(tail + 2) & ~kTwoBytes) | ((head >> 8) & kTwoBytes);
  if (!swar::all_digits(digits)) return -1;
  auto micros = static_cast<int64_t>(swar::eight_digits_value(digits));
  if (micros >= 61'000'000) return -1;  // parse_iso8601's bound: a leap second is allowed
  return micros * 1000;
}

/// Unix epoch time whose unit is told by its magnitude: < 1e11 seconds, < 1e14 milliseconds,
/// < 1e17 microseconds, else nanoseconds (unambiguous for every time in the sane range). A
/// fraction is allowed ("1672531436.25"). kBadTimestamp or kTimeOutOfRange on failure.
bool parse_epoch_time(std::string_view text, Timestamp& out, RowError& error);
/// Fails with kTimeOutOfRange unless kEarliestSaneTime <= t < kLatestSaneTime.
bool check_time_range(Timestamp t, std::string_view text, RowError& error);
namespace side_detail {

// Case folding for the side words: OR-ing 0x20 into a byte maps 'A'-'Z' onto 'a'-'z', and
// against a letter it matches exactly that letter in either case (as iequals does).
inline constexpr uint32_t kFoldCase = 0x20202020;

// The first `n` (3 or 4) bytes of text as a word, first byte lowest, folded to lower case.
inline uint32_t folded_word(std::string_view text, size_t n) {
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

}  // namespace side_detail

/// Fails with kUnknownSide for `text`: parse_side's report, out of line.
bool refuse_side(std::string_view text, RowError& error);
/// BUY/SELL or B/S in any case; empty gives Side::kUnknown. kUnknownSide otherwise. Inline
/// (forced): the call cost more than the test, by length first, then one compare.
[[gnu::always_inline]] inline bool parse_side(std::string_view text, Side& out, RowError& error) {
  using side_detail::folded_word;
  using side_detail::word_of;
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
  if (!known) return refuse_side(text, error);
  out = side;
  return true;
}
/// true/false (any case) or 1/0; kBadField otherwise.
bool parse_flag(std::string_view field, std::string_view text, bool& out, RowError& error);
/// An unsigned decimal integer; kMissingField when empty, kBadField otherwise.
bool parse_unsigned(std::string_view field, std::string_view text, uint64_t& out, RowError& error);

/// Sends rejects of one source to a sink.
class RejectReporter {
 public:
  RejectReporter(std::string source, RejectSink& sink) : source_(std::move(source)), sink_(sink) {}
  void report(uint64_t line, std::string_view raw, const RowError& error) {
    report(line, raw, error.reason, error.detail);
  }
  void report(uint64_t line, std::string_view raw, RejectReason reason, std::string_view detail) {
    sink_.reject(Reject{source_, line, raw, reason, detail});
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  RejectSink& sink_;
};

}  // namespace tw
