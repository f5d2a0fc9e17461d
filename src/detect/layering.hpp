// layering: orders placed at several price levels of one side within moments, together large
// against the visible depth, then pulled together soon after a trade against them.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of layering (parameters, defaults and factory).
RuleInfo layering_rule();

}  // namespace tw
