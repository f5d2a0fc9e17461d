#include "model/timestamp.hpp"

#include <limits>

namespace tw {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Writes `value` as exactly `width` digits, zero-padded (value < 10^width); returns width.
size_t put_digits(char* out, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return static_cast<size_t>(width);
}

bool read_digits(const char*& p, const char* end, int count, int& out) {
  if (end - p < count) return false;
  int v = 0;
  for (int i = 0; i < count; ++i) {
    unsigned d = static_cast<unsigned>(p[i] - '0');
    if (d > 9) return false;
    v = v * 10 + static_cast<int>(d);
  }
  p += count;
  out = v;
  return true;
}

bool expect(const char*& p, const char* end, char c) {
  if (p == end || *p != c) return false;
  ++p;
  return true;
}

constexpr bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Parses an optional zone suffix into an offset east of UTC in seconds.
bool parse_zone(const char*& p, const char* end, int& offset_seconds) {
  offset_seconds = 0;
  if (p == end) return true;
  if (*p == 'Z' || *p == 'z') {
    ++p;
    return true;
  }
  if (*p != '+' && *p != '-') return false;
  int sign = *p == '-' ? -1 : 1;
  ++p;
  int hh = 0, mm = 0;
  if (!read_digits(p, end, 2, hh)) return false;
  if (p != end && *p == ':') ++p;
  if (p != end && !read_digits(p, end, 2, mm)) return false;
  if (hh > 23 || mm > 59) return false;
  offset_seconds = sign * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

std::optional<Timestamp> Timestamp::parse_iso8601(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  int year, month, day, hour, minute, second;
  if (!read_digits(p, end, 4, year) || !expect(p, end, '-') || !read_digits(p, end, 2, month) ||
      !expect(p, end, '-') || !read_digits(p, end, 2, day)) {
    return std::nullopt;
  }
  if (p == end || (*p != 'T' && *p != 't' && *p != ' ')) return std::nullopt;
  ++p;
  if (!read_digits(p, end, 2, hour) || !expect(p, end, ':') || !read_digits(p, end, 2, minute) ||
      !expect(p, end, ':') || !read_digits(p, end, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t fraction_ns = 0;
  if (p != end && (*p == '.' || *p == ',')) {
    ++p;
    int digits = 0;
    int64_t scale = 100'000'000;
    while (p != end && static_cast<unsigned>(*p - '0') <= 9) {
      if (digits < 9) {
        fraction_ns += (*p - '0') * scale;
        scale /= 10;
      }
      ++digits;
      ++p;
    }
    if (digits == 0) return std::nullopt;
  }
  int offset = 0;
  if (!parse_zone(p, end, offset) || p != end) return std::nullopt;
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  // Nanoseconds since 1970 fit int64 only from 1677 to 2262: other years would wrap around.
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kNanosPerSecond - 1;
  if (secs > kMaxSeconds || secs < -kMaxSeconds) return std::nullopt;
  return Timestamp(secs * kNanosPerSecond + fraction_ns);
}

std::string Timestamp::to_iso8601() const {
  int64_t secs = ns_ / kNanosPerSecond;
  int64_t frac = ns_ % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  // Digits written by hand: snprintf cost more than all the rest. 64-bit nanoseconds span
  // the years 1677 to 2262, so the year always has four digits.
  char buf[32];
  size_t n = put_digits(buf, static_cast<uint64_t>(date.year), 4);
  buf[n++] = '-';
  n += put_digits(buf + n, date.month, 2);
  buf[n++] = '-';
  n += put_digits(buf + n, date.day, 2);
  buf[n++] = 'T';
  n += put_digits(buf + n, static_cast<uint64_t>(sod / 3600), 2);
  buf[n++] = ':';
  n += put_digits(buf + n, static_cast<uint64_t>(sod / 60 % 60), 2);
  buf[n++] = ':';
  n += put_digits(buf + n, static_cast<uint64_t>(sod % 60), 2);
  if (frac != 0) {
    buf[n++] = '.';
    size_t len = put_digits(buf + n, static_cast<uint64_t>(frac), 9);
    while (buf[n + len - 1] == '0') --len;
    n += len;
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

std::optional<Duration> Duration::parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && static_cast<unsigned>(text[i] - '0') <= 9) {
    value = value * 10 + (text[i] - '0');
    if (value > 1'000'000'000'000LL) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  int64_t mult = 0;
  if (unit.empty() || unit == "s")
    mult = kNanosPerSecond;
  else if (unit == "ns")
    mult = 1;
  else if (unit == "us")
    mult = 1'000;
  else if (unit == "ms")
    mult = 1'000'000;
  else if (unit == "m" || unit == "min")
    mult = 60 * kNanosPerSecond;
  else if (unit == "h")
    mult = 3600 * kNanosPerSecond;
  else if (unit == "d")
    mult = 86400 * kNanosPerSecond;
  else
    return std::nullopt;
  if (value > INT64_MAX / mult) return std::nullopt;
  return Duration(value * mult);
}

std::string Duration::to_string() const {
  struct Unit {
    int64_t ns;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{86400 * kNanosPerSecond, "d"},
                                    {3600 * kNanosPerSecond, "h"},
                                    {60 * kNanosPerSecond, "m"},
                                    {kNanosPerSecond, "s"},
                                    {1'000'000, "ms"},
                                    {1'000, "us"}};
  if (ns_ != 0) {
    for (const Unit& u : kUnits) {
      if (ns_ % u.ns == 0) return std::to_string(ns_ / u.ns) + u.name;
    }
  }
  return std::to_string(ns_) + (ns_ == 0 ? "s" : "ns");
}

bool parse_civil_date(std::string_view text, int64_t& year, unsigned& month, unsigned& day) {
  if (text.size() != 10 || !Timestamp::parse_iso8601(std::string(text) + "T00:00:00Z")) {
    return false;
  }
  auto number = [&](size_t at, size_t n) {
    int64_t v = 0;
    for (char c : text.substr(at, n)) v = v * 10 + (c - '0');
    return v;
  };
  year = number(0, 4);
  month = static_cast<unsigned>(number(5, 2));
  day = static_cast<unsigned>(number(8, 2));
  return true;
}

}  // namespace tw
