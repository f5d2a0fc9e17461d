// Test helpers for the store and export suites: hand-built alerts at fixed times.
#pragma once

#include <string>

#include "model/alert.hpp"
#include "temp_dir.hpp"

namespace tw::testing {

/// 2025-01-06T12:00:00Z plus `seconds`.
inline Timestamp at(int64_t seconds) {
  return Timestamp::from_nanos((1736164800LL + seconds) * 1'000'000'000);
}

inline Alert make_alert(std::string rule, std::string symbol, Severity severity,
                        int64_t start_seconds, std::string key = "k") {
  Alert a;
  a.rule = std::move(rule);
  a.symbol = std::move(symbol);
  a.severity = severity;
  a.score = 10.0 + static_cast<double>(severity) * 20.0;
  a.start = at(start_seconds);
  a.end = at(start_seconds + 30);
  a.id = make_alert_id(a.rule, a.symbol, a.start, a.end, key);
  a.accounts = {"acct-1", "acct-2"};
  a.metrics_json = R"({"volume":12.5,"trades":4})";
  a.why = "acct-1 traded with itself";
  a.add_evidence("trade", "101");
  a.add_evidence("trade", "102");
  return a;
}

}  // namespace tw::testing
