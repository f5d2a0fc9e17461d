// The options that describe a simulated market, shared by `generate` and `eval --run`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "eval/eval_run.hpp"

namespace tw::cli {

struct MarketSettings {
  std::string mode = "trades";  // or "orders"
  GeneratorOptions trades;
  uint32_t traders = 200;                  // orders
  std::string regime = "calm";             // orders
  std::vector<std::string> inject{"all"};  // orders: kinds of episode, or all or none
  double episodes_per_hour = 2;
  std::string format = "csv";  // orders: csv, itch or lobster; trades: csv (or trades)
  uint32_t lobster_levels = 10;

  /// The market the settings describe; throws CLI::ValidationError naming a --format its mode
  /// does not write.
  eval::MarketToGenerate market() const;
};

/// Adds the market's options to `cmd`; each needs `gate` when one is given (eval's --run).
/// --format is left out when `cmd` has one of its own: its market is then written as CSV.
void add_market_options(CLI::App* cmd, MarketSettings& s, CLI::Option* gate = nullptr);

}  // namespace tw::cli
