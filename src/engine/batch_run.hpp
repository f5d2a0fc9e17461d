// Drives one or more feeds through an engine in a single pass, merged by event time.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "engine/engine.hpp"
#include "feed/feed.hpp"

namespace tw {

struct BatchProgress {
  uint64_t bytes_read = 0;
  uint64_t bytes_total = 0;  // 0 when some input's size is unknown
  uint64_t events = 0;
  double seconds = 0;
};
using ProgressFn = std::function<void(const BatchProgress&)>;

struct BatchResult {
  uint64_t events = 0;  // events read from the feeds (after validation)
  uint64_t bytes_read = 0;
  double seconds = 0;  // wall time, for the summary only
};

/// Reads every feed to its end, always taking the earliest next event across feeds, pushes
/// each into `engine`, then finishes the engine. A lone sequenced feed (Feed::sequenced) is
/// taken in its own order (Engine::take_in_sequence). `progress` (optional) is called at most about
/// four times a second. FeedError propagates to the caller.
BatchResult run_feeds(std::vector<std::unique_ptr<Feed>>& feeds, Engine& engine,
                      const ProgressFn& progress = {});

}  // namespace tw
