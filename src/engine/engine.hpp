// The surveillance engine: orders events by event time, keeps bars, and drives every rule.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "book/order_book.hpp"
#include "config/config.hpp"
#include "detect/detector.hpp"
#include "detect/per_symbol.hpp"
#include "engine/reorder_buffer.hpp"
#include "feed/reject.hpp"
#include "model/bar.hpp"

namespace tw {

class EvidenceRecorder;

struct EngineCounters {
  uint64_t received = 0;        // events pushed
  uint64_t processed = 0;       // events released to the rules
  uint64_t trades = 0;          // prints, those derived from executions included
  uint64_t executions = 0;      // executions of resting orders turned into prints
  uint64_t order_events = 0;    // add/cancel/delete/replace/execute
  uint64_t time_backwards = 0;  // refused as later than the reorder window allows
  uint64_t times_clamped = 0;   // of a sequenced feed: earlier than the event before, kept in place
  uint64_t bars = 0;
  Timestamp first_event = Timestamp::max();
  Timestamp last_event = Timestamp::min();
};

/// The order books at a point of the run, over every symbol.
struct BookReport {
  size_t symbols = 0;      // symbols with a book
  size_t live_orders = 0;  // orders resting
  BookDiagnostics diagnostics;
};

/// One engine serves batch and streaming: it sees events in arrival order, re-sorts them
/// within the reorder window and hands them to the rules in event time. Nothing here reads
/// the wall clock, so the same events give the same alerts however they arrive.
class Engine {
 public:
  /// All references must outlive the engine. `bars` may be null.
  Engine(const Config& config, Universe& universe, AlertSink& alerts, RejectSink& rejects,
         BarSink* bars = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Names of the inputs, indexed by Event::source, used in reject records.
  void set_source_names(std::vector<std::string> names) { source_names_ = std::move(names); }

  /// Hands `recorder` every event the rules are handed (trades, prints of executions, order
  /// events with their books), just before they are, so that an alert finds the event it was
  /// raised on recorded. Null (the default) records nothing, at the cost of a test per run.
  void record_evidence(EvidenceRecorder* recorder) { evidence_ = recorder; }

  /// Events due for release are handed to the rules in runs of at least this many (default
  /// kDefaultRun), so that each rule loops over a run in one call. The rules see the same
  /// events in the same order whatever the run length; only how long a due event waits for
  /// its run changes. 1 hands on each event as soon as it is due.
  void set_min_run(size_t events) { min_run_ = events == 0 ? 1 : events; }
  static constexpr size_t kDefaultRun = 64;

  /// Takes the next event in arrival order.
  void push(const Event& event) {
    next_slot() = event;
    push_slot();
  }

  /// Takes events already in memory, in arrival order: the same as push() on each in turn,
  /// but stretches in time order are handed to the rules from `events` itself, not copied.
  void push_events(std::span<const Event> events);

  /// The input is one feed whose order is the venue's sequence (ITCH, LOBSTER): events are taken
  /// in that order with no reorder window, since re-sorting by time could only put a message
  /// before one it follows. An event whose time is before the latest one keeps its place and
  /// takes the latest time (counted as times_clamped). Call before the first event.
  void take_in_sequence();
  /// In sequence: room for the next events, which a reader writes in place (Feed::next_batch);
  /// take_sequence(n) takes the first n of them, in order, as push() would one at a time.
  std::span<Event> sequence_space() { return sequence_; }
  void take_sequence(size_t n);

  /// Where a reader may write the next event in place instead of handing it to push(): valid
  /// until push_slot(), which takes it.
  Event& next_slot() { return reorder_.back_slot(); }
  void push_slot() {
    ++counters_.received;
    if (!reorder_.commit_back() && !take_late(reorder_.back_slot())) return;
    if (reorder_.due() >= min_run_) flush();
  }

  /// Hands every event now due to the rules (a live feed calls it when its input goes quiet).
  void flush() {
    reorder_.release_due([this](std::span<const Event> run) { dispatch(run); });
  }

  /// End of input: release everything, close all bars and episodes.
  void finish();

  const EngineCounters& counters() const { return counters_; }
  /// The book of `symbol` as the order events so far built it; null when none named it.
  const OrderBook* book(SymbolId symbol) const { return books_.find(symbol); }
  BookReport book_report() const;
  /// Names of the rules running (enabled in the config), in registry order.
  const std::vector<std::string>& active_rules() const { return active_rules_; }

 private:
  void dispatch(std::span<const Event> run);
  void deliver(std::span<const Event> run, bool has_order_events);
  void deliver_order_flow(std::span<const Event> run);
  void deliver_segment();
  void build_books(std::span<const Event> run);
  /// Applies order event `e` to its symbol's book (made on its first order event).
  const OrderBook& apply_to_book(const Event& e);
  /// Writes the print of `execution`, just applied to `book`, into `print` and counts it; false
  /// when it does not print.
  bool count_print(const OrderBook& book, const Event& execution, Event& print);
  void to_rules(std::span<const Event> run);
  bool print_of_execution(const OrderBook& book, const Event& execution, Event& print) const;
  void prefetch_from(std::span<const Event> upcoming);
  void prefetch_ahead(size_t events);
  [[gnu::always_inline]] void prefetch_books(std::span<const Event> run, size_t at) const;
  void count(const Event& e);
  void tick(Timestamp watermark);
  void on_trade_bar(const Event& e);
  [[gnu::noinline]] void on_trade_opening_bar(const Event& e);
  /// An event later than the reorder window allows: clamped and taken in sequence (true), or
  /// refused.
  [[gnu::noinline]] bool take_late(Event& e);
  /// Gives an event of a sequenced feed stamped before `latest`, the time of the event before
  /// it, that time.
  [[gnu::noinline]] void clamp_time(Event& e, Timestamp latest);
  void refuse_late(const Event& e);
  /// Whether take_in_sequence() was called.
  bool in_sequence() const { return !sequence_.empty(); }

  const Config& config_;
  Universe& universe_;
  RejectSink& rejects_;
  BarSink* bar_sink_;
  EvidenceRecorder* evidence_ = nullptr;
  ReorderBuffer reorder_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  // The detectors as deliver_segment() calls them, in the same order.
  struct RuleSlot {
    Detector* rule;
    bool reads_trades_only;
  };
  std::vector<RuleSlot> rule_slots_;
  std::vector<std::string> active_rules_;
  std::vector<std::unique_ptr<BarBuilder>> bar_builders_;  // by symbol id
  PerSymbol<OrderBook> books_;                             // made on a symbol's first order event
  std::vector<std::string> source_names_;
  // deliver_order_flow(): the segment being gathered (its events and the prints of its
  // executions), and by symbol id the number of the last segment that holds an event of it.
  std::vector<Event> segment_;
  std::vector<Event> segment_trades_;  // the trades of segment_, in order
  std::vector<uint64_t> segment_of_symbol_;
  uint64_t segment_number_ = 1;
  Timestamp next_tick_ = Timestamp::min();
  size_t min_run_ = kDefaultRun;
  std::vector<Event> sequence_;  // take_in_sequence(): where a reader writes the next events
  // push_events(): the bytes of the next stretch not yet prefetched.
  const char* prefetch_next_ = nullptr;
  const char* prefetch_end_ = nullptr;
  EngineCounters counters_;
};

}  // namespace tw
