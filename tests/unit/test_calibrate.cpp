// `tapewatch calibrate`: sweeps of one rule parameter over a generated labelled market read once,
// the range checks, and the unlabelled counts against a plain run.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "cli/batch_job.hpp"
#include "eval/calibration.hpp"
#include "eval/eval_run.hpp"
#include "eval/stored_alerts.hpp"
#include "sim/episodes.hpp"
#include "store/alert_store.hpp"
#include "temp_dir.hpp"

using namespace tw;
using namespace tw::eval;

namespace {

/// A small order-level market with spoofing episodes every few minutes, generated and read once
/// for the whole suite.
class CalibrateMarket : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<tw::testing::TempDir>();
    MarketToGenerate to_generate;
    to_generate.orders = true;
    sim::OrderMarketOptions& o = to_generate.order_market;
    o.symbols = 2;
    o.hours = 1;
    o.seed = 7;
    o.inject = {sim::ManipulationKind::kSpoofing};
    o.episodes_per_hour = 12;
    o.warmup = Duration::minutes(10);
    o.tail = Duration::minutes(5);
    market_ = generate_labelled_market(to_generate, dir_->path().string());
    options_.owners = load_config(market_.owners).owners;
    episodes_ = read_labels(market_.labels);
    inputs_ = std::make_unique<RecordedInputs>(market_.inputs, FeedOptions{}, options_.owners);
  }
  static void TearDownTestSuite() {
    inputs_.reset();
    dir_.reset();
  }

  static Calibration sweep(const std::string& param, const std::string& range,
                           const Config& base = default_config(), bool labelled = true) {
    Sweep planned = plan_sweep({"spoofing", param, range, base});
    return run_sweep(planned, *inputs_, labelled ? std::optional(episodes_) : std::nullopt,
                     options_);
  }

  static inline std::unique_ptr<tw::testing::TempDir> dir_;
  static inline LabelledMarket market_;
  static inline EvalOptions options_;
  static inline std::vector<Episode> episodes_;
  static inline std::unique_ptr<RecordedInputs> inputs_;
};

uint64_t spoofing_episodes(const std::vector<Episode>& episodes) {
  return static_cast<uint64_t>(std::count_if(
      episodes.begin(), episodes.end(), [](const Episode& e) { return e.rule == "spoofing"; }));
}

std::string error_of(const std::string& rule, const std::string& param, const std::string& range) {
  try {
    plan_sweep({rule, param, range, default_config()});
  } catch (const SweepError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_F(CalibrateMarket, RaisingSizeMultipleNeverRaisesTheAlertCount) {
  ASSERT_GT(spoofing_episodes(episodes_), 3u);
  Calibration c = sweep("size_multiple", "2:40:2");
  ASSERT_EQ(c.points.size(), 20u);
  EXPECT_EQ(c.episodes, spoofing_episodes(episodes_));
  EXPECT_GT(c.points.front().score.alerts, 0u);
  for (size_t i = 1; i < c.points.size(); ++i) {
    EXPECT_LE(c.points[i].score.alerts, c.points[i - 1].score.alerts)
        << format_param(c.points[i].value);
  }
  for (const SweepPoint& p : c.points) {
    EXPECT_EQ(p.score.true_positives + p.score.false_negatives, c.episodes);
    EXPECT_EQ(p.score.matching_alerts + p.score.false_positives, p.score.alerts);
    EXPECT_EQ(p.events, c.events);
  }
}

TEST_F(CalibrateMarket, AThresholdPastEveryEpisodeFindsNone) {
  // Without the depth test, an order is large by size_multiple alone; the episodes' orders are
  // 15-30 times the usual size.
  Config base = parse_config("[rules.spoofing]\ndepth_min_multiple = 1000000\n", "test");
  Calibration c = sweep("size_multiple", "5:205:50", base);
  ASSERT_EQ(c.points.size(), 5u);
  EXPECT_GT(c.points.front().score.recall.value(), 0.5);
  EXPECT_EQ(c.points.back().score.recall.value(), 0.0);
  for (size_t i = 1; i < c.points.size(); ++i) {
    EXPECT_LE(*c.points[i].score.recall, *c.points[i - 1].score.recall);
  }
}

TEST_F(CalibrateMarket, TheBestF1AndTheDefaultAreMarked) {
  Calibration c = sweep("size_multiple", "2:40:2");
  double best = 0;
  for (const SweepPoint& p : c.points) best = std::max(best, p.score.f1.value_or(0));
  size_t marked = 0, defaults = 0;
  for (const SweepPoint& p : c.points) {
    EXPECT_EQ(p.best_f1, p.score.f1 && *p.score.f1 == best) << format_param(p.value);
    marked += p.best_f1;
    defaults += p.is_default;
    EXPECT_EQ(p.is_default, p.in_force);
    EXPECT_EQ(p.is_default, std::get<double>(p.value) == 10) << format_param(p.value);
  }
  EXPECT_GE(marked, 1u);
  EXPECT_EQ(defaults, 1u);
}

TEST_F(CalibrateMarket, AValueSetByTheConfigIsInForce) {
  Config base = parse_config("[rules.spoofing]\nsize_multiple = 14\n", "test");
  Calibration c = sweep("size_multiple", "10:20:2", base);
  for (const SweepPoint& p : c.points) {
    EXPECT_EQ(p.is_default, std::get<double>(p.value) == 10);
    EXPECT_EQ(p.in_force, std::get<double>(p.value) == 14);
  }
}

TEST_F(CalibrateMarket, UnlabelledCountsAtTheDefaultEqualAPlainRun) {
  cli::BatchJob job;
  job.inputs = market_.inputs;
  job.config = default_config();
  job.config.owners = options_.owners;
  job.db = dir_->file("plain.db");
  cli::BatchJobResult run = cli::run_batch_job(job);
  auto store = open_store(job.db, StoreOpen::kExisting);
  std::vector<Alert> plain = read_scored_alerts(*store, run.record.run_id).alerts;
  std::erase_if(plain, [](const Alert& a) { return a.rule != "spoofing"; });
  std::set<std::string> accounts, symbols;
  for (const Alert& a : plain) {
    accounts.insert(a.accounts.begin(), a.accounts.end());
    symbols.insert(a.symbol);
  }
  ASSERT_FALSE(plain.empty());

  Calibration counted = sweep("size_multiple", "10:10:1", default_config(), false);
  ASSERT_EQ(counted.points.size(), 1u);
  const SweepPoint& p = counted.points.front();
  EXPECT_FALSE(counted.labelled);
  EXPECT_EQ(p.score.alerts, plain.size());
  EXPECT_EQ(p.events, run.record.events);
  EXPECT_EQ(p.accounts, accounts.size());
  EXPECT_EQ(p.symbols, symbols.size());
  EXPECT_DOUBLE_EQ(*p.score.alerts_per_million_events,
                   static_cast<double>(plain.size()) * 1e6 / static_cast<double>(p.events));

  // With labels, the same value scores as `tapewatch eval` scores the plain run.
  EvalOptions only_spoofing = options_;
  only_spoofing.only_rules = {"spoofing"};
  Evaluation evaluated = evaluate(episodes_, plain, only_spoofing);
  const Calibration at_default = sweep("size_multiple", "10:10:1");
  const SweepPoint& scored = at_default.points.front();
  ASSERT_EQ(evaluated.rules.size(), 1u);
  EXPECT_EQ(scored.score.true_positives, evaluated.rules[0].true_positives);
  EXPECT_EQ(scored.score.false_positives, evaluated.rules[0].false_positives);
  EXPECT_EQ(scored.score.f1, evaluated.rules[0].f1);
}

TEST(Calibrate, RangesGiveValuesOfTheParametersType) {
  Sweep numbers = plan_sweep({"spoofing", "max_fill_ratio", "0.1:0.5:0.1", default_config()});
  ASSERT_EQ(numbers.values.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    const double expected = std::stod("0." + std::to_string(i + 1));
    EXPECT_EQ(std::get<double>(numbers.values[i]), expected);
  }
  Sweep durations = plan_sweep({"spoofing", "max_lifetime", "5s:30s:5s", default_config()});
  ASSERT_EQ(durations.values.size(), 6u);
  EXPECT_EQ(std::get<Duration>(durations.values.back()), Duration::seconds(30));
  Sweep integers = plan_sweep({"spoofing", "depth_levels", "1:10:3", default_config()});
  ASSERT_EQ(integers.values.size(), 4u);
  EXPECT_EQ(std::get<int64_t>(integers.values.back()), 10);
  Sweep one = plan_sweep({"spoofing", "depth_levels", "4:4:1", default_config()});
  EXPECT_EQ(one.values.size(), 1u);
  Sweep ms = plan_sweep({"wash.round_trip", "window", "500ms:2s:500ms", default_config()});
  EXPECT_EQ(ms.values.size(), 4u);
}

TEST(Calibrate, ErrorsNameTheOption) {
  EXPECT_NE(error_of("nope", "size_multiple", "1:2:1").find("--rule 'nope'"), std::string::npos);
  EXPECT_NE(error_of("spoofing", "nope", "1:2:1").find("--param 'nope'"), std::string::npos);
  EXPECT_NE(error_of("wash.round_trip", "same_counterparty", "0:1:1").find("--param"),
            std::string::npos);
  for (const char* range : {"5", "5:10", "5:10:1:2", "a:10:1", "10:5:1", "5:10:0", "5:10:-1",
                            "0:10:1", "1:2000:1", "1:5:0.5", "5:10:2s"}) {
    const std::string integer = error_of("spoofing", "depth_levels", range);
    EXPECT_EQ(integer.rfind("--range '", 0), 0u) << range << ": " << integer;
  }
  EXPECT_NE(error_of("spoofing", "depth_levels", "1:5:0.5").find("whole number"),
            std::string::npos);
  EXPECT_NE(error_of("spoofing", "max_fill_ratio", "0.5:1.5:0.5").find("expected 0 to 1"),
            std::string::npos);
  EXPECT_NE(error_of("spoofing", "max_lifetime", "0s:10s:5s").find("--range"), std::string::npos);
  EXPECT_NE(error_of("spoofing", "max_lifetime", "5s:10s:soon").find("STEP 'soon'"),
            std::string::npos);
  EXPECT_NE(error_of("spoofing", "depth_levels", "1:1000:1").find("at most 200"),
            std::string::npos);
}

TEST(Calibrate, EachValueRunsTheRuleAloneWithTheValueEverywhere) {
  Config base = parse_config(
      "[rules.spoofing]\nsize_multiple = 12\n[rules.spoofing.symbols.SIM01]\nsize_multiple = 20\n",
      "test");
  Sweep sweep = plan_sweep({"spoofing", "size_multiple", "5:6:1", base});
  Config config = config_for_value(sweep, sweep.values.back());
  for (const auto& [name, rule] : config.rules) EXPECT_EQ(rule.enabled, name == "spoofing");
  EXPECT_EQ(config.rule("spoofing").values.number("size_multiple"), 6);
  EXPECT_EQ(config.rule("spoofing").for_symbol("SIM01").number("size_multiple"), 6);
  EXPECT_EQ(std::get<double>(sweep.in_force), 12);
}
