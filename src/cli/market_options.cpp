#include "cli/market_options.hpp"

#include <fmt/format.h>

#include <vector>

namespace tw::cli {
namespace {

// Kinds of episode by name, in the order given; "all" is every kind, "none" none (the option
// checks the names).
std::vector<sim::ManipulationKind> injected_kinds(const std::vector<std::string>& names) {
  std::vector<sim::ManipulationKind> kinds;
  for (const std::string& name : names) {
    if (name == "all") {
      for (const sim::ManipulationInfo& k : sim::manipulation_kinds()) kinds.push_back(k.kind);
    } else if (sim::ManipulationKind kind; sim::parse_manipulation(name, kind)) {
      kinds.push_back(kind);
    }
  }
  return kinds;
}

// What --inject accepts.
std::vector<std::string> injection_words() {
  std::vector<std::string> words{"all", "none"};
  for (const sim::ManipulationInfo& k : sim::manipulation_kinds()) words.emplace_back(k.name);
  return words;
}

// The order flow's format of --mode orders; a trade tape is CSV alone.
sim::OrderFileOptions order_files(const MarketSettings& s) {
  sim::OrderFileOptions files;
  files.lobster_levels = s.lobster_levels;
  const bool orders = s.mode == "orders";
  if (orders ? !sim::parse_order_file_format(s.format, files.format)
             : s.format != "csv" && s.format != "trades") {
    throw CLI::ValidationError(
        "--format", orders
                        ? fmt::format("--mode orders writes csv, itch or lobster, not {}", s.format)
                        : fmt::format("{} order flow with labels needs --mode orders", s.format));
  }
  return files;
}

}  // namespace

eval::MarketToGenerate MarketSettings::market() const {
  eval::MarketToGenerate market;
  market.orders = mode == "orders";
  market.trades = trades;
  sim::OrderMarketOptions& o = market.order_market;
  o.symbols = static_cast<uint32_t>(trades.symbols);
  o.traders = traders;
  o.hours = trades.hours;
  o.seed = trades.seed;
  sim::parse_regime(regime, o.regime);  // checked by the option
  o.inject = injected_kinds(inject);
  o.episodes_per_hour = episodes_per_hour;
  market.order_files = order_files(*this);
  return market;
}

void add_market_options(CLI::App* cmd, MarketSettings& s, CLI::Option* gate) {
  GeneratorOptions& o = s.trades;
  std::vector<CLI::Option*> added{
      cmd->add_option("--mode", s.mode,
                      "trades (a trade tape with injected washes and pumps) or orders (an "
                      "order-level market of agents trading through a matching engine, with every "
                      "kind of injected manipulation: docs/SIMULATOR.md)")
          ->check(CLI::IsMember({"trades", "orders"})),
      cmd->add_option("--symbols", o.symbols, "Number of symbols"),
      cmd->add_option("--hours", o.hours, "Simulated hours (trades: 0 means until --rows)"),
      cmd->add_option("--seed", o.seed, "Random seed: the same seed writes the same bytes"),
      cmd->add_option("--accounts", o.accounts, "trades: number of trading accounts"),
      cmd->add_option("--start", o.start, "trades: start time, ISO-8601"),
      cmd->add_option("--rows", o.rows, "trades: stop after this many trades (0: no cap)"),
      cmd->add_option("--wash-per-hour", o.wash_per_hour,
                      "trades: injected round trips per symbol-hour"),
      cmd->add_option("--self-trades-per-hour", o.self_trades_per_hour,
                      "trades: injected self-trades per symbol-hour"),
      cmd->add_option("--pumps-per-hour", o.pump_dumps_per_hour,
                      "trades: injected pump & dump episodes per symbol-hour"),
      cmd->add_option("--regime", s.regime,
                      "orders: calm, volatile, thin (one maker, wide spreads) or session "
                      "(09:30-16:00 New York and half an hour after, busiest at open and close)")
          ->check(CLI::IsMember(sim::regime_names())),
      cmd->add_option("--traders", s.traders, "orders: trading accounts besides the makers"),
      cmd->add_option("--inject", s.inject,
                      "orders: kinds of episode to inject, comma-separated (self_trade, "
                      "round_trip, collusive_ring, wash_volume, pump_and_dump, spoofing, layering, "
                      "quote_stuffing, momentum_ignition, excessive_spread, order_to_trade_ratio, "
                      "marking_the_close), all or none")
          ->delimiter(',')
          ->check(CLI::IsMember(injection_words())),
      cmd->add_option("--episodes-per-hour", s.episodes_per_hour,
                      "orders: injected episodes per symbol and hour (after a 30 min warm-up)"),
      cmd->add_option("--lobster-levels", s.lobster_levels,
                      "orders, --format lobster: price levels per side in the orderbook files")
          ->check(CLI::Range(1u, 1000u)),
  };
  // A command whose --format names its inputs' format (calibrate) writes its market as CSV.
  if (cmd->get_option_no_throw("--format") == nullptr) {
    added.push_back(
        cmd->add_option("--format", s.format,
                        "orders: csv (orders.csv), itch (orders_MMDDYYYY.itch, ITCH 5.0, and "
                        "mpids.csv) or lobster (a LOBSTER message and orderbook file per symbol); "
                        "trades: csv (trades.csv), or itch (generate only: ITCH 5.0 order flow "
                        "without labels, --symbols, --seed and --messages apply)")
            ->check(CLI::IsMember({"csv", "itch", "lobster", "trades"})));
  }
  for (CLI::Option* option : added) {
    option->capture_default_str();
    if (gate != nullptr) option->needs(gate);
  }
}

}  // namespace tw::cli
