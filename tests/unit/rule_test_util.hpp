// Test helpers for rules: default configurations, parameter overrides and alert metrics.
#pragma once

#include <simdjson.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "config/params.hpp"
#include "detect/detector.hpp"
#include "model/alert.hpp"

/// The rule's configuration with every parameter at its declared default.
inline tw::RuleConfig default_rule_config(const tw::RuleInfo& info) {
  tw::RuleConfig config;
  config.rule = std::string(info.name);
  for (const tw::ParamSpec& spec : info.params) {
    config.values.set(spec.name, tw::parse_param(spec, spec.default_text, spec.name));
  }
  return config;
}

/// Sets parameter `name` of `info` to `text` (config syntax) in `values`.
inline void set_param(tw::ParamValues& values, const tw::RuleInfo& info, const std::string& name,
                      std::string_view text) {
  for (const tw::ParamSpec& spec : info.params) {
    if (spec.name == name) {
      values.set(name, tw::parse_param(spec, text, name));
      return;
    }
  }
  throw std::invalid_argument("no parameter " + name);
}

/// A numeric field of an alert's metrics_json.
inline double metric(const tw::Alert& alert, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(alert.metrics_json);
  return doc[key].get_double().value();
}

/// A text field of an alert's metrics_json.
inline std::string metric_text(const tw::Alert& alert, std::string_view key) {
  simdjson::dom::parser parser;
  return std::string(parser.parse(alert.metrics_json)[key].get_string().value());
}

/// A boolean field of an alert's metrics_json.
inline bool metric_flag(const tw::Alert& alert, std::string_view key) {
  simdjson::dom::parser parser;
  return parser.parse(alert.metrics_json)[key].get_bool().value();
}

/// Whether an alert's metrics_json holds `fragment` (a key and value as written, for text).
inline bool metrics_say(const tw::Alert& alert, std::string_view fragment) {
  return alert.metrics_json.find(fragment) != std::string::npos;
}
