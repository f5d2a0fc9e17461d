// A synthetic alert history of realistic shape for measuring stores: alerts, statuses and bars.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/alert.hpp"
#include "store/alert_store.hpp"

namespace tw::sim {

struct SyntheticAlertOptions {
  uint64_t alerts = 1'000'000;
  uint32_t symbols = 100;
  uint32_t accounts = 5'000;  // the pool alerts draw their 1-4 accounts from
  uint32_t days = 5;          // alert windows and bars spread over this many days
  Timestamp start = Timestamp::from_nanos(1736121600LL * 1'000'000'000);  // 2025-01-06
  uint64_t seed = 42;
  double reviewed_share = 0.01;  // alerts given a status other than open
  bool bars = true;              // 1-minute bars of every symbol over the span
};

/// What was written, with values the benchmark's filters can use.
struct SyntheticAlertSummary {
  uint64_t alerts = 0;
  uint64_t bars = 0;
  uint64_t reviewed = 0;
  double alerts_seconds = 0;  // emitting and flushing the alerts, reviews and bars excluded
  Timestamp from, to;         // the span the alert windows start in
  std::string busiest_symbol;
  std::string some_account;
};

/// "S000USDT", ...: the symbol names the generator uses, the busiest first.
std::string synthetic_symbol(uint32_t index);
/// "acct-00000", ...
std::string synthetic_account(uint32_t index);

/// Draws alerts deterministically from the seed: the 11 rules with their own weights, windows,
/// account counts, metrics and explanations; skewed symbols (Zipf) and severities (about half
/// LOW, 5% CRITICAL) with scores in each severity's band; windows roughly in time order,
/// as an engine emits them.
class SyntheticAlerts {
 public:
  explicit SyntheticAlerts(const SyntheticAlertOptions& options);
  ~SyntheticAlerts();
  SyntheticAlerts(const SyntheticAlerts&) = delete;
  SyntheticAlerts& operator=(const SyntheticAlerts&) = delete;

  /// The next alert; ids are unique within the `options.alerts` drawn.
  Alert next();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Fills `store` in one run: the alerts, then reviews a share of them (set_status), then the
/// bars. `progress` gets the alerts written so far every 100,000.
SyntheticAlertSummary fill_synthetic_alerts(AlertStore& store, const SyntheticAlertOptions& options,
                                            const std::function<void(uint64_t)>& progress = {});

}  // namespace tw::sim
