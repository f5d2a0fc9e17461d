#include "engine/engine.hpp"

#include <algorithm>

#include "engine/evidence_recorder.hpp"

namespace tw {
namespace {

// Detectors are told that event time has advanced once per second of event time: often
// enough to close windows promptly in live mode, rarely enough to cost nothing per event.
constexpr Duration kTickInterval = Duration::seconds(1);
// The reorder ring starts small and grows to what the window holds: a ring no bigger than it
// must be stays in the fastest cache.
constexpr size_t kInitialRing = 128;
// A bound on the order-flow segment copied for the rules (15 KiB: it stays in the L1 cache).
constexpr size_t kMaxSegment = 128;
// Events a sequenced reader writes at a time, as many as a segment.
constexpr size_t kSequenceRun = 128;
// How many events ahead of the one applied the books are asked for what it will read.
constexpr size_t kBookLookahead = 4;

}  // namespace

Engine::Engine(const Config& config, Universe& universe, AlertSink& alerts, RejectSink& rejects,
               BarSink* bars)
    : config_(config),
      universe_(universe),
      rejects_(rejects),
      bar_sink_(bars),
      reorder_(config.engine.reorder_window, kInitialRing) {
  segment_.reserve(kMaxSegment + 1);  // and the print of its last event
  segment_trades_.reserve(kMaxSegment + 1);
  for (const RuleInfo& info : rule_registry()) {
    const RuleConfig& rule = config.rule(info.name);
    if (!rule.enabled) continue;
    detectors_.push_back(info.make(DetectorContext{universe, rule, alerts, &books_}));
    rule_slots_.push_back({detectors_.back().get(), detectors_.back()->reads_trades_only()});
    active_rules_.emplace_back(info.name);
  }
}

Engine::~Engine() = default;

void Engine::push_events(std::span<const Event> events) {
  // Checked for order a stretch at a time, one that stays in the L2 cache for the rules
  // (120 KiB); shorter ones measured slower on the benchmark tape (128 events: 12% slower).
  constexpr size_t kStretch = 1024;
  auto dispatch_run = [this](std::span<const Event> run) { dispatch(run); };
  size_t pending = 0;  // events[pending, next) are in order and not yet handed on
  size_t next = 0;
  while (next < events.size()) {
    std::span<const Event> stretch = events.subspan(next, std::min(kStretch, events.size() - next));
    if (!reorder_.in_order_after_newest(stretch)) {
      reorder_.hold(events.subspan(pending, next - pending));
      for (const Event& e : stretch) push(e);
      next += stretch.size();
      pending = next;
      continue;
    }
    counters_.received += stretch.size();
    next += stretch.size();
    prefetch_from(events.subspan(next, std::min(kStretch, events.size() - next)));
    pending += reorder_.pass_sorted(events.subspan(pending, next - pending), dispatch_run);
  }
  reorder_.hold(events.subspan(pending, next - pending));
  prefetch_from({});
}

void Engine::prefetch_from(std::span<const Event> upcoming) {
  prefetch_next_ = reinterpret_cast<const char*>(upcoming.data());
  prefetch_end_ = reinterpret_cast<const char*>(upcoming.data() + upcoming.size());
}

// Each run handed to the rules asks for as many events of the next stretch as it holds, so
// the next stretch arrives while the rules work on this one. Into the L2 cache (prefetcht1):
// measured on the benchmark tape, rules phase 0.190-0.194 s against 0.195-0.201 s with no
// prefetch, and 0.205-0.210 s into L1 (prefetcht0 or prefetchnta), where the stretch pushed
// out the rules' own state; one line in two or four measured no better.
void Engine::prefetch_ahead(size_t events) {
  constexpr size_t kLine = 64;
  const size_t left = static_cast<size_t>(prefetch_end_ - prefetch_next_);
  const char* end = prefetch_next_ + std::min(events * sizeof(Event), left);
  for (const char* p = prefetch_next_; p < end; p += kLine) __builtin_prefetch(p, 0, 2);
  prefetch_next_ = end;
}

// Cuts the run where event time crosses a tick: each rule gets the events before it, then the
// tick, as it would event by event.
void Engine::dispatch(std::span<const Event> run) {
  if (run.empty()) return;
  // Runs come in event-time order: the first event ever released is the earliest.
  if (counters_.processed == 0) counters_.first_event = run.front().ts;
  counters_.processed += run.size();
  counters_.last_event = run.back().ts;
  size_t begin = 0;
  uint64_t order_events = counters_.order_events;  // counted before the part handed on
  for (size_t i = 0; i < run.size(); ++i) {
    const Event& e = run[i];
    if (e.ts >= next_tick_) {
      deliver(run.subspan(begin, i - begin), counters_.order_events != order_events);
      order_events = counters_.order_events;
      begin = i;
      tick(e.ts);
    }
    count(e);
  }
  deliver(run.subspan(begin), counters_.order_events != order_events);
}

void Engine::deliver(std::span<const Event> run, bool has_order_events) {
  if (run.empty()) return;
  if (prefetch_next_ != prefetch_end_) prefetch_ahead(run.size());
  if (has_order_events) return deliver_order_flow(run);
  if (evidence_) evidence_->on_trades(run);
  to_rules(run);
}

void Engine::to_rules(std::span<const Event> run) {
  for (auto& d : detectors_) d->on_events(run);
}

// The books' order index and records are far larger than the caches, and most messages touch
// a random part of them: the books are asked for what the events 2 x kBookLookahead and
// kBookLookahead ahead will read, a step of OrderBook::prefetch each, so that it has arrived
// by their turn. (A third step, for the neighbours of an order in its level, measured no
// faster: it costs a lookup.)
inline void Engine::prefetch_books(std::span<const Event> run, size_t at) const {
  for (size_t ahead : {2 * kBookLookahead, kBookLookahead}) {
    if (at + ahead >= run.size()) continue;
    const Event& e = run[at + ahead];
    if (!e.is_order_event()) continue;
    if (const OrderBook* book = books_.find(e.symbol)) book->prefetch(e, ahead != kBookLookahead);
  }
}

// Order flow goes to the rules a segment at a time: the books take in the order events of a
// segment first, then each rule gets the whole segment in one call. A segment ends before an
// order event whose symbol it already holds an event of, so that no book changes after an
// event of its symbol within a segment: a rule reading the book of the event it is handed sees
// it as of that event, as it would event by event. An execution is followed by its print, so
// that the trade rules see every trade of an order-level feed. Measured on the generated ITCH
// flow (see docs/PERFORMANCE.md), against one call per event per rule.
void Engine::deliver_order_flow(std::span<const Event> run) {
  if (detectors_.empty()) return build_books(run);
  for (size_t i = 0; i < run.size(); ++i) {
    prefetch_books(run, i);
    const Event& e = run[i];
    const uint32_t symbol = e.symbol.value;
    if (symbol >= segment_of_symbol_.size()) segment_of_symbol_.resize(symbol + 1, 0);
    uint64_t& last_segment = segment_of_symbol_[symbol];
    const bool order_event = e.is_order_event();
    if ((order_event && last_segment == segment_number_) || segment_.size() >= kMaxSegment) {
      deliver_segment();
    }
    last_segment = segment_number_;
    segment_.push_back(e);
    if (!order_event) {
      if (e.is_trade()) segment_trades_.push_back(e);
      continue;
    }
    const OrderBook& book = apply_to_book(e);
    if (e.kind != EventKind::kOrderExecute) continue;
    // The print is written in place behind its execution (the segment has room for it).
    Event& print = segment_.emplace_back();
    if (count_print(book, e, print)) {
      segment_trades_.push_back(print);
    } else {
      segment_.pop_back();
    }
  }
  deliver_segment();
}

// With no rule to hand them to, order events only build the books: nothing is gathered. The
// prints are only counted (count() and the bars read their kind, time, symbol, price, size and
// side, which print_of_execution writes), so one event serves for all of them.
void Engine::build_books(std::span<const Event> run) {
  Event print;
  for (size_t i = 0; i < run.size(); ++i) {
    prefetch_books(run, i);
    const Event& e = run[i];
    if (!e.is_order_event()) continue;
    const OrderBook& book = apply_to_book(e);
    if (e.kind == EventKind::kOrderExecute) count_print(book, e, print);
  }
}

const OrderBook& Engine::apply_to_book(const Event& e) {
  OrderBook& book = books_.get(e.symbol, [](SymbolId) { return OrderBook(); });
  book.apply(e);
  return book;
}

bool Engine::count_print(const OrderBook& book, const Event& execution, Event& print) {
  if (!print_of_execution(book, execution, print)) return false;
  ++counters_.executions;
  count(print);
  return true;
}

// The rules that read trades alone get the segment's trades alone (Detector::reads_trades_only):
// most of a segment is order events they would only pass over.
void Engine::deliver_segment() {
  if (!segment_.empty()) {
    if (evidence_) evidence_->on_segment(segment_, books_);
    const bool has_trades = !segment_trades_.empty();
    for (const RuleSlot& r : rule_slots_) {
      if (!r.reads_trades_only) {
        r.rule->on_events(segment_);
      } else if (has_trades) {
        r.rule->on_events(segment_trades_);
      }
    }
  }
  segment_.clear();
  segment_trades_.clear();
  ++segment_number_;
}

// The print of an execution, from `book` with the execution applied: the resting order's price
// when the execution gives none (ITCH E), the aggressor on the other side, and the resting
// order's owner on its own side (the aggressor's account too, when the execution names it). An
// order the book never saw (it rested before the feed began) is taken from the execution. `print`
// is a fresh event, or one that is only counted.
bool Engine::print_of_execution(const OrderBook& book, const Event& execution, Event& print) const {
  if ((execution.flags & event_flags::kNotPrintable) != 0) return false;
  RestingOrder resting;
  const bool known = book.order_of_last_event(resting);
  const Side resting_side = known ? resting.side : execution.side;
  const Price price = execution.price.is_positive() ? execution.price : resting.price;
  if ((resting_side != Side::kBuy && resting_side != Side::kSell) || !price.is_positive() ||
      !execution.qty.is_positive()) {
    return false;
  }
  print.kind = EventKind::kTrade;
  print.ts = execution.ts;
  print.symbol = execution.symbol;
  print.price = price;
  print.qty = execution.qty;
  print.side = opposite(resting_side);
  print.id = execution.ref;  // the match id, when the feed gives one
  print.ref = execution.id;  // the resting order
  print.seq = execution.seq;
  print.source = execution.source;
  print.flags = execution.flags;
  // An execution that names its parties (an audit trail's) gives the aggressor's account.
  print.buyer = execution.buyer;
  print.seller = execution.seller;
  (resting_side == Side::kBuy ? print.buyer : print.seller) =
      known ? resting.account : execution.account;
  return true;
}

BookReport Engine::book_report() const {
  BookReport report;
  books_.for_each([&](SymbolId, const OrderBook& book) {
    ++report.symbols;
    report.live_orders += book.live_orders();
    report.diagnostics += book.diagnostics();
  });
  return report;
}

void Engine::count(const Event& e) {
  if (e.kind == EventKind::kTrade) {
    ++counters_.trades;
    if (bar_sink_) on_trade_bar(e);
  } else if (e.is_order_event()) {
    ++counters_.order_events;
  }
}

void Engine::tick(Timestamp watermark) {
  for (auto& d : detectors_) d->advance_to(watermark);
  if (bar_sink_) {
    Bar closed;
    for (size_t i = 0; i < bar_builders_.size(); ++i) {
      if (bar_builders_[i] && bar_builders_[i]->close_before(watermark, closed)) {
        ++counters_.bars;
        bar_sink_->on_bar(universe_.symbol_name(SymbolId{static_cast<uint32_t>(i)}), closed);
      }
    }
  }
  next_tick_ = watermark.floor_to(kTickInterval) + kTickInterval;
}

void Engine::on_trade_bar(const Event& e) {
  uint32_t s = e.symbol.value;
  BarBuilder* builder = s < bar_builders_.size() ? bar_builders_[s].get() : nullptr;
  if (builder != nullptr && builder->in_open_bar(e.ts)) return builder->add_to_open_bar(e);
  on_trade_opening_bar(e);
}

// Out of line, so the per-trade path above saves no registers and clears no Bar.
void Engine::on_trade_opening_bar(const Event& e) {
  uint32_t s = e.symbol.value;
  if (s >= bar_builders_.size()) bar_builders_.resize(s + 1);
  if (!bar_builders_[s])
    bar_builders_[s] = std::make_unique<BarBuilder>(config_.engine.bar_interval);
  Bar closed;
  if (bar_builders_[s]->on_trade(e, closed)) {
    ++counters_.bars;
    bar_sink_->on_bar(universe_.symbol_name(e.symbol), closed);
  }
}

void Engine::take_in_sequence() {
  reorder_ = ReorderBuffer(Duration{}, kInitialRing);
  sequence_.resize(kSequenceRun);
}

void Engine::take_sequence(size_t n) {
  flush();  // what push() took before: with no window, all of it is due
  const std::span<Event> run(sequence_.data(), n);
  Timestamp latest = reorder_.last_released();
  for (Event& e : run) {
    if (e.ts < latest) clamp_time(e, latest);
    latest = e.ts;
  }
  reorder_.passed(latest);
  counters_.received += n;
  dispatch(run);
}

void Engine::clamp_time(Event& e, Timestamp latest) {
  ++counters_.times_clamped;
  e.ts = latest;
}

bool Engine::take_late(Event& e) {
  if (!in_sequence()) {
    refuse_late(e);
    return false;
  }
  clamp_time(e, reorder_.last_released());
  return reorder_.commit_back();  // no earlier than any event held: it is taken
}

void Engine::refuse_late(const Event& e) {
  ++counters_.time_backwards;
  std::string detail = "event time " + e.ts.to_iso8601() + " is more than the reorder window (" +
                       reorder_.window().to_string() + ") behind " +
                       reorder_.last_released().to_iso8601();
  std::string raw = std::string(to_string(e.kind)) + " " +
                    std::string(universe_.symbol_name(e.symbol)) + " " + e.ts.to_iso8601() +
                    " price=" + e.price.to_string() + " qty=" + e.qty.to_string() +
                    " id=" + e.id.to_string();
  static const std::string kUnnamed = "(input)";
  const std::string& source = e.source < source_names_.size() ? source_names_[e.source] : kUnnamed;
  rejects_.reject(Reject{source, e.seq, raw, RejectReason::kTimeBackwards, detail});
}

void Engine::finish() {
  reorder_.drain([this](std::span<const Event> run) { dispatch(run); });
  if (bar_sink_) {
    for (size_t i = 0; i < bar_builders_.size(); ++i) {
      Bar closed;
      if (bar_builders_[i] && bar_builders_[i]->close_before(Timestamp::max(), closed)) {
        ++counters_.bars;
        bar_sink_->on_bar(universe_.symbol_name(SymbolId{static_cast<uint32_t>(i)}), closed);
      }
    }
  }
  for (auto& d : detectors_) d->finish();
}

}  // namespace tw
