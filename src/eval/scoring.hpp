// Scores of rules against ground truth: per-rule hits, misses, false alarms, delays, confusion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eval/labels.hpp"
#include "model/alert.hpp"

namespace tw::eval {

struct EvalOptions {
  Duration slack;                                           // see EpisodeMatcher
  std::vector<std::pair<std::string, std::string>> owners;  // (account, owner)
  std::optional<uint64_t> events;       // events of the run the alerts came from, when known
  std::vector<std::string> only_rules;  // score these rules alone; empty: every rule
};

/// One rule's score; docs/DETECTION.md defines every field.
struct RuleScore {
  std::string rule;
  uint64_t episodes = 0;                 // episodes labelled with this rule
  uint64_t true_positives = 0;           // of those, matched by at least one alert of the rule
  uint64_t false_negatives = 0;          // of those, matched by none
  uint64_t alerts = 0;                   // alerts of the rule
  uint64_t matching_alerts = 0;          // of those, matching at least one episode of the rule
  uint64_t false_positives = 0;          // of those, matching none
  std::optional<double> precision;       // none without alerts
  std::optional<double> recall;          // none without episodes
  std::optional<double> f1;              // none when precision or recall is none
  std::optional<Duration> median_delay;  // over detected episodes; none when none detected
  std::optional<Duration> p95_delay;
  std::optional<double> alerts_per_million_events;
  std::vector<Duration> delays;  // of each detected episode, for combining runs
};

/// The episodes of one kind and the rules that fired on them.
struct ConfusionRow {
  std::string rule;  // the rule that should fire
  std::string kind;
  uint64_t episodes = 0;
  std::vector<uint64_t> fired;  // per Confusion::rules: episodes on which that rule fired
  uint64_t none = 0;            // episodes on which no rule fired
};

struct Confusion {
  std::vector<std::string> rules;  // the columns
  std::vector<ConfusionRow> rows;
};

struct Evaluation {
  std::vector<RuleScore> rules;  // every rule with episodes or alerts
  Confusion confusion;
  uint64_t episodes = 0;
  uint64_t alerts = 0;
  std::optional<uint64_t> events;
  Duration slack;
};

/// Matches every alert against every episode of its symbol and scores each rule. With
/// `only_rules`, episodes and alerts of other rules are left out before matching.
Evaluation evaluate(const std::vector<Episode>& episodes, const std::vector<Alert>& alerts,
                    const EvalOptions& options);

/// The row of `c` for episodes of `kind` labelled with `rule`, added (with a zero per column)
/// when it has none.
ConfusionRow& confusion_row(Confusion& c, const std::string& rule, const std::string& kind);

/// Works out the score's ratios, delay quantiles and rate from its counts and delays.
void finish_score(RuleScore& s, std::optional<uint64_t> events);

/// A --slack value: a duration >= 0 ("2s", "500ms"); throws std::runtime_error naming --slack.
Duration parse_slack(const std::string& text);

/// The q-quantile (0..1) of `values` by linear interpolation between the closest ranks (numpy's
/// default); `values` must not be empty. Sorts `values`.
Duration quantile(std::vector<Duration>& values, double q);

}  // namespace tw::eval
