// Rule parameters: their declared specs, typed values, and per-symbol overrides.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/timestamp.hpp"

namespace tw {

/// A configuration mistake; the message names the key (and file) at fault.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ParamType { kDuration, kNumber, kInteger, kBool };
std::string_view to_string(ParamType t);

/// One tunable of a rule, as `tapewatch rules` lists it.
struct ParamSpec {
  std::string name;
  ParamType type;
  std::string default_text;  // in config syntax: "60s", "0.001", "3", "true"
  std::string help;
  double min = -1e300;  // inclusive bounds for numbers and integers
  double max = 1e300;
};

using ParamValue = std::variant<Duration, double, int64_t, bool>;

/// Parses `text` as a value of `spec`; throws ConfigError naming `key_path` when it does not fit.
ParamValue parse_param(const ParamSpec& spec, std::string_view text, std::string_view key_path);
std::string format_param(const ParamValue& value);

/// The values of one rule's parameters for one symbol (defaults, then rule, then symbol layer).
class ParamValues {
 public:
  void set(const std::string& name, ParamValue v) { values_[name] = v; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  Duration duration(const std::string& name) const { return get<Duration>(name); }
  double number(const std::string& name) const { return get<double>(name); }
  int64_t integer(const std::string& name) const { return get<int64_t>(name); }
  bool flag(const std::string& name) const { return get<bool>(name); }
  const std::map<std::string, ParamValue>& all() const { return values_; }

 private:
  template <class T>
  T get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw ConfigError("rule parameter '" + name + "' is not declared");
    return std::get<T>(it->second);
  }
  std::map<std::string, ParamValue> values_;
};

/// A rule's settings in force: enabled flag, values, and per-symbol overrides.
struct RuleConfig {
  std::string rule;
  bool enabled = true;
  ParamValues values;
  std::map<std::string, ParamValues, std::less<>> per_symbol;  // full value sets, not deltas

  const ParamValues& for_symbol(std::string_view symbol) const {
    auto it = per_symbol.find(symbol);
    return it == per_symbol.end() ? values : it->second;
  }
};

}  // namespace tw
