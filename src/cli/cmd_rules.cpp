// `tapewatch rules`: the rule catalogue with each parameter, its default and the value in force.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "detect/detector.hpp"

namespace tw::cli {
namespace {

struct RulesSettings {
  std::string config_path;
  bool toml = false;
};

void print_catalogue(const Config& config) {
  for (const RuleInfo& info : rule_registry()) {
    const RuleConfig& rule = config.rule(info.name);
    fmt::print("{}{}\n  {}\n  needs: {}\n", info.name, rule.enabled ? "" : " (disabled)",
               info.summary, info.needs);
    for (const ParamSpec& p : info.params) {
      std::string in_force = format_param(rule.values.all().at(p.name));
      fmt::print("  {:<22} {:<9} default {:<8}{} {}\n", p.name, to_string(p.type), p.default_text,
                 in_force == format_param(parse_param(p, p.default_text, p.name))
                     ? ""
                     : fmt::format(" (set: {})", in_force),
                 p.help);
    }
    for (const auto& [symbol, values] : rule.per_symbol) {
      fmt::print("  override for {}:", symbol);
      for (const auto& [name, value] : values.all()) {
        if (format_param(value) != format_param(rule.values.all().at(name))) {
          fmt::print(" {}={}", name, format_param(value));
        }
      }
      fmt::print("\n");
    }
    fmt::print("\n");
  }
}

}  // namespace

void add_rules_command(CLI::App& app) {
  auto settings = std::make_shared<RulesSettings>();
  CLI::App* cmd = app.add_subcommand("rules", "List the rules, their parameters and defaults");
  cmd->add_option("-c,--config", settings->config_path, "Show the values this configuration sets");
  cmd->add_flag("--toml", settings->toml, "Print the effective configuration as TOML");
  cmd->callback([settings] {
    Config config =
        settings->config_path.empty() ? default_config() : load_config(settings->config_path);
    if (settings->toml) {
      fmt::print("{}", to_toml(config));
    } else {
      print_catalogue(config);
    }
  });
}

}  // namespace tw::cli
