#include "detect/detector.hpp"
#include "detect/excessive_spread.hpp"
#include "detect/layering.hpp"
#include "detect/marking_the_close.hpp"
#include "detect/momentum_ignition.hpp"
#include "detect/order_to_trade_ratio.hpp"
#include "detect/pump_and_dump.hpp"
#include "detect/quote_stuffing.hpp"
#include "detect/spoofing.hpp"
#include "detect/wash_collusive_ring.hpp"
#include "detect/wash_round_trip.hpp"
#include "detect/wash_volume_anomaly.hpp"

namespace tw {

// One line per rule; each detector file defines its own RuleInfo factory.
// clang-format off
const std::vector<RuleInfo>& rule_registry() {
  static const std::vector<RuleInfo> rules = {
      wash_round_trip_rule(),
      wash_volume_anomaly_rule(),
      pump_and_dump_rule(),
      spoofing_rule(),
      layering_rule(),
      quote_stuffing_rule(),
      momentum_ignition_rule(),
      excessive_spread_rule(),
      marking_the_close_rule(),
      order_to_trade_ratio_rule(),
      wash_collusive_ring_rule(),
  };
  return rules;
}
// clang-format on

const RuleInfo* find_rule(std::string_view name) {
  for (const RuleInfo& r : rule_registry()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace tw
