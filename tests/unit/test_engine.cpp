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
