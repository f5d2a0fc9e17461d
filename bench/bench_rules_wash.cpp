// Throughput of the wash rules over an in-memory synthetic tape shaped like seed1.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "detect/detector.hpp"

namespace {

using namespace tw;

constexpr size_t kTrades = 2'000'000;
constexpr int kAccounts = 500;

/// Counts alerts without keeping them, so the sink costs nothing measurable.
struct CountingSink : AlertSink {
  uint64_t count = 0;
  void emit(Alert&&) override { ++count; }
};

/// Which accounts a tape's trades name.
enum class Accounts {
  kOneSide,   // one account per trade, as seed1 rows carry them
  kBothSides  // buyer and seller, as a venue's own records carry them
};

/// Three symbols, 500 accounts, a random walk in price, and 1% of trades followed at once by
/// the same account's opposite trade. With both sides known, 0.1% of trades also start a lap
/// of their quantity around a ring of four accounts (the trade's two and two more).
struct Tape {
  Universe universe;
  std::vector<Event> events;
  // Where event time crosses a second, as the engine ticks: runs end there.
  std::vector<size_t> ticks;
  int64_t trades_per_second = 0;
  Accounts accounts = Accounts::kOneSide;
};

std::vector<size_t> tick_positions(const std::vector<Event>& events) {
  std::vector<size_t> ticks;
  const Duration second = Duration::seconds(1);
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].ts.floor_to(second) != events[i - 1].ts.floor_to(second)) ticks.push_back(i);
  }
  return ticks;
}

const Tape& tape(int64_t trades_per_second, Accounts named = Accounts::kOneSide) {
  static std::unique_ptr<Tape> cached;
  if (cached && cached->trades_per_second == trades_per_second && cached->accounts == named) {
    return *cached;
  }
  cached.reset();  // one tape at a time: each is a few hundred MB
  auto t = std::make_unique<Tape>();
  t->trades_per_second = trades_per_second;
  t->accounts = named;
  SymbolId symbols[3] = {t->universe.symbol("BTCUSDT"), t->universe.symbol("ETHUSDT"),
                         t->universe.symbol("SOLUSDT")};
  double prices[3] = {42000, 2300, 95};
  std::vector<AccountId> accounts;
  for (int i = 0; i < kAccounts; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "T%04d", i);
    accounts.push_back(t->universe.account(name));
  }
  uint64_t x = 42;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  t->events.reserve(kTrades);
  Timestamp ts = *Timestamp::parse_iso8601("2025-01-06T12:00:00Z");
  const Duration gap = Duration::nanos(1'000'000'000 / trades_per_second);
  while (t->events.size() < kTrades) {
    size_t s = next() % 3;
    prices[s] *= 1 + (static_cast<double>(next() % 2001) - 1000) * 1e-7;
    Event e;
    ts = ts + gap;
    e.ts = ts;
    e.symbol = symbols[s];
    e.price = Price::from_double(prices[s]);
    e.qty = Quantity::from_units(static_cast<int64_t>(1 + next() % 50));
    e.side = next() % 2 ? Side::kBuy : Side::kSell;
    AccountId account = accounts[next() % kAccounts];
    (e.side == Side::kBuy ? e.buyer : e.seller) = account;
    if (named == Accounts::kBothSides) {
      (e.side == Side::kBuy ? e.seller : e.buyer) = accounts[next() % kAccounts];
    }
    e.seq = t->events.size() + 1;
    e.id = ExternalId::number(e.seq);
    t->events.push_back(e);
    if (named == Accounts::kBothSides && next() % 1000 == 0) {
      // The buyer passes the quantity on to two others, the last selling it back to the
      // seller: a ring of four.
      const AccountId ring[3] = {e.buyer, accounts[next() % kAccounts],
                                 accounts[next() % kAccounts]};
      for (int leg = 0; leg < 3 && t->events.size() < kTrades; ++leg) {
        Event pass = e;
        ts = ts + gap;
        pass.ts = ts;
        pass.seller = ring[leg];
        pass.buyer = leg == 2 ? e.seller : ring[leg + 1];
        pass.seq = t->events.size() + 1;
        pass.id = ExternalId::number(pass.seq);
        t->events.push_back(pass);
      }
    }
    if (next() % 100 == 0 && t->events.size() < kTrades) {
      Event back = e;
      back.side = opposite(e.side);
      back.buyer = e.seller;
      back.seller = e.buyer;
      back.seq = t->events.size() + 1;
      back.id = ExternalId::number(back.seq);
      t->events.push_back(back);
    }
  }
  t->ticks = tick_positions(t->events);
  cached = std::move(t);
  return *cached;
}

void run_rules(benchmark::State& state, const std::vector<std::string>& rules,
               Accounts named = Accounts::kOneSide) {
  const Tape& t = tape(state.range(0), named);
  static const Config config = default_config();
  uint64_t alerts = 0;
  for (auto _ : state) {
    CountingSink sink;
    std::vector<std::unique_ptr<Detector>> detectors;
    for (const std::string& name : rules) {
      detectors.push_back(find_rule(name)->make({t.universe, config.rule(name), sink}));
    }
    // As the engine drives the rules: each takes the run up to the next second of event time
    // in one call, then all are told that time has reached it.
    std::span<const Event> events(t.events);
    size_t begin = 0;
    for (size_t tick : t.ticks) {
      for (auto& d : detectors) d->on_events(events.subspan(begin, tick - begin));
      for (auto& d : detectors) d->advance_to(events[tick].ts);
      begin = tick;
    }
    for (auto& d : detectors) d->on_events(events.subspan(begin));
    for (auto& d : detectors) d->finish();
    alerts = sink.count;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.events.size()));
  state.counters["alerts"] = static_cast<double>(alerts);
}

void BM_WashRoundTrip(benchmark::State& state) {
  run_rules(state, {"wash.round_trip"});
}
void BM_WashVolumeAnomaly(benchmark::State& state) {
  run_rules(state, {"wash.volume_anomaly"});
}
void BM_WashBoth(benchmark::State& state) {
  run_rules(state, {"wash.round_trip", "wash.volume_anomaly"});
}
// On trades that name both sides, and on the seed1-shaped tape it passes over.
void BM_WashCollusiveRing(benchmark::State& state) {
  run_rules(state, {"wash.collusive_ring"}, Accounts::kBothSides);
}
void BM_WashCollusiveRingOneSide(benchmark::State& state) {
  run_rules(state, {"wash.collusive_ring"});
}

// Argument: trades per second of event time over all symbols (seed1 has about 32).
BENCHMARK(BM_WashRoundTrip)->Arg(32)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WashVolumeAnomaly)->Arg(32)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WashBoth)->Arg(32)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WashCollusiveRing)->Arg(32)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WashCollusiveRingOneSide)->Arg(32)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
