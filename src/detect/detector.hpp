// The interface every surveillance rule implements, and what a rule is given to run.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "book/order_book.hpp"
#include "config/params.hpp"
#include "detect/per_symbol.hpp"
#include "model/alert.hpp"
#include "model/event.hpp"
#include "model/universe.hpp"

namespace tw {

/// What a detector is built with. All references outlive the detector.
struct DetectorContext {
  const Universe& universe;
  const RuleConfig& config;
  AlertSink& sink;
  /// The engine's order books. A rule handed an order event finds the book of its symbol
  /// with that event already applied; null when the rule runs without an engine.
  const PerSymbol<OrderBook>* books = nullptr;
};

/// A rule. It sees every event of the run in event-time order (per symbol, never wall-clock
/// time), keeps bounded state per symbol, and emits alerts to its context's sink.
class Detector {
 public:
  virtual ~Detector() = default;
  virtual void on_event(const Event& event) = 0;
  /// A run of consecutive events with no watermark advance inside it: the same as on_event
  /// on each in turn. Rules override it to loop without a virtual call per event, and to
  /// look ahead (prefetching the state of the events to come).
  virtual void on_events(std::span<const Event> events) {
    for (const Event& e : events) on_event(e);
  }
  /// Event time has reached `watermark` on every symbol: close what ends before it.
  virtual void advance_to(Timestamp /*watermark*/) {}
  /// The input has ended: report every episode still open.
  virtual void finish() = 0;
  /// True when the rule reads trades alone and passes over every other event: the engine may
  /// then hand it only the trades of a run of order flow, in their order.
  virtual bool reads_trades_only() const { return false; }
};

/// A rule's catalogue entry: one per detector file, listed once in registry.cpp.
struct RuleInfo {
  std::string_view name;     // "wash.round_trip"
  std::string_view summary;  // one line for `tapewatch rules`
  std::string_view needs;    // the data it needs: "trades + accounts", "trades", ...
  std::vector<ParamSpec> params;
  std::unique_ptr<Detector> (*make)(const DetectorContext& context);
};

/// Reads a rule's parameters at the rule level and for every per-symbol override, so that a
/// bad combination fails at start-up; `read(values, where)` gets "rule" or "rule.symbols.S".
template <class Read>
void check_every_param_set(const RuleConfig& config, std::string_view rule, Read&& read) {
  read(config.values, std::string(rule));
  for (const auto& [symbol, values] : config.per_symbol) {
    read(values, std::string(rule) + ".symbols." + symbol);
  }
}

/// `v` held to [0, 1]: how far along its range a measure is, for the parts of a score.
inline double unit_share(double v) {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/// Every rule tapewatch knows, in a fixed order.
const std::vector<RuleInfo>& rule_registry();
const RuleInfo* find_rule(std::string_view name);

}  // namespace tw
