#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "detect/wash_volume_anomaly.hpp"
#include "real_data.hpp"
#include "rule_test_util.hpp"

using namespace tw;

namespace {

const Timestamp kT0 = *Timestamp::parse_iso8601("2026-01-01T00:00:00Z");

class WashVolumeAnomaly : public ::testing::Test {
 protected:
  Universe universe;
  RuleInfo info = wash_volume_anomaly_rule();
  RuleConfig config = default_rule_config(info);
  SymbolId btc = universe.symbol("BTCUSDT");
  std::vector<Event> events;

  void trade(double seconds, double qty, SymbolId symbol = {}, Side side = Side::kBuy) {
    Event e;
    e.ts = kT0 + Duration::nanos(static_cast<int64_t>(std::llround(seconds * 1e9)));
    e.price = Price::from_units(100);
    e.qty = Quantity::from_double(qty);
    e.side = side;
    e.symbol = symbol ? symbol : btc;
    e.seq = events.size() + 1;
    e.id = ExternalId::number(e.seq);
    events.push_back(e);
  }

  /// One trade of 1 per second from `from` to `to` (exclusive).
  void steady(int from, int to, SymbolId symbol = {}) {
    for (int t = from; t < to; ++t) trade(t, 1, symbol);
  }

  /// `volume` extra, in five sell trades half a second after `second`.
  void burst(int second, double volume, SymbolId symbol = {}) {
    for (int i = 0; i < 5; ++i) trade(second + 0.5, volume / 5, symbol, Side::kSell);
  }

  /// Steady trading for `minutes`, with bursts of `volume` at the given seconds.
  void scenario(int seconds, std::vector<std::pair<int, double>> bursts) {
    std::sort(bursts.begin(), bursts.end());
    size_t next = 0;
    for (int t = 0; t < seconds; ++t) {
      trade(t, 1);
      for (; next < bursts.size() && bursts[next].first == t; ++next) burst(t, bursts[next].second);
    }
  }

  std::vector<Alert> run(const std::vector<Event>& input) {
    AlertCollector out;
    auto d = info.make({universe, config, out});
    for (const Event& e : input) d->on_event(e);
    d->finish();
    return std::move(out.alerts);
  }
  std::vector<Alert> run() { return run(events); }
};

TEST_F(WashVolumeAnomaly, IsRegistered) {
  const RuleInfo* r = find_rule("wash.volume_anomaly");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->needs, "trades");
}

TEST_F(WashVolumeAnomaly, QuietMarketGivesNothing) {
  steady(0, 3 * 3600);
  EXPECT_TRUE(run().empty());
}

// Steady windows hold 60; the deviation floor is 10% of that (6), so z = burst / 6.
TEST_F(WashVolumeAnomaly, BurstAfterQuietBaselineGivesOneAlert) {
  scenario(2700, {{2400, 20}});
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "wash.volume_anomaly");
  EXPECT_EQ(a.symbol, "BTCUSDT");
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_NEAR(metric(a, "peak_z"), 20.0 / 6, 1e-9);
  EXPECT_EQ(metric(a, "window_volume"), 80);
  EXPECT_EQ(metric(a, "baseline_median"), 60);
  EXPECT_NEAR(metric(a, "baseline_deviation"), 6, 1e-9);
  EXPECT_EQ(metric(a, "trade_count"), 65);
  EXPECT_NEAR(metric(a, "sell_volume"), 20, 1e-9);
  EXPECT_EQ(metric(a, "buy_volume"), 60);
  // Flagged windows end at steps 2400..2459: the first starts at 2341, the last ends at 2460.
  EXPECT_EQ(a.start, kT0 + Duration::seconds(2341));
  EXPECT_EQ(a.end, kT0 + Duration::seconds(2460));
  EXPECT_EQ(metric(a, "duration_s"), 119);
  EXPECT_EQ(metric(a, "flagged_windows"), 60);
  EXPECT_EQ(a.evidence.size(), kMaxEvidenceIds);
  EXPECT_EQ(a.evidence_total, 65u);
  EXPECT_EQ(a.evidence[0], "trade:2342");  // the first trade of the peak window (second 2341)
  EXPECT_NE(a.why.find("BTCUSDT traded 80 in the 1m window"), std::string::npos) << a.why;
}

TEST_F(WashVolumeAnomaly, SeverityFollowsPeakZ) {
  struct Case {
    double volume;
    Severity severity;
  };
  for (Case c :
       {Case{20, Severity::kMedium}, Case{27, Severity::kHigh}, Case{36, Severity::kCritical}}) {
    events.clear();
    scenario(2700, {{2400, c.volume}});
    auto alerts = run();
    ASSERT_EQ(alerts.size(), 1u) << c.volume;
    EXPECT_EQ(alerts[0].severity, c.severity) << c.volume;
  }
}

TEST_F(WashVolumeAnomaly, ThresholdBoundary) {
  scenario(2700, {{2400, 17.9}});  // z = 2.98
  EXPECT_TRUE(run().empty());
  events.clear();
  scenario(2700, {{2400, 18.1}});  // z = 3.02
  EXPECT_EQ(run().size(), 1u);
}

TEST_F(WashVolumeAnomaly, SeparatedBurstsGiveTwoAlerts) {
  scenario(3000, {{2400, 30}, {2520, 30}});  // second window starts after the first one ends
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].end, kT0 + Duration::seconds(2460));
  EXPECT_EQ(alerts[1].start, kT0 + Duration::seconds(2461));
  EXPECT_NE(alerts[0].id, alerts[1].id);
}

TEST_F(WashVolumeAnomaly, AdjacentBurstWindowsMerge) {
  scenario(3000, {{2400, 30}, {2519, 40}});  // flagged windows touch: one episode
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].start, kT0 + Duration::seconds(2341));
  EXPECT_EQ(alerts[0].end, kT0 + Duration::seconds(2579));
  EXPECT_NEAR(metric(alerts[0], "peak_z"), 40.0 / 6, 1e-9);
  EXPECT_EQ(alerts[0].severity, Severity::kCritical);
}

// Baseline samples are the volumes of aligned minutes that end before the rolling window
// starts: minute 0 (steps 0..59) enters at step 119, when the window starts at second 60, so
// the 30 samples of min_baseline are there from step 1859 (window starting at 1800).
TEST_F(WashVolumeAnomaly, NothingBeforeTheBaselineIsLongEnough) {
  scenario(2700, {{1200, 60}});
  EXPECT_TRUE(run().empty());
  events.clear();
  scenario(2700, {{1799, 60}});  // its last window ends at step 1858
  EXPECT_TRUE(run().empty());
  events.clear();
  scenario(2700, {{1800, 60}});  // still in the window at step 1859
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(metric(alerts[0], "baseline_samples"), 30);
  EXPECT_EQ(metric(alerts[0], "flagged_windows"), 1);
}

TEST_F(WashVolumeAnomaly, AdvanceToClosesQuietSymbols) {
  steady(0, 2400);
  burst(2399, 60);  // then silence: windows stay flagged while (60 + steady left) - 60 >= 18
  AlertCollector out;
  auto d = info.make({universe, config, out});
  for (const Event& e : events) d->on_event(e);
  d->advance_to(kT0 + Duration::seconds(2460));
  EXPECT_TRUE(out.alerts.empty());
  d->advance_to(kT0 + Duration::seconds(2600));
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(out.alerts[0].end, kT0 + Duration::seconds(2442));  // last flagged: 42 steady + 60
  d->finish();
  EXPECT_EQ(out.alerts.size(), 1u);
}

TEST_F(WashVolumeAnomaly, PerSymbolOverride) {
  SymbolId eth = universe.symbol("ETHUSDT");
  ParamValues strict = config.values;
  set_param(strict, info, "z_threshold", "10");
  set_param(strict, info, "high_z", "10");
  set_param(strict, info, "critical_z", "10");
  config.per_symbol["ETHUSDT"] = strict;
  for (int t = 0; t < 2700; ++t) {
    trade(t, 1);
    trade(t, 1, eth);
    if (t == 2400) {
      burst(t, 30);
      burst(t, 30, eth);
    }
  }
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].symbol, "BTCUSDT");
}

TEST_F(WashVolumeAnomaly, RejectsWindowNotAMultipleOfStep) {
  set_param(config.values, info, "step", "7s");
  AlertCollector out;
  EXPECT_THROW(info.make({universe, config, out}), ConfigError);
}

TEST_F(WashVolumeAnomaly, RejectsBaselineNotAMultipleOfWindow) {
  set_param(config.values, info, "baseline", "90s");
  AlertCollector out;
  EXPECT_THROW(info.make({universe, config, out}), ConfigError);
  set_param(config.values, info, "baseline", "2m");
  set_param(config.values, info, "min_baseline", "90s");  // rounds up to two windows
  EXPECT_NO_THROW(info.make({universe, config, out}));
}

// Trades that name buyer and seller: a steady second-by-second market among many owners, and
// at second 2400 a burst of 24 (z = 4) whose parties decide whether it is wash volume.
class WashVolumeAnomalyParties : public WashVolumeAnomaly {
 protected:
  using Parties = std::vector<std::pair<std::string, std::string>>;  // (buyer, seller)

  /// `prefix` and `n`, built by appending: GCC 12 warns (-Wrestrict) of a literal + to_string.
  static std::string named(const char* prefix, int n) {
    std::string name = prefix;
    name += std::to_string(n);
    return name;
  }

  void party_trade(double seconds, double qty, const std::string& buyer,
                   const std::string& seller) {
    trade(seconds, qty);
    events.back().buyer = universe.account(buyer);
    events.back().seller = universe.account(seller);
  }

  void market_with_burst(const Parties& burst) {
    for (int t = 0; t < 2700; ++t) {
      party_trade(t, 1, named("B", t % 40), named("S", t % 37));
      if (t != 2400) continue;
      for (const auto& [buyer, seller] : burst) {
        party_trade(t + 0.5, 24.0 / static_cast<double>(burst.size()), buyer, seller);
      }
    }
  }

  /// Six trades back and forth between `a` and `b`.
  static Parties back_and_forth(const std::string& a, const std::string& b) {
    return {{a, b}, {b, a}, {a, b}, {b, a}, {a, b}, {b, a}};
  }
};

TEST_F(WashVolumeAnomalyParties, OneOwnersTwoAccountsTradingWithEachOtherIsWashVolume) {
  universe.set_owner("X1", "OWNX");
  universe.set_owner("X2", "OWNX");
  market_with_burst(back_and_forth("X1", "X2"));
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_NEAR(metric(a, "peak_z"), 4, 1e-9);
  EXPECT_EQ(a.accounts, (std::vector<std::string>{"X1", "X2"}));
  EXPECT_EQ(metric(a, "pair_volume"), 24);
  EXPECT_EQ(metric(a, "pair_two_way_volume"), 24);
  EXPECT_NE(a.metrics_json.find("\"pair_self_trades\":true"), std::string::npos);
  EXPECT_NE(a.why.find("Of it, 24 was one owner on both sides (X1 and X2)."), std::string::npos)
      << a.why;
}

TEST_F(WashVolumeAnomalyParties, TwoOwnersTradingBackAndForthIsWashVolume) {
  market_with_burst(back_and_forth("A", "B"));
  auto alerts = run();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(metric(alerts[0], "pair_two_way_volume"), 24);
  EXPECT_NE(alerts[0].why.find("traded between A and B, 24 of it back and forth"),
            std::string::npos)
      << alerts[0].why;
}

// A pump: one buyer taking from one seller, or from many. Neither position is unchanged.
TEST_F(WashVolumeAnomalyParties, OneWayBuyingIsNotWashVolume) {
  market_with_burst(Parties(6, {"P", "M"}));
  EXPECT_TRUE(run().empty());
  events.clear();
  market_with_burst({{"P", "M1"}, {"P", "M2"}, {"P", "M3"}, {"P", "M4"}});
  EXPECT_TRUE(run().empty());
}

// A busy minute of many owners trading with each other is a market, not a wash.
TEST_F(WashVolumeAnomalyParties, ManyOwnersTradingIsNotWashVolume) {
  Parties many;
  for (int i = 0; i < 6; ++i) many.emplace_back(named("C", i), named("D", i));
  market_with_burst(many);
  EXPECT_TRUE(run().empty());
  set_param(config.values, info, "pair_share", "0");  // the volume alone, as before
  ASSERT_EQ(run().size(), 1u);
  EXPECT_TRUE(run()[0].accounts.empty());
}

// The pair must account for pair_share of the excess: 12 of 24 passes at 0.5, not at 0.6.
TEST_F(WashVolumeAnomalyParties, ThePairMustTradeItsShareOfTheExcess) {
  Parties half = {{"A", "B"}, {"B", "A"}, {"C1", "D1"}, {"C2", "D2"}};
  market_with_burst(half);
  ASSERT_EQ(run().size(), 1u);
  set_param(config.values, info, "pair_share", "0.6");
  EXPECT_TRUE(run().empty());
}

// Parties known for under half the window's volume: the test cannot see who traded, so the
// volume alone decides.
TEST_F(WashVolumeAnomalyParties, WithoutPartiesForMostOfTheVolumeTheVolumeDecides) {
  for (int t = 0; t < 2700; ++t) trade(t, 1);
  for (int i = 0; i < 6; ++i) party_trade(2400.5, 4, named("C", i), "D");
  ASSERT_EQ(run().size(), 1u);
  EXPECT_TRUE(run()[0].accounts.empty());
}

// A small deterministic generator: noisy trading with bursts.
std::vector<std::pair<double, double>> noisy_tape(int seconds, uint64_t seed) {
  std::vector<std::pair<double, double>> tape;  // (time, qty)
  uint64_t x = seed;
  auto next = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  };
  for (int t = 0; t < seconds; ++t) {
    int n = static_cast<int>(next() * 4);
    if (next() < 0.01) n += 15;  // a burst second
    for (int i = 0; i < n; ++i)
      tape.emplace_back(t + i * 0.01, 0.5 + std::floor(next() * 150) / 100);
  }
  return tape;
}

// Feeding events one at a time with watermarks, or all at once, gives identical alerts.
void expect_batch_equals_stream(const RuleInfo& info, const Universe& universe,
                                const RuleConfig& config, const std::vector<Event>& events) {
  AlertCollector batch, stream;
  auto whole = info.make({universe, config, batch});
  for (const Event& e : events) whole->on_event(e);
  whole->finish();
  auto piecewise = info.make({universe, config, stream});
  for (size_t i = 0; i < events.size(); ++i) {
    piecewise->advance_to(events[i].ts);
    piecewise->on_event(events[i]);
    if (i % 7 == 0) piecewise->advance_to(events[i].ts);
  }
  piecewise->finish();
  ASSERT_EQ(batch.alerts.size(), stream.alerts.size());
  for (size_t i = 0; i < batch.alerts.size(); ++i) {
    EXPECT_EQ(batch.alerts[i].id, stream.alerts[i].id);
    EXPECT_EQ(batch.alerts[i].metrics_json, stream.alerts[i].metrics_json);
    EXPECT_EQ(batch.alerts[i].evidence, stream.alerts[i].evidence);
    EXPECT_EQ(batch.alerts[i].why, stream.alerts[i].why);
  }
}

// The rule's definition, recomputed by brute force for every step from the trades alone: the
// rolling window's volume, and the median and MAD (by sorting) of the last N aligned window
// volumes that end at or before the rolling window starts and begin at or after the first
// trade, with the rule's default thresholds. Gives the expected episodes.
struct BruteForce {
  struct Step {
    bool flagged = false;
    int64_t window = 0;
    int trades = 0;
    double z = 0, median = 0, deviation = 0;
    int64_t samples = 0;
  };
  struct Episode {
    int first = 0, last = 0, flagged = 0;
    double peak_z = 0;
  };
  std::vector<Step> steps;  // by second since kT0
  std::vector<Episode> episodes;

  BruteForce(const std::vector<Event>& events, int W, int N, int M) {
    auto second_of = [](const Event& e) { return static_cast<int>((e.ts - kT0).count() / 1e9); };
    int first = second_of(events.front()), last = second_of(events.back());
    std::vector<int64_t> volume(last + 1, 0);
    std::vector<int> trades(last + 1, 0);
    for (const Event& e : events) {
      volume[second_of(e)] += e.qty.raw();
      ++trades[second_of(e)];
    }
    auto volume_of = [&](int from, int to) {  // seconds [from, to)
      int64_t sum = 0;
      for (int j = std::max(from, 0); j < to; ++j) sum += volume[j];
      return sum;
    };
    steps.resize(last + 1);
    for (int k = first; k <= last; ++k) {
      Step& s = steps[k];
      int start = k - W + 1;
      s.window = volume_of(start, k + 1);
      for (int j = std::max(start, 0); j <= k; ++j) s.trades += trades[j];
      std::vector<double> samples;
      for (int a = start / W - 1; a * W >= first && static_cast<int>(samples.size()) < N; --a) {
        EXPECT_LE((a + 1) * W, start);
        samples.push_back(static_cast<double>(volume_of(a * W, (a + 1) * W)));
      }
      s.samples = static_cast<int64_t>(samples.size());
      if (s.samples < M || s.trades < 3) continue;
      double mean = 0;
      for (double v : samples) mean += v / static_cast<double>(samples.size());
      if (mean <= 0) continue;
      s.median = median_of(samples);
      std::vector<double> deviations;
      for (double v : samples) deviations.push_back(std::abs(v - s.median));
      s.deviation =
          std::max(1.4826 * median_of(deviations), 0.1 * (s.median > 0 ? s.median : mean));
      s.z = (static_cast<double>(s.window) - s.median) / s.deviation;
      s.flagged = s.z >= 3 - 1e-9;
      if (!s.flagged) continue;
      if (episodes.empty() || k > episodes.back().last + W) episodes.push_back({k, k, 0, 0});
      Episode& ep = episodes.back();
      ep.last = k;
      ++ep.flagged;
      ep.peak_z = std::max(ep.peak_z, s.z);
    }
  }

  static double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  // The detector's alerts are exactly the brute-force episodes, and each peak's statistics are
  // those of the step it names.
  void expect_alerts(const std::vector<Alert>& alerts, int W) const {
    ASSERT_EQ(alerts.size(), episodes.size());
    for (size_t i = 0; i < alerts.size(); ++i) {
      const Alert& a = alerts[i];
      const Episode& ep = episodes[i];
      EXPECT_EQ(a.start, kT0 + Duration::seconds(ep.first - W + 1)) << i;
      EXPECT_EQ(a.end, kT0 + Duration::seconds(ep.last + 1)) << i;
      EXPECT_EQ(metric(a, "flagged_windows"), ep.flagged) << i;
      EXPECT_NEAR(metric(a, "peak_z"), ep.peak_z, 1e-9 * ep.peak_z) << i;
      simdjson::dom::parser parser;
      auto peak_end = Timestamp::parse_iso8601(
          parser.parse(a.metrics_json)["peak_window_end"].get_string().value());
      size_t k = static_cast<size_t>((*peak_end - kT0).count() / 1'000'000'000) - 1;
      ASSERT_LT(k, steps.size());
      const Step& s = steps[k];
      EXPECT_TRUE(s.flagged) << a.why;
      EXPECT_NEAR(metric(a, "window_volume"), Quantity::from_raw(s.window).to_double(), 1e-9);
      EXPECT_EQ(metric(a, "trade_count"), s.trades);
      EXPECT_NEAR(metric(a, "baseline_median") * 1e8, s.median, 1e-3);
      EXPECT_NEAR(metric(a, "baseline_deviation") * 1e8, s.deviation, 1e-3);
      EXPECT_NEAR(metric(a, "peak_z"), s.z, 1e-9 * s.z);
      EXPECT_EQ(metric(a, "baseline_samples"), s.samples);
    }
  }
};

// Noisy trading with bursts, starting off a window boundary (the first aligned window is
// incomplete and never a sample).
TEST_F(WashVolumeAnomaly, MatchesBruteForceOnNoisyTape) {
  set_param(config.values, info, "window", "5s");
  set_param(config.values, info, "baseline", "60s");
  set_param(config.values, info, "min_baseline", "40s");
  for (auto [t, q] : noisy_tape(1500, 7)) trade(t + 3, q);
  auto alerts = run();
  BruteForce expected(events, 5, 12, 8);
  ASSERT_GE(expected.episodes.size(), 3u);
  expected.expect_alerts(alerts, 5);
  expect_batch_equals_stream(info, universe, config, events);
}

// Busy, silent (gaps longer and shorter than the baseline), sparse (mostly empty windows: a
// median of 0) and bursty stretches exercise every way the detector keeps its baseline: one
// sample per aligned window, empty windows added wholesale while it skips silent steps, a
// zero median.
TEST_F(WashVolumeAnomaly, MatchesBruteForceThroughQuietSparseAndBusyStretches) {
  set_param(config.values, info, "window", "5s");
  set_param(config.values, info, "baseline", "120s");
  set_param(config.values, info, "min_baseline", "60s");
  uint64_t x = 99;
  auto next = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  };
  struct Stretch {
    int until;
    double trade_chance;  // per second
    int most_trades;      // per traded second
  };
  const Stretch stretches[] = {{600, 1, 4},  {900, 0, 0},    {1500, 0.15, 2}, {2500, 1, 4},
                               {2510, 0, 0}, {3000, 0.6, 3}, {3400, 0, 0},    {3460, 1, 4},
                               {3530, 0, 0}, {4000, 1, 4}};
  int from = 0;
  for (const Stretch& stretch : stretches) {
    for (int t = from; t < stretch.until; ++t) {
      if (t > 0 && next() >= stretch.trade_chance) continue;
      int n = 1 + static_cast<int>(next() * stretch.most_trades);
      if (next() < 0.02) n += 15;  // a burst second
      for (int i = 0; i < n; ++i) trade(t + i * 0.01, 0.5 + std::floor(next() * 150) / 100);
    }
    from = stretch.until;
  }
  auto alerts = run();
  BruteForce expected(events, 5, 24, 12);
  ASSERT_GE(expected.episodes.size(), 5u);
  expected.expect_alerts(alerts, 5);
  expect_batch_equals_stream(info, universe, config, events);
}

TEST_F(WashVolumeAnomaly, BatchAndStreamAgree) {
  set_param(config.values, info, "window", "5s");
  set_param(config.values, info, "baseline", "60s");
  set_param(config.values, info, "min_baseline", "40s");
  for (auto [t, q] : noisy_tape(1500, 11)) trade(t, q);
  auto first = run();
  ASSERT_GE(first.size(), 2u);
  auto again = run();
  ASSERT_EQ(first.size(), again.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].id, again[i].id);
  expect_batch_equals_stream(info, universe, config, events);
}

// Real Binance aggTrades: a dozen minutes of BTCUSDT.
class WashVolumeAnomalyBinance : public WashVolumeAnomaly {
 protected:
  void SetUp() override {
    std::string path =
        tw::testing::shared_file("binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv");
    if (path.empty()) GTEST_SKIP() << "../shared/data/binance not found";
    events = tw::testing::load_events(path, universe);
    ASSERT_EQ(events.front().symbol, btc);
    ASSERT_EQ(events.size(), 5000u);
  }
};

TEST_F(WashVolumeAnomalyBinance, DefaultsNeedMoreHistoryThanTheFileHas) {
  EXPECT_TRUE(run().empty()) << "12 minutes cannot fill a 30m minimum baseline";
}

TEST_F(WashVolumeAnomalyBinance, SmallWindowsFindBursts) {
  set_param(config.values, info, "window", "10s");
  set_param(config.values, info, "baseline", "3m");
  set_param(config.values, info, "min_baseline", "2m");
  auto alerts = run();
  std::printf("binance first5000 (window 10s, baseline 3m, min 2m): %zu alerts\n", alerts.size());
  for (const Alert& a : alerts) {
    std::printf("  %s %s %s..%s %s\n", std::string(to_string(a.severity)).c_str(), a.id.c_str(),
                a.start.to_iso8601().c_str(), a.end.to_iso8601().c_str(), a.why.c_str());
    EXPECT_GE(metric(a, "peak_z"), 3);
    EXPECT_GE(a.start, events.front().ts - Duration::seconds(10));
    EXPECT_LE(a.end, events.back().ts + Duration::seconds(1));
  }
  expect_batch_equals_stream(info, universe, config, events);
}

}  // namespace
