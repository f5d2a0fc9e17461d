// Parse-only throughput of open_feed on a generated file in the replaced system's trades.csv
// layout (UUID ids, ISO timestamps, 3 symbols, 500 traders).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "feed/feed.hpp"

namespace {

constexpr int kRows = 1'000'000;

std::string uuid(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  uint64_t a = rng(), b = rng();
  for (int i = 0, bit = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    uint64_t word = bit < 64 ? a : b;
    id[static_cast<size_t>(i)] = kHex[(word >> (bit % 64)) & 15];
    bit += 4;
  }
  return id;
}

// The generated file, written once per process and removed at exit.
class TradesFile {
 public:
  TradesFile() {
    path_ = (std::filesystem::temp_directory_path() /
             ("tw_bench_trades_" + std::to_string(getpid()) + ".csv"))
                .string();
    std::FILE* out = std::fopen(path_.c_str(), "wb");
    std::fputs("trade_id,timestamp,symbol,price,quantity,side,trader_id,order_id,event_type\n",
               out);
    std::mt19937_64 rng(42);
    const char* symbols[] = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    char line[256];
    for (int i = 0; i < kRows; ++i) {
      int ms = i * 7;
      int seconds = ms / 1000;
      std::snprintf(line, sizeof line,
                    "%s,2025-01-06T%02d:%02d:%02d.%03d000,%s,%d.%02d,%d,%s,T%04d,%s,TRADE\n",
                    uuid(rng).c_str(), 12 + seconds / 3600, seconds / 60 % 60, seconds % 60,
                    ms % 1000, symbols[rng() % 3], 42000 + static_cast<int>(rng() % 500),
                    static_cast<int>(rng() % 100), 1 + static_cast<int>(rng() % 200),
                    rng() % 2 ? "BUY" : "SELL", static_cast<int>(rng() % 500), uuid(rng).c_str());
      std::fputs(line, out);
    }
    std::fclose(out);
  }
  ~TradesFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const TradesFile& trades_file() {
  static TradesFile file;
  return file;
}

class CountingSink final : public tw::RejectSink {
 public:
  void reject(const tw::Reject&) override { ++count; }
  uint64_t count = 0;
};

void BM_ParseTradesCsv(benchmark::State& state) {
  const std::string& path = trades_file().path();
  int64_t rows = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    tw::Universe universe;
    CountingSink rejects;
    auto feed = tw::open_feed(path, {}, universe, rejects);
    tw::Event event;
    int64_t n = 0;
    while (feed->next(event)) ++n;
    benchmark::DoNotOptimize(event);
    if (n != kRows || rejects.count != 0) state.SkipWithError("unexpected row or reject count");
    rows += n;
    bytes += static_cast<int64_t>(feed->bytes_total());
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ParseTradesCsv)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
