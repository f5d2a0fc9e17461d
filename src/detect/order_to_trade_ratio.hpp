// order_to_trade_ratio: order messages per execution of one sender over an aligned period above
// a limit, in the spirit of MiFID II RTS 9 (orders sent against transactions).
#pragma once

#include "detect/detector.hpp"

namespace tw {

/// Catalogue entry of order_to_trade_ratio (parameters, defaults and factory).
RuleInfo order_to_trade_ratio_rule();

}  // namespace tw
