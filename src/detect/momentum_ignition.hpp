// momentum_ignition: a burst of aggressive trades that moves a symbol's price, then reverses.
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of momentum_ignition (parameters, defaults and factory).
RuleInfo momentum_ignition_rule();

}  // namespace tw
