// `tapewatch eval`: scores the rules' alerts against ground-truth labels, or generates a
// market, runs every rule over it and scores them in one go.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <optional>
#include <stdexcept>
#include <vector>

#include "cli/commands.hpp"
#include "cli/json_output.hpp"
#include "cli/market_options.hpp"
#include "cli/run_summary.hpp"
#include "detect/detector.hpp"
#include "eval/eval_report.hpp"
#include "eval/eval_run.hpp"
#include "sim/order_market.hpp"

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
  std::vector<std::string> seeds;    // --run: FIRST-LAST ranges or seeds: a matrix of runs
  std::vector<std::string> regimes;  // --run --mode orders
  std::optional<double> min_f1;
  std::optional<double> max_alerts_per_million;
  std::string out = "eval-market";
};

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
  options.slack = eval::parse_slack(s.slack);
  options.only_rules = s.rules;
  if (!s.owners_path.empty()) options.owners = load_config(s.owners_path).owners;
  return options;
}

// JSON on stdout is the whole output, so that it can be piped.
bool tables_wanted(const EvalSettings& s) {
  return s.json_out != "-";
}

void report(const EvalSettings& s, const eval::Evaluation& evaluation) {
  if (tables_wanted(s)) eval::print_evaluation(stdout, evaluation);
  if (!s.json_out.empty())
    write_json_output(s.json_out, eval::evaluation_json(evaluation), "evaluation");
}

// The gates for CI: every rule with episodes at least --min-f1, every rule at most
// --max-alerts-per-million; a failed gate names the rule and ends the command with an error.
void check_gates(const EvalSettings& s, const eval::Evaluation& e) {
  std::vector<std::string> failed;
  for (const eval::RuleScore& r : e.rules) {
    if (s.min_f1 && r.episodes > 0 && r.f1.value_or(0) < *s.min_f1) {
      failed.push_back(fmt::format("{} F1 {:.3f} < {}", r.rule, r.f1.value_or(0), *s.min_f1));
    }
    if (s.max_alerts_per_million && r.alerts_per_million_events &&
        *r.alerts_per_million_events > *s.max_alerts_per_million) {
      failed.push_back(fmt::format("{} {:.1f} alerts per million events > {}", r.rule,
                                   *r.alerts_per_million_events, *s.max_alerts_per_million));
    }
  }
  if (!failed.empty()) {
    throw std::runtime_error(fmt::format("eval: {}", fmt::join(failed, "; ")));
  }
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
  check_gates(s, g.evaluation);
}

// Each item a seed or a FIRST-LAST range of them.
std::vector<uint64_t> parse_seeds(const std::vector<std::string>& items) {
  std::vector<uint64_t> seeds;
  for (const std::string& item : items) {
    auto number = [&](const std::string& part) {
      size_t used = 0;
      uint64_t v = 0;
      try {
        v = std::stoull(part, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != part.size()) {
        throw std::runtime_error("--seeds '" + item + "': expected FIRST-LAST or a comma list");
      }
      return v;
    };
    if (const size_t dash = item.find('-'); dash != std::string::npos) {
      const uint64_t first = number(item.substr(0, dash)), last = number(item.substr(dash + 1));
      if (last < first || last - first >= 1000) {
        throw std::runtime_error("--seeds '" + item + "': a range of 1 to 1,000 seeds");
      }
      for (uint64_t seed = first; seed <= last; ++seed) seeds.push_back(seed);
    } else {
      seeds.push_back(number(item));
    }
  }
  return seeds;
}

// --regimes, or else the one --regime (the option checks the names).
std::vector<sim::Regime> parse_regimes(const EvalSettings& s) {
  std::vector<sim::Regime> regimes;
  for (const std::string& name :
       s.regimes.empty() ? std::vector<std::string>{s.market.regime} : s.regimes) {
    sim::parse_regime(name, regimes.emplace_back());
  }
  return regimes;
}

void evaluate_matrix(const EvalSettings& s) {
  const std::vector<uint64_t> seeds = parse_seeds(s.seeds);
  const eval::MatrixEvaluation m =
      eval::evaluate_matrix(s.market.market(), seeds, parse_regimes(s), s.out, eval_options(s));
  if (tables_wanted(s)) {
    for (const eval::MatrixRun& run : m.runs) {
      fmt::print("{:<9} seed {:<4} {:>10} events {:>5} episodes {:>7} alerts\n",
                 s.market.mode == "orders" ? sim::regime_name(run.regime) : "trades", run.seed,
                 run.record.events, run.evaluation.episodes, run.record.alerts);
    }
    fmt::print("\nall {} runs together\n", m.runs.size());
  }
  report(s, m.combined);
  check_gates(s, m.combined);
}

void eval_command(const EvalSettings& s) {
  if (s.run && (!s.seeds.empty() || !s.regimes.empty())) return evaluate_matrix(s);
  if (s.run) return generate_run_and_score(s);
  if (s.labels.empty()) throw std::runtime_error("eval: --labels FILE (or --run) is required");
  const eval::Evaluation e = eval::evaluate_files(s.labels, s.db, std::nullopt, eval_options(s));
  report(s, e);
  check_gates(s, e);
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
  cmd->add_option("--seeds", settings->seeds,
                  "--run: a run per seed (FIRST-LAST or a comma list), scored together")
      ->delimiter(',')
      ->needs(run);
  cmd->add_option("--regimes", settings->regimes,
                  "--run --mode orders: a run per regime (comma list of calm, volatile, thin, "
                  "session) and seed, scored together")
      ->delimiter(',')
      ->check(CLI::IsMember(sim::regime_names()))
      ->needs(run);
  cmd->add_option("--min-f1", settings->min_f1,
                  "Fail (exit 1, naming the rule) when a rule with episodes scores F1 below this");
  cmd->add_option("--max-alerts-per-million", settings->max_alerts_per_million,
                  "Fail (exit 1, naming the rule) when a rule raises more alerts than this per "
                  "million events (for markets with nothing injected)");
  cmd->add_option("-o,--out", settings->out, "--run: folder for the market, labels and store")
      ->capture_default_str()
      ->needs(run);
  cmd->callback([settings] { eval_command(*settings); });
}

}  // namespace tw::cli
