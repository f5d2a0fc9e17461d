// New York local time (US Eastern, with US daylight saving) to UTC, for exchange-local feeds.
#pragma once

#include <cstdint>

#include "model/timestamp.hpp"

namespace tw {

/// True when US daylight saving time is in force in New York on the civil date y-m-d: since
/// 2007 from the second Sunday in March to the first Sunday in November, from 1987 to 2006
/// from the first Sunday in April to the last Sunday in October. Judged by the date alone: the
/// clocks change at 02:00 local, outside every trading session.
bool new_york_daylight_saving(int64_t y, unsigned m, unsigned d);

/// The UTC time of `local_nanos` after midnight, New York time, on the civil date y-m-d.
Timestamp from_new_york_time(int64_t y, unsigned m, unsigned d, int64_t local_nanos);

}  // namespace tw
