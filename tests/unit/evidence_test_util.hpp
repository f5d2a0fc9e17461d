// Test helper: events through an engine with every rule and an evidence recorder, and the
// evidence JSON read back.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "alert_collector.hpp"
#include "config/config.hpp"
#include "engine/alert_bus.hpp"
#include "engine/engine.hpp"
#include "engine/evidence_recorder.hpp"

namespace tw::testing {

/// Holds what the engine and recorder need alive; the run is finished when the constructor
/// returns. `written` is every alert's evidence as the recorder handed it on, by alert id.
struct RecordedRun {
  RecordedRun(Universe& universe, std::span<const Event> events, const EvidenceConfig& evidence,
              size_t min_run = Engine::kDefaultRun)
      : recorder(
            evidence, universe,
            [this](const std::string& id, std::string json) { written[id] = std::move(json); }),
        engine(config, universe, bus, rejects) {
    bus.subscribe(alerts);
    bus.subscribe(recorder);
    engine.record_evidence(&recorder);
    engine.set_min_run(min_run);
    engine.push_events(events);
    engine.finish();
  }

  Config config = default_config();
  AlertBus bus;
  AlertCollector alerts;
  DeadLetter rejects;
  std::map<std::string, std::string> written;
  EvidenceRecorder recorder;
  Engine engine;
};

/// An evidence JSON object, parsed.
class EvidenceDoc {
 public:
  explicit EvidenceDoc(std::string json) : json_(std::move(json)) {
    if (parser_.parse(json_).get(doc_) != simdjson::SUCCESS) ADD_FAILURE() << json_;
  }
  simdjson::dom::element operator[](std::string_view key) const { return doc_[key]; }
  const std::string& text() const { return json_; }
  size_t size_of(std::string_view array) const { return simdjson::dom::array(doc_[array]).size(); }
  /// The element of `array` ("trades", "orders") whose "id" is `id`.
  std::optional<simdjson::dom::element> find(std::string_view array, std::string_view id) const {
    for (simdjson::dom::element item : simdjson::dom::array(doc_[array])) {
      if (std::string_view(item["id"]) == id) return item;
    }
    return std::nullopt;
  }
  bool lists_missing(std::string_view evidence_id) const {
    for (simdjson::dom::element item : simdjson::dom::array(doc_["missing"])) {
      if (std::string_view(item) == evidence_id) return true;
    }
    return false;
  }

 private:
  std::string json_;
  simdjson::dom::parser parser_;
  simdjson::dom::element doc_;
};

}  // namespace tw::testing
