// quote_stuffing: bursts of order messages, mostly cancelled and hardly ever filled, far above
// the sender's (or the symbol's) own trailing message rate.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of quote_stuffing (parameters, defaults and factory).
RuleInfo quote_stuffing_rule();

}  // namespace tw
