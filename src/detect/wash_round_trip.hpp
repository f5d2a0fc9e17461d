// wash.round_trip: one beneficial owner on both sides of a symbol (self-trades and round trips).
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of wash.round_trip (parameters, defaults and factory).
RuleInfo wash_round_trip_rule();

}  // namespace tw
