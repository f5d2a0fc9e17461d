// `tapewatch generate`: a synthetic market with injected manipulation and its ground truth (a
// trade tape, or an order-level market), or ITCH 5.0 order flow.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/market_options.hpp"
#include "sim/itch_market.hpp"
#include "sim/order_csv_writer.hpp"
#include "sim/trade_generator.hpp"

namespace tw::cli {
namespace {

struct GenerateSettings {
  MarketSettings market;
  std::string out = "market";
  uint64_t messages = 1'000'000;  // itch flow without labels
};

// The file name carries the day (MMDDYYYY), so that readers need no --date.
void generate_itch(const GenerateSettings& s) {
  namespace fs = std::filesystem;
  fs::create_directories(s.out);
  sim::ItchMarketOptions options;
  options.messages = s.messages;
  options.symbols = static_cast<uint32_t>(s.market.trades.symbols);
  options.seed = s.market.trades.seed;
  const std::string path = (fs::path(s.out) / "orders_01302019.itch").string();
  sim::ItchMarketSummary summary = sim::write_itch_market(options, path);
  fmt::print("wrote {}: {} ITCH 5.0 messages over {} symbols, at most {} orders live\n", path,
             summary.messages, options.symbols, summary.max_live_orders);
}

// Where the order flow went: its one file, or LOBSTER's two files per symbol.
std::string flow_files(const sim::OrderMarketSummary& summary, sim::OrderFileFormat format) {
  const std::string& first = summary.files.front();
  if (format == sim::OrderFileFormat::kItch) return first + " (its MPIDs' accounts in mpids.csv)";
  if (format == sim::OrderFileFormat::kCsv) return first;
  return fmt::format("{} LOBSTER message files and their orderbook files ({}, ...)",
                     summary.files.size(), first);
}

void generate_orders(const GenerateSettings& s) {
  namespace fs = std::filesystem;
  const eval::MarketToGenerate market = s.market.market();
  fs::create_directories(s.out);
  fs::path dir(s.out);
  sim::OrderMarketSummary summary =
      sim::write_order_market(market.order_market, market.order_files, s.out,
                              (dir / "owners.toml").string(), (dir / "labels.jsonl").string());
  fmt::print("wrote {}: {} order events ({} adds, {} cancels, {} executions), {} .. {}\n",
             flow_files(summary, market.order_files.format), summary.events, summary.adds,
             summary.cancels, summary.executions, summary.first.to_iso8601(),
             summary.last.to_iso8601());
  fmt::print("wrote {}/owners.toml and {}/labels.jsonl: {} injected episodes ({} regime)\n", s.out,
             s.out, summary.episodes, s.market.regime);
}

void generate_trades(const GenerateSettings& s) {
  namespace fs = std::filesystem;
  s.market.market();  // checks the options
  fs::create_directories(s.out);
  fs::path dir(s.out);
  GeneratorSummary summary =
      generate_market(s.market.trades, (dir / "trades.csv").string(),
                      (dir / "labels.jsonl").string(), (dir / "owners.toml").string());
  fmt::print("wrote {}/trades.csv: {} trades, {} .. {}\n", s.out, summary.rows,
             summary.first_ts.to_iso8601(), summary.last_ts.to_iso8601());
  fmt::print(
      "injected: {} wash round trips ({} through linked accounts), {} self-trades, "
      "{} pump & dump episodes\n",
      summary.wash_pairs, summary.linked_wash_pairs, summary.self_trades, summary.pump_dumps);
  fmt::print("wrote {}/labels.jsonl (ground truth) and {}/owners.toml ({} linked owners)\n", s.out,
             s.out, summary.owner_groups);
}

void generate(const GenerateSettings& s) {
  if (s.market.mode == "orders") return generate_orders(s);
  if (s.market.format == "itch") return generate_itch(s);
  generate_trades(s);
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto settings = std::make_shared<GenerateSettings>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Write a synthetic market (trades, or order flow) with injected manipulation and "
      "ground-truth labels");
  add_market_options(cmd, settings->market);
  cmd->add_option("-o,--out", settings->out, "Output folder")->capture_default_str();
  cmd->add_option("--messages", settings->messages,
                  "--format itch without --mode orders: ITCH messages to write")
      ->capture_default_str();
  cmd->callback([settings] { generate(*settings); });
}

}  // namespace tw::cli
