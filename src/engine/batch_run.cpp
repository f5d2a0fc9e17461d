#include "engine/batch_run.hpp"

#include <chrono>

namespace tw {
namespace {

using Clock = std::chrono::steady_clock;

class ProgressClock {
 public:
  ProgressClock(std::vector<std::unique_ptr<Feed>>& feeds, const ProgressFn& fn)
      : feeds_(feeds), fn_(fn), start_(Clock::now()), last_(start_) {}

  // Cheap enough to call per event: looks at the clock once every 64Ki events.
  void maybe_report(uint64_t events) {
    if (!fn_ || events - checked_ < 0x10000) return;
    checked_ = events;
    auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    fn_(snapshot(events));
  }

  BatchProgress snapshot(uint64_t events) const {
    BatchProgress p;
    p.events = events;
    p.seconds = elapsed();
    bool sizes_known = true;
    for (const auto& f : feeds_) {
      p.bytes_read += f->bytes_read();
      p.bytes_total += f->bytes_total();
      sizes_known = sizes_known && f->bytes_total() != 0;
    }
    if (!sizes_known) p.bytes_total = 0;
    return p;
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  std::vector<std::unique_ptr<Feed>>& feeds_;
  const ProgressFn& fn_;
  Clock::time_point start_;
  Clock::time_point last_;
  uint64_t checked_ = 0;  // events when the clock was last looked at
};

uint64_t run_single(Feed& feed, Engine& engine, ProgressClock& clock) {
  uint64_t n = 0;
  // The feed writes each event straight into the engine's buffer: one copy fewer per event.
  while (feed.next(engine.next_slot())) {
    engine.push_slot();
    clock.maybe_report(++n);
  }
  return n;
}

// A sequenced feed writes its events a run at a time into the engine's room for them.
uint64_t run_in_sequence(Feed& feed, Engine& engine, ProgressClock& clock) {
  engine.take_in_sequence();
  uint64_t n = 0;
  while (const size_t got = feed.next_batch(engine.sequence_space())) {
    engine.take_sequence(got);
    clock.maybe_report(n += got);
  }
  return n;
}

// k-way merge on each feed's next event; ties go to the earlier input so the order is fixed.
uint64_t run_merged(std::vector<std::unique_ptr<Feed>>& feeds, Engine& engine,
                    ProgressClock& clock) {
  std::vector<Event> heads(feeds.size());
  std::vector<bool> live(feeds.size());
  for (size_t i = 0; i < feeds.size(); ++i) live[i] = feeds[i]->next(heads[i]);
  uint64_t n = 0;
  for (;;) {
    size_t best = feeds.size();
    for (size_t i = 0; i < feeds.size(); ++i) {
      if (live[i] && (best == feeds.size() || heads[i].ts < heads[best].ts)) best = i;
    }
    if (best == feeds.size()) return n;
    engine.push(heads[best]);
    clock.maybe_report(++n);
    live[best] = feeds[best]->next(heads[best]);
  }
}

}  // namespace

BatchResult run_feeds(std::vector<std::unique_ptr<Feed>>& feeds, Engine& engine,
                      const ProgressFn& progress) {
  ProgressClock clock(feeds, progress);
  BatchResult result;
  if (feeds.size() == 1) {
    Feed& feed = *feeds[0];
    result.events =
        feed.sequenced() ? run_in_sequence(feed, engine, clock) : run_single(feed, engine, clock);
  } else {
    result.events = run_merged(feeds, engine, clock);
  }
  engine.finish();
  BatchProgress last = clock.snapshot(result.events);
  result.bytes_read = last.bytes_read;
  result.seconds = clock.elapsed();
  if (progress) progress(last);
  return result;
}

}  // namespace tw
