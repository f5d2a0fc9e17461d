// Fans each alert out to every registered sink and counts alerts by rule and severity.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "model/alert.hpp"

namespace tw {

class AlertBus final : public AlertSink {
 public:
  /// `sink` must outlive the bus.
  void subscribe(AlertSink& sink) { sinks_.push_back(&sink); }
  void emit(Alert&& alert) override;

  uint64_t total() const { return total_; }
  /// Counts per rule, indexed by Severity.
  const std::map<std::string, std::array<uint64_t, 4>>& by_rule() const { return by_rule_; }
  /// {"rule":{"LOW":n,...},...}
  std::string counts_json() const;

 private:
  std::vector<AlertSink*> sinks_;
  std::map<std::string, std::array<uint64_t, 4>> by_rule_;
  uint64_t total_ = 0;
};

}  // namespace tw
