#include "config/config.hpp"

#include <toml++/toml.h>
#include <fstream>
#include <sstream>

#include "detect/detector.hpp"
#include "util/format.hpp"
#include "util/hash.hpp"

namespace tw {
namespace {

[[noreturn]] void fail(std::string_view origin, const std::string& message) {
  throw ConfigError(std::string(origin) + ": " + message);
}

std::string node_text(const toml::node& node, const std::string& key_path,
                      std::string_view origin) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
  if (node.is_integer()) return std::to_string(*node.value<int64_t>());
  if (node.is_floating_point()) return format_number(*node.value<double>());
  fail(origin, key_path + ": expected a string, number or boolean");
}

const ParamSpec* find_spec(const RuleInfo& info, std::string_view name) {
  for (const ParamSpec& p : info.params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string known_params(const RuleInfo& info) {
  std::string s;
  for (const ParamSpec& p : info.params) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

void apply_params(const RuleInfo& info, const toml::table& table, const std::string& prefix,
                  std::string_view origin, ParamValues& values) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    if (name == "enabled" || name == "symbols") continue;
    std::string key_path = prefix + "." + name;
    const ParamSpec* spec = find_spec(info, name);
    if (!spec) {
      fail(origin, "unknown key '" + key_path + "' (parameters of " + std::string(info.name) +
                       ": " + known_params(info) + ")");
    }
    values.set(spec->name, parse_param(*spec, node_text(node, key_path, origin), key_path));
  }
}

void apply_rule(const RuleInfo& info, const toml::table& table, const std::string& prefix,
                std::string_view origin, RuleConfig& rule) {
  if (const toml::node* enabled = table.get("enabled")) {
    if (!enabled->is_boolean()) fail(origin, prefix + ".enabled: expected true or false");
    rule.enabled = *enabled->value<bool>();
  }
  apply_params(info, table, prefix, origin, rule.values);
  if (const toml::node* symbols = table.get("symbols")) {
    const toml::table* sym_table = symbols->as_table();
    if (!sym_table) fail(origin, prefix + ".symbols: expected a table of symbols");
    for (const auto& [sym, node] : *sym_table) {
      std::string sym_prefix = prefix + ".symbols." + std::string(sym.str());
      const toml::table* overrides = node.as_table();
      if (!overrides) fail(origin, sym_prefix + ": expected a table of parameters");
      if (overrides->contains("enabled")) {
        fail(origin, sym_prefix + ".enabled: a rule is enabled or disabled for all symbols");
      }
      ParamValues merged = rule.values;
      apply_params(info, *overrides, sym_prefix, origin, merged);
      rule.per_symbol[std::string(sym.str())] = std::move(merged);
    }
  }
}

// Finds the rule a [rules] sub-table names, quoted ("wash.round_trip") or nested (wash.round_trip).
void apply_rules(const toml::table& rules, const std::string& prefix, std::string_view origin,
                 Config& config) {
  for (const auto& [key, node] : rules) {
    std::string name =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    const toml::table* table = node.as_table();
    if (!table) fail(origin, "rules." + name + ": expected a table");
    if (const RuleInfo* info = find_rule(name)) {
      apply_rule(*info, *table, "rules." + name, origin, config.rules.at(name));
    } else {
      bool is_prefix = false;
      for (const RuleInfo& r : rule_registry()) {
        if (r.name.substr(0, name.size() + 1) == name + ".") is_prefix = true;
      }
      if (!is_prefix) fail(origin, "unknown rule 'rules." + name + "' (see `tapewatch rules`)");
      apply_rules(*table, name, origin, config);
    }
  }
}

void apply_engine(const toml::table& table, std::string_view origin, EngineConfig& engine) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    std::string key_path = "engine." + name;
    Duration* target = name == "reorder_window" ? &engine.reorder_window
                       : name == "bar_interval" ? &engine.bar_interval
                                                : nullptr;
    if (!target)
      fail(origin, "unknown key '" + key_path + "' (known: reorder_window, bar_interval)");
    auto d = Duration::parse(node_text(node, key_path, origin));
    if (!d || (name == "bar_interval" && d->count() <= 0)) {
      fail(origin, key_path + ": expected a duration such as \"5s\"");
    }
    *target = *d;
  }
}

const EvidenceKey* find_evidence_key(std::string_view name) {
  for (const EvidenceKey& key : evidence_keys()) {
    if (key.spec.name == name) return &key;
  }
  return nullptr;
}

std::string known_evidence_keys() {
  std::string s;
  for (const EvidenceKey& key : evidence_keys()) s += (s.empty() ? "" : ", ") + key.spec.name;
  return s;
}

void apply_evidence(const toml::table& table, std::string_view origin, EvidenceConfig& evidence) {
  for (const auto& [key, node] : table) {
    std::string key_path = "evidence." + std::string(key.str());
    const EvidenceKey* found = find_evidence_key(key.str());
    if (!found) {
      fail(origin, "unknown key '" + key_path + "' (known: " + known_evidence_keys() + ")");
    }
    const std::string text = node_text(node, key_path, origin);
    // parse_param's errors name the key; the file is added here as for every other section.
    try {
      ParamValue value = parse_param(found->spec, text, key_path);
      std::visit(
          [&](auto member) {
            evidence.*member = std::get<std::decay_t<decltype(evidence.*member)>>(value);
          },
          found->member);
    } catch (const ConfigError& e) {
      fail(origin, e.what());
    }
  }
}

void apply_owners(const toml::table& table, std::string_view origin, Config& config) {
  for (const auto& [owner, node] : table) {
    std::string key_path = "owners." + std::string(owner.str());
    const toml::array* accounts = node.as_array();
    if (!accounts) fail(origin, key_path + ": expected an array of account names");
    for (const toml::node& account : *accounts) {
      auto name = account.value<std::string>();
      if (!name || !account.is_string()) fail(origin, key_path + ": account names must be strings");
      config.owners.emplace_back(*name, std::string(owner.str()));
    }
  }
}

// `name = value`, durations quoted.
void append_toml_value(std::string& out, const std::string& name, const ParamValue& value) {
  bool quoted = std::holds_alternative<Duration>(value);
  std::string text = format_param(value);
  out += name + " = " + (quoted ? json_string(text) : text) + "\n";
}

void finalise(Config& config) {
  std::string text = to_toml(config);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
  config.hash = buf;
}

}  // namespace

const std::vector<EvidenceKey>& evidence_keys() {
  using C = EvidenceConfig;
  static const std::vector<EvidenceKey> keys = [] {
    const C defaults;
    auto key = [&](std::string name, ParamType type, auto member, std::string help,
                   double min = -1e300, double max = 1e300) {
      ParamValue value = defaults.*member;
      return EvidenceKey{
          ParamSpec{std::move(name), type, format_param(value), std::move(help), min, max}, member};
    };
    constexpr double kMaxCount = 100'000'000;  // far beyond memory: a typo, not a setting
    return std::vector<EvidenceKey>{
        key("enabled", ParamType::kBool, &C::enabled,
            "record each alert's evidence (tapewatch run with a store)"),
        key("history", ParamType::kInteger, &C::history, "most events held per symbol", 1,
            kMaxCount),
        key("history_age", ParamType::kDuration, &C::history_age,
            "events further behind a symbol's newest are dropped"),
        key("margin", ParamType::kDuration, &C::margin,
            "the tape and depth start this long before the alert's window"),
        key("depth_interval", ParamType::kDuration, &C::depth_interval,
            "a book is sampled at most once per interval of event time, when it changed"),
        key("depth_levels", ParamType::kInteger, &C::depth_levels,
            "levels of each side summed into a depth sample", 1, 1000),
        key("tape_points", ParamType::kInteger, &C::tape_points,
            "most tape points and depth samples per alert, thinned evenly", 2, kMaxCount),
    };
  }();
  return keys;
}

const RuleConfig& Config::rule(std::string_view name) const {
  auto it = rules.find(name);
  if (it == rules.end()) throw ConfigError("no configuration for rule '" + std::string(name) + "'");
  return it->second;
}

Config default_config() {
  Config config;
  config.source = "(defaults)";
  for (const RuleInfo& info : rule_registry()) {
    RuleConfig rule;
    rule.rule = std::string(info.name);
    for (const ParamSpec& spec : info.params) {
      rule.values.set(spec.name, parse_param(spec, spec.default_text,
                                             std::string(info.name) + "." + spec.name));
    }
    config.rules.emplace(rule.rule, std::move(rule));
  }
  finalise(config);
  return config;
}

Config parse_config(std::string_view toml_text, std::string_view origin) {
  static const std::string kSections = "engine, evidence, owners, rules";
  Config config = default_config();
  config.source = std::string(origin);
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(origin));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    fail(origin, "line " + std::to_string(where.line) + ", column " + std::to_string(where.column) +
                     ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : root) {
    std::string name(key.str());
    const toml::table* table = node.as_table();
    if (!table) fail(origin, "unknown key '" + name + "' (known sections: " + kSections + ")");
    if (name == "engine")
      apply_engine(*table, origin, config.engine);
    else if (name == "evidence")
      apply_evidence(*table, origin, config.evidence);
    else if (name == "owners")
      apply_owners(*table, origin, config);
    else if (name == "rules")
      apply_rules(*table, "", origin, config);
    else
      fail(origin, "unknown section '[" + name + "]' (known sections: " + kSections + ")");
  }
  finalise(config);
  return config;
}

Config load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open the configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::string to_toml(const Config& config) {
  std::string out;
  out += "[engine]\nreorder_window = \"" + config.engine.reorder_window.to_string() + "\"\n";
  out += "bar_interval = \"" + config.engine.bar_interval.to_string() + "\"\n";
  out += "\n[evidence]\n";
  for (const EvidenceKey& key : evidence_keys()) {
    std::visit([&](auto member) { append_toml_value(out, key.spec.name, config.evidence.*member); },
               key.member);
  }
  if (!config.owners.empty()) {
    std::map<std::string, std::vector<std::string>> by_owner;
    for (const auto& [account, owner] : config.owners) by_owner[owner].push_back(account);
    out += "\n[owners]\n";
    for (const auto& [owner, accounts] : by_owner) {
      out += json_string(owner) + " = [";
      for (size_t i = 0; i < accounts.size(); ++i)
        out += (i ? ", " : "") + json_string(accounts[i]);
      out += "]\n";
    }
  }
  auto write_values = [&out](const ParamValues& values) {
    for (const auto& [name, value] : values.all()) append_toml_value(out, name, value);
  };
  for (const auto& [name, rule] : config.rules) {
    out += "\n[rules.\"" + name + "\"]\nenabled = " + (rule.enabled ? "true" : "false") + "\n";
    write_values(rule.values);
    for (const auto& [symbol, values] : rule.per_symbol) {
      out += "\n[rules.\"" + name + "\".symbols." + json_string(symbol) + "]\n";
      write_values(values);
    }
  }
  return out;
}

}  // namespace tw
