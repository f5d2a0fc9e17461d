// Write throughput of the SQLite alert store: alerts/s and bars/s through batched upserts.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/alert.hpp"
#include "model/bar.hpp"
#include "store/sqlite_store.hpp"

namespace {

using namespace tw;

// A fresh database file per benchmark run, deleted afterwards (with its WAL files).
class ScratchDb {
 public:
  ScratchDb() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tw_bench_XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
  }
  ~ScratchDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path() const { return (dir_ / "bench.db").string(); }

 private:
  std::filesystem::path dir_;
};

Alert sample_alert(int64_t i) {
  Alert a;
  a.rule = i % 3 == 0 ? "wash.round_trip" : "pump_and_dump";
  a.symbol = "SYM" + std::to_string(i % 50);
  a.severity = static_cast<Severity>(i % 4);
  a.score = static_cast<double>(i % 100);
  a.start = Timestamp::from_nanos(1'736'164'800'000'000'000 + i * 1'000'000'000);
  a.end = a.start + Duration::seconds(30);
  a.id = make_alert_id(a.rule, a.symbol, a.start, a.end, std::to_string(i));
  a.accounts = {"trader_" + std::to_string(i % 500), "trader_" + std::to_string((i + 7) % 500)};
  a.metrics_json = R"({"volume":1234.5,"trades":12,"price_change":0.031})";
  a.why = "trader bought and sold the same quantity at one price within 2s";
  for (int e = 0; e < 6; ++e) a.add_evidence("trade", std::to_string(i * 10 + e));
  return a;
}

// Times emitting, flushing and closing (the final WAL checkpoint is part of the cost); the
// alerts are built beforehand so only the store's work is measured.
void BM_StoreAlerts(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<Alert> alerts;
  for (auto _ : state) {
    state.PauseTiming();
    alerts.clear();
    for (int64_t i = 0; i < n; ++i) alerts.push_back(sample_alert(i));
    ScratchDb scratch;
    std::optional<SqliteStore> store;
    store.emplace(scratch.path(),
                  SqliteStoreOptions{.busy_timeout_ms = 5000,
                                     .batch_size = static_cast<size_t>(state.range(1))});
    RunRecord run;
    run.run_id = "bench";
    store->begin_run(run);
    state.ResumeTiming();
    for (Alert& alert : alerts) store->emit(std::move(alert));
    store->flush();
    store.reset();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
// Args: alerts written, batch size.
BENCHMARK(BM_StoreAlerts)
    ->Args({100'000, 1'000})
    ->Args({100'000, 10'000})
    ->Args({100'000, SqliteStoreOptions{}.batch_size})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_StoreBars(benchmark::State& state) {
  const int64_t n = state.range(0);
  Bar bar;
  bar.open = *Price::parse("87648.21");
  bar.high = *Price::parse("87700.5");
  bar.low = *Price::parse("87600.00000001");
  bar.close = *Price::parse("87650");
  bar.volume = *Quantity::parse("3.5");
  bar.buy_volume = *Quantity::parse("2.25");
  bar.sell_volume = *Quantity::parse("1.25");
  bar.value = 306768.735;
  bar.trades = 7;
  std::vector<std::string> symbols;
  for (int s = 0; s < 20; ++s) symbols.push_back("SYM" + std::to_string(s));
  for (auto _ : state) {
    state.PauseTiming();
    ScratchDb scratch;
    std::optional<SqliteStore> store;
    store.emplace(scratch.path(),
                  SqliteStoreOptions{.busy_timeout_ms = 5000,
                                     .batch_size = static_cast<size_t>(state.range(1))});
    state.ResumeTiming();
    for (int64_t i = 0; i < n; ++i) {
      bar.start = Timestamp::from_nanos(1'736'164'800'000'000'000 + (i / 20) * 60'000'000'000);
      store->write_bar(symbols[static_cast<size_t>(i % 20)], Duration::minutes(1), bar);
    }
    store->flush();
    store.reset();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
// Args: bars written, batch size.
BENCHMARK(BM_StoreBars)
    ->Args({100'000, 1'000})
    ->Args({100'000, SqliteStoreOptions{}.batch_size})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
