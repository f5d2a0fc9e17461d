// Throughput of the order book over generated order flow, and of the LOBSTER replay check.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <vector>

#include "book/lobster_book_check.hpp"
#include "book/order_book.hpp"
#include "feed/reject.hpp"
#include "util/process.hpp"

namespace {

using namespace tw;

constexpr size_t kEvents = 2'000'000;

// Order flow around a mid price: adds are 40% of events (all of them while fewer than
// `resting` orders rest), within 50 ticks of the top; the rest cancel or execute part of a
// random resting order, or delete it.
std::vector<Event> order_flow(size_t resting) {
  std::vector<Event> flow;
  flow.reserve(kEvents);
  std::vector<Event> live;
  uint64_t x = 17, next_id = 1;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  const int64_t tick = kFixedScale / 100;
  while (flow.size() < kEvents) {
    if (live.size() < resting || next() % 10 < 4) {
      Event e;
      e.kind = EventKind::kOrderAdd;
      e.side = next() % 2 ? Side::kBuy : Side::kSell;
      int64_t offset = static_cast<int64_t>(next() % 50);
      e.price = Price::from_raw((e.side == Side::kBuy ? 10'000 - offset : 10'001 + offset) * tick);
      e.qty = Quantity::from_units(static_cast<int64_t>(1 + next() % 500));
      e.id = ExternalId::number(next_id++);
      live.push_back(e);
      flow.push_back(e);
      continue;
    }
    size_t pick = next() % live.size();
    Event e = live[pick];
    const int64_t left = e.qty.raw() / kFixedScale;
    const uint64_t kind = next() % 3;
    const int64_t taken =
        kind == 2 ? left : 1 + static_cast<int64_t>(next() % static_cast<uint64_t>(left));
    e.kind = kind == 0   ? EventKind::kOrderCancel
             : kind == 1 ? EventKind::kOrderExecute
                         : EventKind::kOrderDelete;
    e.qty = Quantity::from_units(taken);
    flow.push_back(e);
    if (taken == left) {
      live[pick] = live.back();
      live.pop_back();
    } else {
      live[pick].qty = Quantity::from_units(left - taken);
    }
  }
  return flow;
}

void BM_OrderBook(benchmark::State& state) {
  static const std::vector<Event> flow = order_flow(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    OrderBook book;
    for (const Event& e : flow) book.apply(e);
    benchmark::DoNotOptimize(book.live_orders());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * flow.size()));
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_bytes()) / (1 << 20);
}
BENCHMARK(BM_OrderBook)->Arg(10'000)->Unit(benchmark::kMillisecond);

// The provider's level-5 Amazon day: parse both files, replay, compare every row.
void BM_LobsterBookCheck(benchmark::State& state) {
  const std::string stem =
      std::string(TAPEWATCH_SHARED_DATA) + "/lobster/AMZN_2012-06-21_34200000_57600000_";
  if (!std::filesystem::exists(stem + "message_5.csv")) {
    state.SkipWithError("shared LOBSTER data absent");
    return;
  }
  uint64_t messages = 0;
  for (auto _ : state) {
    DeadLetter rejects;
    messages =
        check_lobster_book(stem + "message_5.csv", stem + "orderbook_5.csv", rejects).messages;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages));
}
BENCHMARK(BM_LobsterBookCheck)->Unit(benchmark::kMillisecond);

}  // namespace
