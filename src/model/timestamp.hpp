// Event time: nanoseconds since the Unix epoch (UTC), and durations in nanoseconds.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tw {

/// A span of event time in nanoseconds.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration nanos(int64_t n) { return Duration(n); }
  static constexpr Duration micros(int64_t n) { return Duration(n * 1'000); }
  static constexpr Duration millis(int64_t n) { return Duration(n * 1'000'000); }
  static constexpr Duration seconds(int64_t n) { return Duration(n * 1'000'000'000); }
  static constexpr Duration minutes(int64_t n) { return seconds(n * 60); }
  static constexpr Duration hours(int64_t n) { return seconds(n * 3600); }

  /// Parses "250ms", "60s", "1m", "2h", "1d", "1500us", "10ns", or a bare number of seconds.
  static std::optional<Duration> parse(std::string_view text);
  /// Shortest exact text in the units parse() accepts ("60s" -> "1m").
  std::string to_string() const;

  constexpr int64_t count() const { return ns_; }
  constexpr double to_seconds() const { return static_cast<double>(ns_) / 1e9; }
  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

/// A point in event time, nanoseconds since 1970-01-01T00:00:00Z.
class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp from_nanos(int64_t ns) { return Timestamp(ns); }
  static constexpr Timestamp min() { return Timestamp(INT64_MIN); }
  static constexpr Timestamp max() { return Timestamp(INT64_MAX); }

  /// ISO-8601: "YYYY-MM-DD[T| ]hh:mm:ss[.f{1,9}][Z|+hh:mm|-hh:mm|+hhmm]"; no zone means UTC.
  static std::optional<Timestamp> parse_iso8601(std::string_view text);
  /// "YYYY-MM-DDThh:mm:ss[.fraction]Z" with the fraction trimmed of trailing zeros.
  std::string to_iso8601() const;

  constexpr int64_t nanos() const { return ns_; }
  constexpr double to_seconds() const { return static_cast<double>(ns_) / 1e9; }
  /// Start of the bucket of `width` holding this instant (floor, also before 1970).
  constexpr Timestamp floor_to(Duration width) const {
    int64_t w = width.count();
    int64_t q = ns_ / w;
    if (ns_ % w < 0) --q;
    return Timestamp(q * w);
  }

  constexpr auto operator<=>(const Timestamp&) const = default;
  constexpr Timestamp operator+(Duration d) const { return Timestamp(ns_ + d.count()); }
  constexpr Timestamp operator-(Duration d) const { return Timestamp(ns_ - d.count()); }
  constexpr Duration operator-(Timestamp o) const { return Duration::nanos(ns_ - o.ns_); }

 private:
  constexpr explicit Timestamp(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

/// The index of the bucket of `width` holding `t`, buckets aligned to multiples of `width`
/// since the epoch (floor division, so also before 1970).
constexpr int64_t aligned_index(Timestamp t, Duration width) {
  return t.floor_to(width).nanos() / width.count();
}
/// Where bucket `index` of `width` starts.
constexpr Timestamp aligned_start(int64_t index, Duration width) {
  return Timestamp::from_nanos(index * width.count());
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

/// A day of the proleptic Gregorian calendar.
struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};

/// The calendar day `days` after 1970-01-01: the inverse of days_from_civil.
constexpr CivilDate civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

/// A calendar day written "YYYY-MM-DD" (a real date: 2019-02-30 is not one); false otherwise.
bool parse_civil_date(std::string_view text, int64_t& year, unsigned& month, unsigned& day);

/// The range of event times tapewatch accepts: 1990-01-01 to 2100-01-01.
inline constexpr Timestamp kEarliestSaneTime =
    Timestamp::from_nanos(days_from_civil(1990, 1, 1) * 86'400'000'000'000);
inline constexpr Timestamp kLatestSaneTime =
    Timestamp::from_nanos(days_from_civil(2100, 1, 1) * 86'400'000'000'000);

}  // namespace tw
