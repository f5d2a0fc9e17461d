// Evaluations end to end: labels and a store on disk, or a generated market run and scored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/batch_job.hpp"
#include "eval/scoring.hpp"
#include "sim/order_flow_writer.hpp"
#include "sim/order_market.hpp"
#include "sim/trade_generator.hpp"

namespace tw::eval {

/// Scores the alerts of store `db` (only those last written by `run_id`, when set) against the
/// labels file. The store must exist. `options.events` is taken from the store's run record
/// (see read_scored_alerts).
Evaluation evaluate_files(const std::string& labels_path, const std::string& db,
                          const std::optional<std::string>& run_id, EvalOptions options);

/// A generated market on disk: the inputs to run and their ground truth.
struct LabelledMarket {
  std::vector<std::string> inputs;
  std::string labels;
  std::string owners;  // TOML [owners] of the linked accounts
};

/// A market to generate: the trade tape of `tapewatch generate`, or its order-level market
/// (`--mode orders`).
struct MarketToGenerate {
  bool orders = false;
  GeneratorOptions trades;
  sim::OrderMarketOptions order_market;
  sim::OrderFileOptions order_files;  // the format of the order-level market's event stream
};

/// Writes a market with injected episodes and its labels into `dir`. The one place that knows
/// how a market is generated, so that another generator mode is added here alone.
LabelledMarket generate_labelled_market(const MarketToGenerate& market, const std::string& dir);

/// A generated market, the engine's run over it and the scores.
struct GeneratedEvaluation {
  LabelledMarket market;
  cli::BatchJob job;
  cli::BatchJobResult run;
  Evaluation evaluation;
};

/// Generates into `dir`, runs every rule with the default configuration and the market's owners
/// into `dir`/tapewatch.db (as `tapewatch run` does), and scores that run's alerts.
GeneratedEvaluation generate_run_and_evaluate(const MarketToGenerate& market,
                                              const std::string& dir, EvalOptions options);

/// One run of a matrix: the market's regime and seed, the run's record and its scores.
struct MatrixRun {
  sim::Regime regime = sim::Regime::kCalm;
  uint64_t seed = 0;
  RunRecord record;
  Evaluation evaluation;
};

/// Every run of a matrix, and their scores taken together (combine).
struct MatrixEvaluation {
  std::vector<MatrixRun> runs;
  Evaluation combined;
};

/// Generates, runs and scores `market` once for each seed and regime, each into its own folder
/// of `dir` (REGIME-sSEED; the regime is the order market's, and the trade tape's market takes
/// the seeds alone).
MatrixEvaluation evaluate_matrix(const MarketToGenerate& market, const std::vector<uint64_t>& seeds,
                                 const std::vector<sim::Regime>& regimes, const std::string& dir,
                                 const EvalOptions& options);

}  // namespace tw::eval
