// spoofing: a large order pulled soon after it was placed, mostly unfilled, while the other
// side traded.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of spoofing (parameters, defaults and factory).
RuleInfo spoofing_rule();

}  // namespace tw
