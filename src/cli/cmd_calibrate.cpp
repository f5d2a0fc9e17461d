// `tapewatch calibrate`: sweeps one parameter of one rule over a range of values and prints, at
// each value, the rule's precision and recall against ground truth (or its alert counts when
// there is none), so that thresholds are chosen from evidence.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/json_output.hpp"
#include "cli/market_options.hpp"
#include "eval/calibration.hpp"
#include "eval/calibration_report.hpp"
#include "eval/eval_run.hpp"
#include "eval/labels.hpp"

namespace tw::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct CalibrateSettings {
  std::string rule;
  std::string param;
  std::string range;
  std::vector<std::string> inputs;
  std::string format = "auto";
  std::string labels;
  std::string owners_path;
  std::string config_path;
  std::string slack = "0s";
  std::string json_out;  // "-" for stdout
  bool run = false;
  MarketSettings market;
  std::string out = "calibrate-market";
};

/// What the sweep reads: input files, their owners and, when known, their ground truth.
struct SweepInputs {
  std::vector<std::string> files;
  std::string owners;  // TOML [owners]; may be empty
  std::string labels;  // may be empty: counts only
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Config base_config(const CalibrateSettings& s) {
  return s.config_path.empty() ? default_config() : load_config(s.config_path);
}

SweepInputs sweep_inputs(const CalibrateSettings& s) {
  if (s.run) {
    eval::LabelledMarket market = eval::generate_labelled_market(s.market.market(), s.out);
    return {market.inputs, market.owners, market.labels};
  }
  if (s.inputs.empty()) throw std::runtime_error("calibrate: INPUT files (or --run) are required");
  return {s.inputs, s.owners_path, s.labels};
}

std::optional<std::vector<eval::Episode>> episodes(const SweepInputs& in) {
  if (in.labels.empty()) return std::nullopt;
  return eval::read_labels(in.labels);
}

void calibrate_command(const CalibrateSettings& s) {
  // The sweep is checked first: a mistyped range fails before a market is generated.
  eval::Sweep sweep = eval::plan_sweep({s.rule, s.param, s.range, base_config(s)});
  eval::EvalOptions options;
  options.slack = eval::parse_slack(s.slack);
  const bool tables = s.json_out != "-";  // JSON on stdout is the whole output

  const auto start = Clock::now();
  const SweepInputs in = sweep_inputs(s);
  if (!in.owners.empty()) options.owners = load_config(in.owners).owners;
  const auto truth = episodes(in);
  FeedOptions feed;
  feed.format = s.format;
  eval::RecordedInputs recorded(in.files, feed, options.owners);
  const double read_seconds = seconds_since(start);

  const auto sweep_start = Clock::now();
  eval::Calibration calibration = eval::run_sweep(sweep, recorded, truth, options);
  const double sweep_seconds = seconds_since(sweep_start);
  if (tables) {
    if (s.run) fmt::print("generated {} (labels {})\n", fmt::join(in.files, ", "), in.labels);
    eval::print_calibration(stdout, calibration);
    fmt::print("read once in {:.2f} s{}; {} runs of {} in {:.2f} s ({:.2f} s a run)\n",
               read_seconds, s.run ? " (generated first)" : "", calibration.points.size(), s.rule,
               sweep_seconds, sweep_seconds / static_cast<double>(calibration.points.size()));
  }
  if (!s.json_out.empty())
    write_json_output(s.json_out, eval::calibration_json(calibration), "calibration");
}

}  // namespace

void add_calibrate_command(CLI::App& app) {
  auto settings = std::make_shared<CalibrateSettings>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Sweep one rule parameter over a range: precision and recall against labels, or alert "
      "counts, at each value (docs/DETECTION.md)");
  cmd->add_option("--rule", settings->rule, "The rule to calibrate (`tapewatch rules`)")
      ->required();
  cmd->add_option("--param", settings->param, "Its parameter to sweep")->required();
  cmd->add_option("--range", settings->range,
                  "FROM:TO:STEP in the parameter's type: 5:30:5, 0.1:0.5:0.1, 5s:30s:5s")
      ->required();
  auto* inputs = cmd->add_option("inputs", settings->inputs, "Input files, read once")
                     ->check(CLI::ExistingFile);
  auto* format = cmd->add_option("-f,--format", settings->format,
                                 "auto, csv, binance-csv, binance-json, lobster or itch")
                     ->capture_default_str();
  auto* labels = cmd->add_option("--labels", settings->labels,
                                 "Ground truth of the inputs: JSON lines, one episode a line")
                     ->check(CLI::ExistingFile)
                     ->needs(inputs);
  auto* owners = cmd->add_option("--owners", settings->owners_path,
                                 "TOML file with an [owners] table of linked accounts")
                     ->check(CLI::ExistingFile);
  cmd->add_option("-c,--config", settings->config_path,
                  "TOML configuration for every other parameter (see `tapewatch rules`)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--slack", settings->slack,
                  "Windows this far apart still overlap (e.g. 2s, 500ms)")
      ->capture_default_str();
  cmd->add_option("--json", settings->json_out, "Also write the sweep as JSON to FILE (- stdout)");
  auto* run = cmd->add_flag("--run", settings->run,
                            "Generate a labelled market (the options of `tapewatch generate`) "
                            "and sweep over it");
  run->excludes(inputs)->excludes(format)->excludes(labels)->excludes(owners);
  add_market_options(cmd, settings->market, run);
  cmd->add_option("-o,--out", settings->out, "--run: folder for the market and its labels")
      ->capture_default_str()
      ->needs(run);
  cmd->callback([settings] { calibrate_command(*settings); });
}

}  // namespace tw::cli
