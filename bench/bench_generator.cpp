// Throughput of the market generator: rows per second written to a trades.csv file.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "sim/trade_generator.hpp"

namespace {

void BM_GenerateTape(benchmark::State& state) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("tw_bench_gen_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  tw::GeneratorOptions options;
  options.hours = 0;  // the row cap alone ends the run
  options.rows = static_cast<uint64_t>(state.range(0));
  uint64_t rows = 0;
  for (auto _ : state) {
    tw::GeneratorSummary summary =
        tw::generate_market(options, (dir / "trades.csv").string(), (dir / "labels.jsonl").string(),
                            (dir / "owners.toml").string());
    rows += summary.rows;
  }
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_GenerateTape)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
