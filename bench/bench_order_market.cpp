// Throughput of the order-level simulator: events per second, in memory and written as CSV.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/order_csv_writer.hpp"
#include "sim/order_market.hpp"

namespace {

// One hour of 50 symbols, calm, every kind of episode injected: the market alone.
tw::sim::OrderMarketOptions hour_of_50_symbols() {
  tw::sim::OrderMarketOptions options;
  options.symbols = 50;
  options.hours = 1;
  for (const tw::sim::ManipulationInfo& k : tw::sim::manipulation_kinds()) {
    options.inject.push_back(k.kind);
  }
  return options;
}

void BM_OrderMarket(benchmark::State& state) {
  uint64_t events = 0;
  std::vector<tw::Event> out;
  for (auto _ : state) {
    tw::sim::OrderMarket market(hour_of_50_symbols());
    while (market.step(out)) {
      events += out.size();
      out.clear();
    }
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OrderMarket)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same, written to orders.csv, owners.toml and labels.jsonl.
void BM_OrderMarketToCsv(benchmark::State& state) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("tw_bench_orders_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  uint64_t events = 0;
  for (auto _ : state) {
    events +=
        tw::sim::write_order_market(hour_of_50_symbols(), (dir / "orders.csv").string(),
                                    (dir / "owners.toml").string(), (dir / "labels.jsonl").string())
            .events;
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_OrderMarketToCsv)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
