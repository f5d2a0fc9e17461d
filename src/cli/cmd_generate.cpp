// `tapewatch generate`: a synthetic market with injected manipulation and its ground truth, or
// ITCH 5.0 order flow.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/commands.hpp"
#include "sim/itch_market.hpp"
#include "sim/order_csv_writer.hpp"
#include "sim/trade_generator.hpp"

namespace tw::cli {
namespace {

struct GenerateSettings {
  GeneratorOptions options;
  std::string out = "market";
  std::string format = "trades";
  std::string mode = "trades";
  std::string regime = "calm";    // orders
  uint32_t traders = 200;         // orders
  std::string inject = "all";     // orders: episode kinds, comma-separated, or all or none
  double episodes_per_hour = 2;   // orders
  uint64_t messages = 1'000'000;  // itch
};

// "all", "none", or kinds named by comma ("spoofing,layering").
std::vector<sim::ManipulationKind> injected_kinds(const std::string& list) {
  std::vector<sim::ManipulationKind> kinds;
  if (list == "none") return kinds;
  if (list == "all") {
    for (const sim::ManipulationInfo& k : sim::manipulation_kinds()) kinds.push_back(k.kind);
    return kinds;
  }
  for (size_t at = 0; at <= list.size();) {
    const size_t comma = std::min(list.find(',', at), list.size());
    const std::string name = list.substr(at, comma - at);
    sim::ManipulationKind kind;
    if (!sim::parse_manipulation(name, kind)) {
      std::string known;
      for (const sim::ManipulationInfo& k : sim::manipulation_kinds())
        known += " " + std::string(k.name);
      throw CLI::ValidationError(
          "--inject", fmt::format("'{}' is not a kind of episode: all, none or{}", name, known));
    }
    kinds.push_back(kind);
    at = comma + 1;
  }
  return kinds;
}

void generate_orders(const GenerateSettings& s) {
  namespace fs = std::filesystem;
  fs::create_directories(s.out);
  fs::path dir(s.out);
  sim::OrderMarketOptions options;
  options.symbols = static_cast<uint32_t>(s.options.symbols);
  options.traders = s.traders;
  options.hours = s.options.hours;
  options.seed = s.options.seed;
  sim::parse_regime(s.regime, options.regime);  // checked by the option
  options.inject = injected_kinds(s.inject);
  options.episodes_per_hour = s.episodes_per_hour;
  sim::OrderMarketSummary summary =
      sim::write_order_market(options, (dir / "orders.csv").string(),
                              (dir / "owners.toml").string(), (dir / "labels.jsonl").string());
  fmt::print(
      "wrote {}/orders.csv: {} order events ({} adds, {} cancels, {} executions), {} .. {}\n",
      s.out, summary.events, summary.adds, summary.cancels, summary.executions,
      summary.first.to_iso8601(), summary.last.to_iso8601());
  fmt::print("wrote {}/owners.toml and {}/labels.jsonl: {} injected episodes ({} regime)\n", s.out,
             s.out, summary.episodes, s.regime);
}

// The file name carries the day (MMDDYYYY), so that readers need no --date.
void generate_itch(const GenerateSettings& s) {
  namespace fs = std::filesystem;
  fs::create_directories(s.out);
  sim::ItchMarketOptions options;
  options.messages = s.messages;
  options.symbols = static_cast<uint32_t>(s.options.symbols);
  options.seed = s.options.seed;
  const std::string path = (fs::path(s.out) / "orders_01302019.itch").string();
  sim::ItchMarketSummary summary = sim::write_itch_market(options, path);
  fmt::print("wrote {}: {} ITCH 5.0 messages over {} symbols, at most {} orders live\n", path,
             summary.messages, options.symbols, summary.max_live_orders);
}

void generate(const GenerateSettings& s) {
  if (s.mode == "orders") return generate_orders(s);
  if (s.format == "itch") return generate_itch(s);
  namespace fs = std::filesystem;
  fs::create_directories(s.out);
  fs::path dir(s.out);
  GeneratorSummary summary =
      generate_market(s.options, (dir / "trades.csv").string(), (dir / "labels.jsonl").string(),
                      (dir / "owners.toml").string());
  fmt::print("wrote {}/trades.csv: {} trades, {} .. {}\n", s.out, summary.rows,
             summary.first_ts.to_iso8601(), summary.last_ts.to_iso8601());
  fmt::print(
      "injected: {} wash round trips ({} through linked accounts), {} self-trades, "
      "{} pump & dump episodes\n",
      summary.wash_pairs, summary.linked_wash_pairs, summary.self_trades, summary.pump_dumps);
  fmt::print("wrote {}/labels.jsonl (ground truth) and {}/owners.toml ({} linked owners)\n", s.out,
             s.out, summary.owner_groups);
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto settings = std::make_shared<GenerateSettings>();
  GeneratorOptions& o = settings->options;
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Write a synthetic trade tape with injected manipulation and ground-truth labels");
  cmd->add_option("--symbols", o.symbols, "Number of symbols")->capture_default_str();
  cmd->add_option("--accounts", o.accounts, "Number of trading accounts")->capture_default_str();
  cmd->add_option("--hours", o.hours, "Simulated hours (0: until --rows)")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed: the same seed writes the same bytes")
      ->capture_default_str();
  cmd->add_option("--start", o.start, "Start time, ISO-8601")->capture_default_str();
  cmd->add_option("--rows", o.rows, "Stop after this many trades (0: no cap)")
      ->capture_default_str();
  cmd->add_option("--wash-per-hour", o.wash_per_hour, "Injected round trips per symbol-hour")
      ->capture_default_str();
  cmd->add_option("--self-trades-per-hour", o.self_trades_per_hour,
                  "Injected self-trades per symbol-hour")
      ->capture_default_str();
  cmd->add_option("--pumps-per-hour", o.pump_dumps_per_hour,
                  "Injected pump & dump episodes per symbol-hour")
      ->capture_default_str();
  cmd->add_option("-o,--out", settings->out, "Output folder")->capture_default_str();
  cmd->add_option("--format", settings->format,
                  "trades (trades.csv, labels, owners) or itch (orders_01302019.itch: order "
                  "flow, --symbols, --seed and --messages apply)")
      ->check(CLI::IsMember({"trades", "itch"}))
      ->capture_default_str();
  cmd->add_option("--messages", settings->messages, "ITCH messages to write")
      ->capture_default_str();
  cmd->add_option("--mode", settings->mode,
                  "trades (a trade tape, --format trades or itch) or orders (an order-level "
                  "market of agents trading through a matching engine: orders.csv, owners, "
                  "labels; --symbols, --hours, --seed, --regime and --traders apply)")
      ->check(CLI::IsMember({"trades", "orders"}))
      ->capture_default_str();
  cmd->add_option("--regime", settings->regime,
                  "orders: calm, volatile, thin (one maker, wide spreads) or session (09:30-16:00 "
                  "New York, busiest at the open and close)")
      ->check(CLI::IsMember({"calm", "volatile", "thin", "session"}))
      ->capture_default_str();
  cmd->add_option("--traders", settings->traders, "orders: trading accounts besides the makers")
      ->capture_default_str();
  cmd->add_option("--inject", settings->inject,
                  "orders: kinds of episode to inject, comma-separated (self_trade, round_trip, "
                  "collusive_ring, wash_volume, pump_and_dump, spoofing, layering, quote_stuffing, "
                  "momentum_ignition, excessive_spread, order_to_trade_ratio), all or none")
      ->capture_default_str();
  cmd->add_option("--episodes-per-hour", settings->episodes_per_hour,
                  "orders: injected episodes per symbol and hour (after a 30 min warm-up)")
      ->capture_default_str();
  cmd->callback([settings] { generate(*settings); });
}

}  // namespace tw::cli
