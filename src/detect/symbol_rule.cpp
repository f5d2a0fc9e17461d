#include "detect/symbol_rule.hpp"

#include <algorithm>

namespace tw {

std::string EventRef::text() const {
  return id.empty() ? "line:" + std::to_string(seq) : id.to_string();
}

Alert SymbolScope::new_alert(Timestamp start, Timestamp end, std::string_view key,
                             double score) const {
  Alert alert;
  alert.rule = std::string(rule);
  alert.symbol = std::string(name);
  alert.start = start;
  alert.end = end;
  alert.id = make_alert_id(rule, name, start, end, key);
  alert.score = std::clamp(score, 0.0, 100.0);
  alert.severity = severity_for_score(alert.score);
  return alert;
}

Severity severity_for_score(double score) {
  if (score >= 90) return Severity::kCritical;
  if (score >= 75) return Severity::kHigh;
  if (score >= 50) return Severity::kMedium;
  return Severity::kLow;
}

double score_between(double value, double threshold, double full) {
  if (!(full > threshold)) return value >= threshold ? 100 : 50;
  return 50 + 50 * unit_share((value - threshold) / (full - threshold));
}

}  // namespace tw
