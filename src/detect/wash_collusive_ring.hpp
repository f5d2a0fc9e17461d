// wash.collusive_ring: three or more owners pass a symbol around among themselves in a cycle.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of wash.collusive_ring (parameters, defaults and factory).
RuleInfo wash_collusive_ring_rule();

}  // namespace tw
