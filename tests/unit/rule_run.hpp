// Test helper: one rule alone, with chosen parameters, run over events through the engine.
#pragma once

#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "alert_collector.hpp"
#include "config/config.hpp"
#include "engine/engine.hpp"
#include "rule_test_util.hpp"

namespace tw::testing {

using ParamTexts = std::initializer_list<std::pair<std::string, std::string_view>>;

/// The default configuration with only `rule` enabled and `params` (config syntax) set on it.
inline Config only_rule(std::string_view rule, ParamTexts params = {}) {
  const RuleInfo* info = find_rule(rule);
  if (info == nullptr) throw std::invalid_argument("no rule " + std::string(rule));
  Config config = default_config();
  for (auto& [name, settings] : config.rules) settings.enabled = name == rule;
  RuleConfig& settings = config.rules.find(rule)->second;
  for (const auto& [name, text] : params) set_param(settings.values, *info, name, text);
  return config;
}

/// The engine, the book included, has taken every event and finished when this is made.
struct RuleRun {
  RuleRun(Universe& universe, std::span<const Event> events, std::string_view rule,
          ParamTexts params = {})
      : config(only_rule(rule, params)), engine(config, universe, alerts, rejects) {
    engine.push_events(events);
    engine.finish();
  }

  const std::vector<Alert>& fired() const { return alerts.alerts; }

  Config config;
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine;
};

}  // namespace tw::testing
