// wash.volume_anomaly: a symbol's rolling traded volume far above its own trailing baseline.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of wash.volume_anomaly (parameters, defaults and factory).
RuleInfo wash_volume_anomaly_rule();

}  // namespace tw
