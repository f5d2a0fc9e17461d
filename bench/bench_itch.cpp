// Decode throughput of the ITCH 5.0 reader, and decode + books, over generated order flow.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "feed/feed.hpp"
#include "sim/itch_writer.hpp"
#include "util/process.hpp"

namespace {

using namespace tw;
using tw::sim::ItchWriter;

constexpr size_t kMessages = 2'000'000;
constexpr uint16_t kSymbols = 100;

// Adds (half the messages), then cancels, executions and deletes of orders added earlier, over
// 100 symbols, written once per process to a BinaryFILE and removed at exit.
class ItchFile {
 public:
  ItchFile() {
    path_ = (std::filesystem::temp_directory_path() /
             ("tw_bench_" + std::to_string(getpid()) + "_01302019.itch"))
                .string();
    ItchWriter w;
    for (uint16_t s = 1; s <= kSymbols; ++s) {
      char name[8];
      std::snprintf(name, sizeof name, "S%u", static_cast<unsigned>(s));
      w.begin('R', s, 0).alpha(name, 8).letter('Q').letter('N');
      w.number(100, 4).letter('N').letter('C').alpha("Z", 2).letter('P').letter('N');
      w.letter(' ').letter('1').letter('N').number(0, 4).letter('N').end();
    }
    uint64_t x = 5, next_ref = 1, t = 34'200'000'000'000;
    std::vector<uint64_t> live;
    auto next = [&x] {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      return x >> 33;
    };
    for (size_t i = 0; i < kMessages; ++i) {
      t += 1000;
      auto locate = static_cast<uint16_t>(1 + next() % kSymbols);
      if (live.size() < 1000 || next() % 2 == 0) {
        w.begin('A', locate, t).number(next_ref, 8).letter(next() % 2 ? 'B' : 'S');
        w.number(1 + next() % 500, 4).alpha("S", 8).number(100000 + next() % 500, 4).end();
        live.push_back(next_ref++);
        continue;
      }
      size_t pick = next() % live.size();
      uint64_t ref = live[pick];
      live[pick] = live.back();
      live.pop_back();
      if (next() % 2) {
        w.begin('D', locate, t).number(ref, 8).end();
      } else {
        w.begin('E', locate, t).number(ref, 8).number(1, 4).number(i, 8).end();
      }
    }
    std::FILE* out = std::fopen(path_.c_str(), "wb");
    std::fwrite(w.bytes().data(), 1, w.bytes().size(), out);
    std::fclose(out);
  }
  ~ItchFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const ItchFile& itch_file() {
  static const ItchFile file;
  return file;
}

void BM_ItchDecode(benchmark::State& state) {
  const std::string& path = itch_file().path();
  uint64_t events = 0;
  for (auto _ : state) {
    Universe universe;
    DeadLetter rejects;
    auto feed = open_feed(path, FeedOptions{}, universe, rejects);
    Event e;
    events = 0;
    while (feed->next(e)) ++events;
    benchmark::DoNotOptimize(events);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * (kMessages + kSymbols)));
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_bytes()) / (1 << 20);
}
BENCHMARK(BM_ItchDecode)->Unit(benchmark::kMillisecond);

}  // namespace
