// Test helper: events pushed through an Engine with the default configuration, then finished.
#pragma once

#include <span>

#include "alert_collector.hpp"
#include "config/config.hpp"
#include "engine/engine.hpp"

namespace tw::testing {

/// Holds what the engine needs alive; `engine` is finished when the constructor returns.
struct EngineRun {
  EngineRun(Universe& universe, std::span<const Event> events)
      : engine(config, universe, alerts, rejects) {
    engine.push_events(events);
    engine.finish();
  }

  Config config = default_config();
  AlertCollector alerts;
  DeadLetter rejects;
  Engine engine;
};

}  // namespace tw::testing
