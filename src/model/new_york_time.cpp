#include "model/new_york_time.hpp"

namespace tw {
namespace {

constexpr int64_t kNanosPerHour = 3'600'000'000'000;
constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;

// 0 = Sunday; 1970-01-01 was a Thursday.
unsigned weekday(int64_t y, unsigned m, unsigned d) {
  int64_t days = days_from_civil(y, m, d);
  return static_cast<unsigned>(((days + 4) % 7 + 7) % 7);
}

// Day of the month of its n-th Sunday (n from 1).
unsigned nth_sunday(int64_t y, unsigned m, unsigned n) {
  unsigned first = 1 + (7 - weekday(y, m, 1)) % 7;
  return first + 7 * (n - 1);
}

unsigned last_sunday(int64_t y, unsigned m, unsigned days_in_month) {
  return days_in_month - weekday(y, m, days_in_month);
}

}  // namespace

bool new_york_daylight_saving(int64_t y, unsigned m, unsigned d) {
  unsigned start_month = 4, start_day = nth_sunday(y, 4, 1);
  unsigned end_month = 10, end_day = last_sunday(y, 10, 31);
  if (y >= 2007) {
    start_month = 3;
    start_day = nth_sunday(y, 3, 2);
    end_month = 11;
    end_day = nth_sunday(y, 11, 1);
  }
  auto key = [](unsigned month, unsigned day) { return month * 32 + day; };
  return key(m, d) >= key(start_month, start_day) && key(m, d) < key(end_month, end_day);
}

Timestamp from_new_york_time(int64_t y, unsigned m, unsigned d, int64_t local_nanos) {
  const int64_t utc_offset_hours = new_york_daylight_saving(y, m, d) ? 4 : 5;
  return Timestamp::from_nanos(days_from_civil(y, m, d) * kNanosPerDay + local_nanos +
                               utc_offset_hours * kNanosPerHour);
}

}  // namespace tw
