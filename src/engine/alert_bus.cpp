#include "engine/alert_bus.hpp"

#include "util/format.hpp"

namespace tw {

void AlertBus::emit(Alert&& alert) {
  ++total_;
  ++by_rule_[alert.rule][static_cast<size_t>(alert.severity)];
  // Every sink but the last gets a copy; the last takes ownership.
  for (size_t i = 0; i + 1 < sinks_.size(); ++i) {
    Alert copy = alert;
    sinks_[i]->emit(std::move(copy));
  }
  if (!sinks_.empty()) sinks_.back()->emit(std::move(alert));
}

std::string AlertBus::counts_json() const {
  std::string out = "{";
  bool first_rule = true;
  for (const auto& [rule, counts] : by_rule_) {
    if (!first_rule) out.push_back(',');
    first_rule = false;
    append_json_string(out, rule);
    JsonObjectWriter w;
    for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
      w.field(to_string(s), counts[static_cast<size_t>(s)]);
    }
    out.push_back(':');
    out += std::move(w).finish();
  }
  out.push_back('}');
  return out;
}

}  // namespace tw
