// marking_the_close: closing-window trades that push the close away from the prior VWAP, then
// a reversal after the close or at the next open.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of marking_the_close (parameters, defaults and factory).
RuleInfo marking_the_close_rule();

}  // namespace tw
