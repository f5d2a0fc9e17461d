// The frame most rules share: one tracker per symbol, made on the symbol's first event with
// that symbol's parameters, and the pieces every alert of such a tracker needs.
#pragma once

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.hpp"

namespace tw {

/// A trade or order event named in evidence: its id, or its line when it has none.
struct EventRef {
  ExternalId id;
  uint64_t seq = 0;

  static EventRef of(const Event& e) { return EventRef{e.id, e.seq}; }
  std::string text() const;
};

/// What the tracker of one symbol works with.
struct SymbolScope {
  SymbolId symbol;
  std::string_view rule;  // the rule's name, as alerts carry it
  std::string_view name;  // the symbol's name
  const Universe* universe = nullptr;
  AlertSink* sink = nullptr;
  const PerSymbol<OrderBook>* books = nullptr;
  mutable const OrderBook* found_book = nullptr;  // books->find(symbol), once it is made

  /// The symbol's book with the event being handled applied; null without order events.
  const OrderBook* book() const {
    // A book never moves once made: found once, it is kept, as the order-flow rules ask for it
    // on every message.
    if (found_book == nullptr && books != nullptr) found_book = books->find(symbol);
    return found_book;
  }
  std::string_view account_name(AccountId a) const { return universe->account_name(a); }
  /// An alert of this rule and symbol over [start, end]: its id hashes `key`, its severity
  /// follows `score` (severity_for_score).
  Alert new_alert(Timestamp start, Timestamp end, std::string_view key, double score) const;
};

/// LOW under 50, MEDIUM from 50, HIGH from 75, CRITICAL from 90: the new rules score 50 at
/// their thresholds and rise towards 100 with the strength of the evidence.
Severity severity_for_score(double score);

/// 50 at `threshold`, 100 at `full` or beyond (linear between): how far past its threshold
/// a measure is. For measures that fire when they are at least the threshold.
double score_between(double value, double threshold, double full);

/// Whether `kind` is one of `Kinds`: a test of one bit, for the wants() of trackers that take
/// several kinds of event, which every event of a run is asked.
template <EventKind... Kinds>
constexpr bool kind_in(EventKind kind) {
  constexpr uint32_t kMask = ((uint32_t{1} << static_cast<unsigned>(Kinds)) | ...);
  return ((kMask >> static_cast<unsigned>(kind)) & 1u) != 0;
}

/// The first watermark past `t`, for a due() whose advance_to acts once the watermark is past a
/// time.
inline Timestamp just_after(Timestamp t) {
  return t + Duration::nanos(1);
}

/// A rule kept per symbol. Tracker provides:
///   struct Params { static Params read(const ParamValues&, std::string_view where); };
///   Tracker(const SymbolScope&, const Params&);
///   void on_event(const Event&); void advance_to(Timestamp); void finish();
/// and a static constexpr std::string_view kRule, the rule's name. It may provide
///   static bool wants(const Event&);
/// the events it reads: the others never reach it, nor make it, so that a trade rule on an order
/// feed does not fetch a symbol's state for each order event only to ignore it; with
///   static constexpr bool kReadsTradesOnly = true;
/// when it wants trades alone, so that the engine hands it only the trades of order flow. And
///   Timestamp due() const;
/// the least watermark at which its advance_to can change anything (Timestamp::max() when none
/// can): until then the ticks pass it by without fetching its state.
template <class Tracker>
class SymbolRule final : public Detector {
 public:
  explicit SymbolRule(const DetectorContext& context) : context_(context) {}

  // The events a tracker does not want are passed over here, in the loop, rather than in a
  // call per event.
  void on_events(std::span<const Event> events) override {
    for (const Event& e : events) {
      if (wanted(e)) deliver(e);
    }
  }
  void on_event(const Event& event) override {
    if (wanted(event)) deliver(event);
  }
  bool reads_trades_only() const override {
    if constexpr (requires { Tracker::kReadsTradesOnly; }) return Tracker::kReadsTradesOnly;
    return false;
  }
  void advance_to(Timestamp watermark) override {
    if constexpr (kHasDue) {
      // In symbol order, as the walk over every tracker went. No tracker is made meanwhile, so
      // the table stays where it is.
      Timestamp* due = due_.data();
      const auto symbols = static_cast<uint32_t>(due_.size());
      for (uint32_t i = 0; i < symbols; ++i) {
        if (watermark < due[i]) continue;
        Tracker* tracker = trackers_.find(SymbolId{i});
        if (tracker == nullptr) continue;  // not met yet (a watermark at the end of time)
        tracker->advance_to(watermark);
        due[i] = tracker->due();
      }
    } else {
      trackers_.for_each([&](SymbolId, Tracker& t) { t.advance_to(watermark); });
    }
  }
  void finish() override {
    trackers_.for_each([](SymbolId, Tracker& t) { t.finish(); });
  }

 private:
  static bool wanted(const Event& event) {
    if constexpr (requires { Tracker::wants(event); }) {
      return Tracker::wants(event);
    } else {
      return true;
    }
  }
  // Inlined into the loop, with the on_event of the trackers that mark it always_inline: the
  // order-flow trackers do less with most events than a call per event costs.
  [[gnu::always_inline]] void deliver(const Event& event) {
    Tracker& tracker = tracker_for(event.symbol);
    tracker.on_event(event);
    if constexpr (kHasDue) due_[event.symbol.value] = tracker.due();
  }

  Tracker& tracker_for(SymbolId symbol) {
    return trackers_.get(symbol, [this](SymbolId s) {
      SymbolScope scope{s,
                        Tracker::kRule,
                        context_.universe.symbol_name(s),
                        &context_.universe,
                        &context_.sink,
                        context_.books};
      const ParamValues& values = context_.config.for_symbol(scope.name);
      Tracker made(scope, Tracker::Params::read(values, Tracker::kRule));
      if constexpr (kHasDue) {
        if (s.value >= due_.size()) due_.resize(s.value + 1, Timestamp::max());
        due_[s.value] = made.due();
      }
      return made;
    });
  }

  static constexpr bool kHasDue = requires(const Tracker& t) { t.due(); };

  DetectorContext context_;
  PerSymbol<Tracker> trackers_;
  std::vector<Timestamp> due_;  // by symbol id: each tracker's due(); max without a tracker
};

/// The factory of a SymbolRule: every parameter set of the config is read first, so that a
/// bad value fails at start-up rather than on some symbol's first event.
template <class Tracker>
std::unique_ptr<Detector> make_symbol_rule(const DetectorContext& context) {
  check_every_param_set(context.config, Tracker::kRule,
                        [](const ParamValues& values, const std::string& where) {
                          Tracker::Params::read(values, where);
                        });
  return std::make_unique<SymbolRule<Tracker>>(context);
}

}  // namespace tw
