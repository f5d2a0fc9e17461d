// Engine counters, runs and ticks, with every rule switched off or on.
#include <gtest/gtest.h>

#include <vector>

#include "alert_collector.hpp"
#include "config/config.hpp"
#include "engine/engine.hpp"

using namespace tw;

namespace {

Event event_at(int64_t ms, EventKind kind) {
  Event e;
  e.ts = Timestamp::from_nanos(ms * 1'000'000);
  e.kind = kind;
  e.price = Price::from_raw(100'00000000);
  e.qty = Quantity::from_raw(1'00000000);
  return e;
}

/// Counts the bars the engine closes.
class CountingSink final : public BarSink {
 public:
  void on_bar(std::string_view, const Bar&) override { ++bars; }
  int bars = 0;
};

}  // namespace

TEST(Engine, CountersCoverDisorderedInputAndLateEvents) {
  Config config = default_config();
  config.engine.reorder_window = Duration::seconds(1);
  Universe universe;
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine(config, universe, alerts, rejects);
  engine.set_min_run(3);
  // Arrival order differs from time order; the 500 ms event arrives after 2.5 s passed.
  std::vector<Event> arrivals = {
      event_at(1'000, EventKind::kTrade),     event_at(200, EventKind::kOrderAdd),
      event_at(1'500, EventKind::kQuote),     event_at(2'500, EventKind::kTrade),
      event_at(500, EventKind::kOrderDelete), event_at(4'000, EventKind::kTrade),
      event_at(3'900, EventKind::kStatus),
  };
  for (const Event& e : arrivals) engine.push(e);
  engine.finish();
  const EngineCounters& c = engine.counters();
  EXPECT_EQ(c.received, 7u);
  EXPECT_EQ(c.time_backwards, 1u);  // 500 ms: behind 1.5 s, due once 2.5 s arrived
  EXPECT_EQ(c.processed, 6u);
  EXPECT_EQ(c.trades, 3u);
  EXPECT_EQ(c.order_events, 1u);
  EXPECT_EQ(c.first_event, Timestamp::from_nanos(200'000'000));
  EXPECT_EQ(c.last_event, Timestamp::from_nanos(4'000'000'000));
  EXPECT_EQ(rejects.total(), 1u);
}

TEST(Engine, BarsCloseAtTicksWhateverTheRunLength) {
  for (size_t run : {size_t{1}, size_t{4}, size_t{1000}}) {
    Config config = default_config();
    config.engine.reorder_window = Duration::nanos(0);
    Universe universe;
    AlertCollector alerts;
    DeadLetter rejects;
    CountingSink bars;
    Engine engine(config, universe, alerts, rejects, &bars);
    engine.set_min_run(run);
    // One trade every 20 s for 10 minutes: ten 1-minute bars.
    for (int64_t s = 0; s < 600; s += 20) engine.push(event_at(s * 1000, EventKind::kTrade));
    engine.flush();
    EXPECT_EQ(bars.bars, 9) << "run " << run << ": the last bar is still open";
    engine.finish();
    EXPECT_EQ(bars.bars, 10) << "run " << run;
    EXPECT_EQ(engine.counters().bars, 10u);
  }
}

TEST(Engine, EventsInBulkAreCountedAsOneByOne) {
  Config config = default_config();
  config.engine.reorder_window = Duration::seconds(1);
  std::vector<Event> arrivals;
  // 600 in order (passed through in stretches), then 3 out of order, one of them too late.
  for (int64_t ms = 0; ms < 600'000; ms += 1000)
    arrivals.push_back(event_at(ms, EventKind::kTrade));
  arrivals.push_back(event_at(600'500, EventKind::kOrderAdd));
  arrivals.push_back(event_at(600'200, EventKind::kOrderDelete));
  arrivals.push_back(event_at(10'000, EventKind::kTrade));
  auto counters_of = [&](bool in_bulk) {
    Universe universe;
    AlertCollector alerts;
    DeadLetter rejects;
    CountingSink bars;
    Engine engine(config, universe, alerts, rejects, &bars);
    if (in_bulk) {
      engine.push_events(arrivals);
    } else {
      for (const Event& e : arrivals) engine.push(e);
    }
    engine.finish();
    return engine.counters();
  };
  EngineCounters one_by_one = counters_of(false), in_bulk = counters_of(true);
  EXPECT_EQ(in_bulk.received, 603u);
  EXPECT_EQ(in_bulk.time_backwards, 1u);
  EXPECT_EQ(in_bulk.processed, one_by_one.processed);
  EXPECT_EQ(in_bulk.trades, one_by_one.trades);
  EXPECT_EQ(in_bulk.order_events, 2u);
  EXPECT_EQ(in_bulk.bars, one_by_one.bars);
  EXPECT_EQ(in_bulk.first_event, one_by_one.first_event);
  EXPECT_EQ(in_bulk.last_event, one_by_one.last_event);
}
