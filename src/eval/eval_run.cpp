#include "eval/eval_run.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "eval/combined.hpp"
#include "eval/labels.hpp"
#include "eval/stored_alerts.hpp"
#include "sim/order_csv_writer.hpp"
#include "store/alert_store.hpp"

namespace tw::eval {
namespace {

std::string in_dir(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

cli::BatchJob engine_job(const LabelledMarket& market, const std::string& dir) {
  cli::BatchJob job;
  job.inputs = market.inputs;
  job.config = default_config();
  job.config.owners = load_config(market.owners).owners;
  job.db = in_dir(dir, "tapewatch.db");
  job.dead_letter = in_dir(dir, "rejects.jsonl");
  return job;
}

}  // namespace

Evaluation evaluate_files(const std::string& labels_path, const std::string& db,
                          const std::optional<std::string>& run_id, EvalOptions options) {
  std::vector<Episode> episodes = read_labels(labels_path);
  auto store = open_store(db, StoreOpen::kExisting);
  ScoredAlerts scored = read_scored_alerts(*store, run_id);
  options.events = scored.events;
  return evaluate(episodes, scored.alerts, options);
}

LabelledMarket generate_labelled_market(const MarketToGenerate& to_generate,
                                        const std::string& dir) {
  std::filesystem::create_directories(dir);
  LabelledMarket market{{}, in_dir(dir, "labels.jsonl"), in_dir(dir, "owners.toml")};
  if (to_generate.orders) {
    market.inputs = sim::write_order_market(to_generate.order_market, to_generate.order_files, dir,
                                            market.owners, market.labels)
                        .files;
  } else {
    market.inputs = {in_dir(dir, "trades.csv")};
    generate_market(to_generate.trades, market.inputs.front(), market.labels, market.owners);
  }
  return market;
}

GeneratedEvaluation generate_run_and_evaluate(const MarketToGenerate& market,
                                              const std::string& dir, EvalOptions options) {
  GeneratedEvaluation g;
  g.market = generate_labelled_market(market, dir);
  g.job = engine_job(g.market, dir);
  g.run = cli::run_batch_job(g.job);
  options.owners = g.job.config.owners;
  g.evaluation = evaluate_files(g.market.labels, g.job.db, g.run.record.run_id, options);
  return g;
}

MatrixEvaluation evaluate_matrix(const MarketToGenerate& market, const std::vector<uint64_t>& seeds,
                                 const std::vector<sim::Regime>& regimes, const std::string& dir,
                                 const EvalOptions& options) {
  MatrixEvaluation matrix;
  std::vector<Evaluation> evaluations;
  for (sim::Regime regime :
       market.orders ? regimes : std::vector<sim::Regime>{sim::Regime::kCalm}) {
    for (uint64_t seed : seeds) {
      MarketToGenerate one = market;
      one.order_market.regime = regime;
      one.order_market.seed = seed;
      one.trades.seed = seed;
      const std::string name = market.orders ? fmt::format("{}-s{}", sim::regime_name(regime), seed)
                                             : fmt::format("s{}", seed);
      GeneratedEvaluation g =
          generate_run_and_evaluate(one, (std::filesystem::path(dir) / name).string(), options);
      evaluations.push_back(g.evaluation);
      matrix.runs.push_back({regime, seed, g.run.record, std::move(g.evaluation)});
    }
  }
  matrix.combined = combine(evaluations);
  return matrix;
}

}  // namespace tw::eval
