// Throughput of the engine itself (reorder buffer, dispatch, bars) and of all rules together,
// over a generated market tape held in memory.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "feed/feed.hpp"
#include "sim/trade_generator.hpp"
#include "util/process.hpp"

namespace {

using namespace tw;

constexpr uint64_t kRows = 1'000'000;

struct Tape {
  Universe universe;
  std::vector<Event> events;
};

// Generated once per process: the trades.csv layout read back through the real reader.
const Tape& tape() {
  static std::unique_ptr<Tape> cached = [] {
    auto t = std::make_unique<Tape>();
    auto dir = std::filesystem::temp_directory_path() / "tapewatch-bench-engine";
    std::filesystem::create_directories(dir);
    std::string path = (dir / "trades.csv").string();
    GeneratorOptions options;
    options.hours = 0;
    options.rows = kRows;
    options.pump_dumps_per_hour = 0.3;
    generate_market(options, path, "", "");
    DeadLetter rejects;
    auto feed = open_feed(path, FeedOptions{}, t->universe, rejects);
    Event e;
    while (feed->next(e)) t->events.push_back(e);
    std::filesystem::remove_all(dir);
    return t;
  }();
  return *cached;
}

struct CountingSink final : AlertSink {
  uint64_t count = 0;
  void emit(Alert&&) override { ++count; }
};

struct CountingBars final : BarSink {
  uint64_t count = 0;
  void on_bar(std::string_view, const Bar&) override { ++count; }
};

Config config_with_rules(bool enabled) {
  Config config = default_config();
  for (auto& [name, rule] : config.rules) rule.enabled = enabled;
  return config;
}

void run_engine(benchmark::State& state, bool rules, bool bars) {
  const Tape& t = tape();
  Config config = config_with_rules(rules);
  Universe universe = t.universe;
  uint64_t alerts = 0;
  for (auto _ : state) {
    CountingSink sink;
    CountingBars bar_sink;
    DeadLetter rejects;
    Engine engine(config, universe, sink, rejects, bars ? &bar_sink : nullptr);
    for (const Event& e : t.events) engine.push(e);
    engine.finish();
    alerts = sink.count;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.events.size()));
  state.counters["alerts"] = static_cast<double>(alerts);
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_bytes()) / (1 << 20);
}

void BM_EngineNoRules(benchmark::State& state) {
  run_engine(state, false, false);
}
void BM_EngineBarsOnly(benchmark::State& state) {
  run_engine(state, false, true);
}
void BM_EngineAllRules(benchmark::State& state) {
  run_engine(state, true, false);
}

BENCHMARK(BM_EngineNoRules)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineBarsOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineAllRules)->Unit(benchmark::kMillisecond);

}  // namespace
