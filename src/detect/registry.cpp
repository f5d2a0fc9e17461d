#include "detect/detector.hpp"
#include "detect/pump_and_dump.hpp"

namespace tw {

// One line per rule; each detector file defines its own RuleInfo factory.

const std::vector<RuleInfo>& rule_registry() {
  static const std::vector<RuleInfo> rules = {
      pump_and_dump_rule(),
  };
  return rules;
}

const RuleInfo* find_rule(std::string_view name) {
  for (const RuleInfo& r : rule_registry()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

}  // namespace tw
