// `tapewatch generate`: a synthetic market with injected manipulation and its ground truth.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/commands.hpp"
#include "sim/trade_generator.hpp"

namespace tw::cli {
namespace {

struct GenerateSettings {
  GeneratorOptions options;
  std::string out = "market";
};

void generate(const GenerateSettings& s) {
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
  cmd->callback([settings] { generate(*settings); });
}

}  // namespace tw::cli
