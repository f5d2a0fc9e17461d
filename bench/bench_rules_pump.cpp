// Throughput of the pump_and_dump rule over synthetic trades (3 symbols, random walk, pumps).
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "detect/pump_and_dump.hpp"
#include "model/bar.hpp"

namespace {

using namespace tw;

class CountingSink : public AlertSink {
 public:
  void emit(Alert&&) override { ++count; }
  size_t count = 0;
};

struct Workload {
  Universe universe;
  std::vector<Event> trades;
};

// Two trades per symbol per second on a random walk; every 2 hours each symbol is pumped 8%
// over 3 minutes on heavy buying and dumped over the next 5 on heavy selling.
const Workload& workload() {
  static const Workload w = [] {
    Workload out;
    constexpr size_t kTrades = 3'000'000;
    const char* names[] = {"AAAUSDT", "BBBUSDT", "CCCUSDT"};
    SymbolId symbols[3];
    double price[3] = {100, 2000, 40000};
    for (int s = 0; s < 3; ++s) symbols[s] = out.universe.symbol(names[s]);
    std::mt19937_64 rng(42);
    std::normal_distribution<double> step(0, 0.0004);
    std::uniform_real_distribution<double> size(0.1, 2.0);
    const int64_t start = Timestamp::parse_iso8601("2025-01-06T00:00:00Z")->nanos();
    out.trades.reserve(kTrades);
    for (size_t i = 0; i < kTrades; ++i) {
      int s = static_cast<int>(i % 3);
      int64_t ns = start + static_cast<int64_t>(i / 3) * 500'000'000;
      int64_t phase = (ns - start) / 1'000'000'000 % 7200;  // seconds into the 2-hour cycle
      bool pump = phase >= 3600 && phase < 3780;
      bool dump = phase >= 3780 && phase < 4080;
      double drift = pump ? 0.08 / 360 : dump ? -0.06 / 600 : 0;
      price[s] *= 1 + drift + step(rng);
      Event e;
      e.kind = EventKind::kTrade;
      e.ts = Timestamp::from_nanos(ns);
      e.symbol = symbols[s];
      e.price = Price::from_double(price[s]);
      e.qty = Quantity::from_double(size(rng) * (pump || dump ? 6 : 1));
      bool buy = pump ? rng() % 10 < 8 : dump ? rng() % 10 < 2 : rng() % 2 == 0;
      e.side = buy ? Side::kBuy : Side::kSell;
      e.id = ExternalId::number(i + 1);
      e.seq = i + 1;
      out.trades.push_back(e);
    }
    return out;
  }();
  return w;
}

RuleConfig default_config_of(const RuleInfo& info) {
  RuleConfig config;
  config.rule = std::string(info.name);
  for (const ParamSpec& p : info.params) {
    config.values.set(p.name, parse_param(p, p.default_text, p.name));
  }
  return config;
}

void BM_PumpAndDump(benchmark::State& state) {
  const Workload& w = workload();
  const RuleInfo info = pump_and_dump_rule();
  const RuleConfig config = default_config_of(info);
  size_t alerts = 0;
  for (auto _ : state) {
    CountingSink sink;
    std::unique_ptr<Detector> detector = info.make(DetectorContext{w.universe, config, sink});
    for (const Event& e : w.trades) detector->on_event(e);
    detector->finish();
    alerts = sink.count;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.trades.size()));
  state.counters["alerts"] = static_cast<double>(alerts);
}
BENCHMARK(BM_PumpAndDump)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// The floor under the rule: the same trades through one BarBuilder per symbol and nothing else.
void BM_PumpAndDumpBarsOnly(benchmark::State& state) {
  const tw::Duration minute = tw::Duration::minutes(1);
  const Workload& w = workload();
  for (auto _ : state) {
    std::vector<tw::BarBuilder> builders(4, tw::BarBuilder(minute));
    tw::Bar closed;
    size_t bars = 0;
    for (const tw::Event& e : w.trades) bars += builders[e.symbol.value].on_trade(e, closed);
    benchmark::DoNotOptimize(bars);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.trades.size()));
}
BENCHMARK(BM_PumpAndDumpBarsOnly)->Unit(benchmark::kMillisecond);

}  // namespace
