// Field parsing and validation shared by every reader: each failure yields a RejectReason and a
// detail naming the field and its value ("price '-3' is not > 0").
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "feed/reject.hpp"
#include "model/event.hpp"
#include "model/short_decimal.hpp"

namespace tw {

/// Why a row was refused. Readers keep one and reuse it, so rejects do not allocate per row.
struct RowError {
  RejectReason reason = RejectReason::kMalformedRow;
  std::string detail;

  /// Records the reason and detail; returns false so parsers can `return error.set(...)`.
  template <class... Args>
  bool set(RejectReason why, fmt::format_string<Args...> format, Args&&... args) {
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

/// Fails with kMissingField ("symbol is empty") when `text` is empty.
bool require_field(std::string_view field, std::string_view text, RowError& error);
/// The value of a decimal > 0 as a raw fixed-point number: the whole of parse_price and
/// parse_quantity but their short-text fast path. Fails with kMissingField when `text` is
/// empty, with `bad` otherwise; `field` names the value in the detail.
bool parse_positive_decimal(std::string_view field, std::string_view text, RejectReason bad,
                            int64_t& raw, RowError& error);
/// A decimal > 0; kMissingField when empty, kBadPrice otherwise.
inline bool parse_price(std::string_view text, Price& out, RowError& error) {
  // The short well-formed positive value of nearly every row is read inline, without a call.
  int64_t raw = 0;
  if (!(parse_short_decimal(text, raw) && raw > 0) &&
      !parse_positive_decimal("price", text, RejectReason::kBadPrice, raw, error)) {
    return false;
  }
  out = Price::from_raw(raw);
  return true;
}
/// A decimal > 0; kMissingField when empty, kBadQuantity otherwise.
inline bool parse_quantity(std::string_view text, Quantity& out, RowError& error) {
  int64_t raw = 0;
  if (!(parse_short_decimal(text, raw) && raw > 0) &&
      !parse_positive_decimal("quantity", text, RejectReason::kBadQuantity, raw, error)) {
    return false;
  }
  out = Quantity::from_raw(raw);
  return true;
}
/// ISO-8601 (no zone = UTC) or a Unix epoch number; see parse_epoch_time.
bool parse_time(std::string_view text, Timestamp& out, RowError& error);
/// parse_time, faster on the layout most CSV exports write, "YYYY-MM-DDThh:mm:ss.ffffff[Z]":
/// consecutive rows share their date, hour and minute, so the time of the last such prefix is
/// kept with its text and, while it repeats, only the seconds and the fraction are read. The
/// results and errors are exactly parse_time's; any other layout simply takes parse_time.
class TimeParser {
 public:
  bool parse(std::string_view text, Timestamp& out, RowError& error);

 private:
  static constexpr size_t kMinuteLength = 16;  // "YYYY-MM-DDThh:mm"

  bool has_minute_ = false;
  char minute_text_[kMinuteLength] = {};
  int64_t minute_nanos_ = 0;
};
/// Unix epoch time whose unit is told by its magnitude: < 1e11 seconds, < 1e14 milliseconds,
/// < 1e17 microseconds, else nanoseconds (unambiguous for every time in the sane range). A
/// fraction is allowed ("1672531436.25"). kBadTimestamp or kTimeOutOfRange on failure.
bool parse_epoch_time(std::string_view text, Timestamp& out, RowError& error);
/// Fails with kTimeOutOfRange unless kEarliestSaneTime <= t < kLatestSaneTime.
bool check_time_range(Timestamp t, std::string_view text, RowError& error);
/// BUY/SELL or B/S in any case; empty gives Side::kUnknown. kUnknownSide otherwise.
bool parse_side(std::string_view text, Side& out, RowError& error);
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
