// Threshold sweeps: one rule re-run at each value of one of its parameters over events held in
// memory, scored against ground truth or, without any, counted.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "eval/labels.hpp"
#include "eval/recorded_inputs.hpp"
#include "eval/scoring.hpp"

namespace tw::eval {

/// What to sweep: rule R's parameter P over `range` ("FROM:TO:STEP"), every other setting from
/// `base` (every other rule is switched off).
struct SweepRequest {
  std::string rule;
  std::string param;
  std::string range;
  Config base;
};

/// The checked request: the rule, the parameter's spec and the values to try, in order.
struct Sweep {
  std::string rule;
  ParamSpec spec;
  std::vector<ParamValue> values;
  ParamValue default_value;  // the rule's built-in default
  ParamValue in_force;       // the value `base` gives the parameter at the rule level
  Config base;
};

/// Most values one sweep tries.
inline constexpr size_t kMaxSweepValues = 200;

/// A sweep that cannot run as asked; the message names the option at fault.
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Checks that the rule and parameter exist and that the range is well-formed, of the
/// parameter's type (integers step by integers, durations by durations) and within its bounds,
/// with at most kMaxSweepValues values. Throws SweepError naming --rule, --param or --range.
Sweep plan_sweep(const SweepRequest& request);

/// The configuration of one value: only the swept rule on, the parameter set to `value` at the
/// rule level and in every per-symbol override.
Config config_for_value(const Sweep& sweep, const ParamValue& value);

/// One value's run: what the rule raised and how it scored. Without labels every alert scores
/// as a false positive, and only the alerts and alerts per million events mean anything.
struct SweepPoint {
  ParamValue value;
  RuleScore score;
  uint64_t events = 0;      // events the engine processed
  uint64_t accounts = 0;    // distinct accounts the alerts name
  uint64_t symbols = 0;     // distinct symbols alerted
  bool is_default = false;  // the rule's built-in default
  bool in_force = false;    // the value the configuration gives (--config, else the default)
  bool best_f1 = false;     // F1 as high as any value's (ties are all marked)
};

struct Calibration {
  std::string rule;
  ParamSpec spec;
  bool labelled = false;
  uint64_t episodes = 0;  // episodes of the rule
  uint64_t events = 0;    // events read from the inputs
  uint64_t rejects = 0;   // records the readers rejected
  Duration slack;
  std::vector<SweepPoint> points;
};

/// Runs the sweep over the recorded inputs, the same batch driver and engine as `tapewatch run`
/// each time; scores each value's alerts against `episodes` when given (with `options`' slack
/// and owners), else counts them.
Calibration run_sweep(const Sweep& sweep, RecordedInputs& inputs,
                      const std::optional<std::vector<Episode>>& episodes,
                      const EvalOptions& options);

}  // namespace tw::eval
