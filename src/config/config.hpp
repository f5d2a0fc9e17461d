// The run configuration: engine settings, beneficial owners and every rule's parameters.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
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

struct Config {
  EngineConfig engine;
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
