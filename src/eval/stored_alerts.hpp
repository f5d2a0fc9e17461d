// The alerts an evaluation scores, read from an alert store with the event count behind them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/alert.hpp"
#include "store/alert_store.hpp"

namespace tw::eval {

struct ScoredAlerts {
  std::vector<Alert> alerts;
  std::optional<uint64_t> events;  // see read_scored_alerts
};

/// Every alert of the store (only those last written by `run_id` when it is set). `events` is
/// the event count of the run that last wrote the alerts when that is one run; alerts of
/// several runs (several inputs in one store) leave it unknown, as runs of the same input
/// would count the same events twice.
ScoredAlerts read_scored_alerts(AlertStore& store, const std::optional<std::string>& run_id);

}  // namespace tw::eval
