// `tapewatch eval`: scores the rules' alerts against ground-truth labels, or generates a
// market, runs every rule over it and scores them in one go.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <fstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/market_options.hpp"
#include "cli/run_summary.hpp"
#include "detect/detector.hpp"
#include "eval/eval_report.hpp"
#include "eval/eval_run.hpp"

namespace tw::cli {
namespace {

struct EvalSettings {
  std::string labels;
  std::string db = "tapewatch.db";
  std::string owners_path;
  std::string slack = "0s";
  std::string json_out;  // "-" for stdout
  std::vector<std::string> rules;
  bool run = false;
  MarketSettings market;
  std::string out = "eval-market";
};

Duration parse_slack(const std::string& text) {
  auto slack = Duration::parse(text);
  if (!slack || *slack < Duration()) {
    throw std::runtime_error("--slack '" + text + "': expected a duration >= 0, e.g. 2s or 500ms");
  }
  return *slack;
}

void check_rules(const std::vector<std::string>& rules) {
  for (const std::string& rule : rules) {
    if (!find_rule(rule)) {
      throw std::runtime_error("--rule '" + rule +
                               "': no such rule (`tapewatch rules` lists them)");
    }
  }
}

eval::EvalOptions eval_options(const EvalSettings& s) {
  check_rules(s.rules);
  eval::EvalOptions options;
  options.slack = parse_slack(s.slack);
  options.only_rules = s.rules;
  if (!s.owners_path.empty()) options.owners = load_config(s.owners_path).owners;
  return options;
}

void write_json(const std::string& path, const eval::Evaluation& evaluation) {
  std::string json = eval::evaluation_json(evaluation) + "\n";
  if (path == "-") {
    fmt::print("{}", json);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out << json;
  out.close();
  if (!out) throw std::runtime_error(path + ": cannot write the evaluation");
}

// JSON on stdout is the whole output, so that it can be piped.
bool tables_wanted(const EvalSettings& s) {
  return s.json_out != "-";
}

void report(const EvalSettings& s, const eval::Evaluation& evaluation) {
  if (tables_wanted(s)) eval::print_evaluation(stdout, evaluation);
  if (!s.json_out.empty()) write_json(s.json_out, evaluation);
}

void generate_run_and_score(const EvalSettings& s) {
  eval::GeneratedEvaluation g =
      eval::generate_run_and_evaluate(s.market.market(), s.out, eval_options(s));
  if (tables_wanted(s)) {
    fmt::print("generated {} (labels {})\n", fmt::join(g.market.inputs, ", "), g.market.labels);
    print_run_report(stdout, run_report(g.job, g.run));
    fmt::print("\n");
  }
  report(s, g.evaluation);
}

void eval_command(const EvalSettings& s) {
  if (s.run) return generate_run_and_score(s);
  if (s.labels.empty()) throw std::runtime_error("eval: --labels FILE (or --run) is required");
  report(s, eval::evaluate_files(s.labels, s.db, std::nullopt, eval_options(s)));
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto settings = std::make_shared<EvalSettings>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Score the rules' alerts against ground-truth labels (docs/DETECTION.md)");
  auto* labels = cmd->add_option("--labels", settings->labels,
                                 "Ground truth: JSON lines, one injected episode a line");
  auto* db = cmd->add_option("--db", settings->db, "Alert store to score")->capture_default_str();
  auto* owners = cmd->add_option("--owners", settings->owners_path,
                                 "TOML file with an [owners] table of linked accounts");
  cmd->add_option("--slack", settings->slack,
                  "Windows this far apart still overlap (e.g. 2s, 500ms)")
      ->capture_default_str();
  cmd->add_option("--json", settings->json_out, "Also write the scores as JSON to FILE (- stdout)");
  cmd->add_option("--rule", settings->rules, "Score only this rule; repeatable");
  auto* run = cmd->add_flag("--run", settings->run,
                            "Generate a market, run every rule over it and score, in one go");
  run->excludes(labels)->excludes(db)->excludes(owners);
  add_market_options(cmd, settings->market, run);
  cmd->add_option("-o,--out", settings->out, "--run: folder for the market, labels and store")
      ->capture_default_str()
      ->needs(run);
  cmd->callback([settings] { eval_command(*settings); });
}

}  // namespace tw::cli
