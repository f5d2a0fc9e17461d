// The run configuration: engine settings, beneficial owners and every rule's parameters.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "config/params.hpp"
#include "model/timestamp.hpp"

namespace tw {

struct EngineConfig {
  /// Events at most this far behind the latest event time are re-sorted into order;
  /// anything later is rejected as `time_backwards`.
  Duration reorder_window = Duration::seconds(5);
  /// Width of the OHLCV bars stored for the dashboard.
  Duration bar_interval = Duration::minutes(1);
};

/// What the engine records around each alert for review (the [evidence] section): the events
/// of each symbol, held up to `history` of them and no older than `history_age` behind the
/// symbol's newest, and samples of its book.
struct EvidenceConfig {
  bool enabled = true;
  /// Most events (trades, order events) held per symbol.
  int64_t history = 20'000;
  /// Events further than this behind a symbol's newest are dropped.
  Duration history_age = Duration::minutes(60);
  /// The tape and depth of an alert start this long before its window.
  Duration margin = Duration::minutes(5);
  /// A symbol's book is sampled at most once per this much event time, when it changed.
  Duration depth_interval = Duration::millis(250);
  /// Levels of each side summed into a depth sample.
  int64_t depth_levels = 5;
  /// Most tape points (and depth samples) written per alert, thinned evenly: enough for a
  /// chart, where writing them is most of what an alert's evidence costs.
  int64_t tape_points = 500;
};

/// One key of the [evidence] section: its spec (type, default, bounds) and the member it sets.
struct EvidenceKey {
  ParamSpec spec;
  std::variant<bool EvidenceConfig::*, int64_t EvidenceConfig::*, Duration EvidenceConfig::*>
      member;
};
/// Every key of the [evidence] section, in the order to_toml() writes them.
const std::vector<EvidenceKey>& evidence_keys();

struct Config {
  EngineConfig engine;
  EvidenceConfig evidence;
  std::vector<std::pair<std::string, std::string>> owners;  // (account, owner)
  std::map<std::string, RuleConfig, std::less<>> rules;     // every registered rule
  std::string source;                                       // file path or "(defaults)"
  std::string hash;  // 16 hex digits over the effective settings, stored with each run

  const RuleConfig& rule(std::string_view name) const;
};

/// The built-in defaults of every registered rule.
Config default_config();
/// Reads a TOML file; throws ConfigError naming the file and key for any unknown key or bad value.
Config load_config(const std::string& path);
/// Same, from text; `origin` names the text in errors.
Config parse_config(std::string_view toml_text, std::string_view origin);

/// The effective configuration as TOML (every rule, every parameter), for `tapewatch rules --toml`.
std::string to_toml(const Config& config);

}  // namespace tw
