// excessive_spread: a symbol's bid-ask spread held far above its own trailing median.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of excessive_spread (parameters, defaults and factory).
RuleInfo excessive_spread_rule();

}  // namespace tw
