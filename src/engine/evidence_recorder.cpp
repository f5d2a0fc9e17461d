#include "engine/evidence_recorder.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include "util/format.hpp"
#include "util/hash.hpp"

namespace tw {
namespace {

EvidenceKind evidence_kind_of(EventKind kind) {
  switch (kind) {
    case EventKind::kOrderAdd:
      return EvidenceKind::kAdd;
    case EventKind::kOrderCancel:
      return EvidenceKind::kCancel;
    case EventKind::kOrderDelete:
      return EvidenceKind::kDelete;
    case EventKind::kOrderReplace:
      return EvidenceKind::kReplaced;
    default:
      return EvidenceKind::kExecute;
  }
}

/// An evidence id of an alert ("trade:123", "order:line:17") as the key its record has.
struct WantedId {
  std::string_view text;  // the whole evidence id
  std::string_view id;    // after the kind
  uint64_t key = 0;
  bool order = false;
  uint8_t line_flag = 0;
};

std::optional<WantedId> parse_wanted(std::string_view text) {
  WantedId w;
  w.text = text;
  for (std::string_view kind : {"trade:", "order:"}) {
    if (text.starts_with(kind)) {
      w.order = kind == "order:";
      w.id = text.substr(kind.size());
    }
  }
  if (w.id.empty()) return std::nullopt;
  // EventRef::text writes an event without an id as its line.
  if (std::string_view line = "line:"; w.id.starts_with(line)) {
    std::string_view digits = w.id.substr(line.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), w.key);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      w.line_flag = evidence_flags::kKeyIsLine;
      return w;
    }
  }
  w.key = ExternalId::from_text(w.id).lookup_key();
  return w;
}

/// The wanted ids found by (key, trade or order, line or id) in one probe or two: the scan asks
/// it of every record held.
class WantedTable {
 public:
  explicit WantedTable(const std::vector<WantedId>& wanted) : wanted_(wanted) {
    slots_.assign(std::bit_ceil(std::max<size_t>(16, wanted.size() * 4)), 0);
    shift_ = 64 - std::countr_zero(slots_.size());
    for (size_t i = 0; i < wanted.size(); ++i) {
      const WantedId& w = wanted[i];
      size_t at = home(w.key, w.order);
      while (slots_[at] != 0) at = (at + 1) & (slots_.size() - 1);
      slots_[at] = static_cast<uint32_t>(i + 1);
    }
  }

  /// The index of the wanted id a record of this key is, or -1.
  int find(uint64_t key, bool order, uint8_t line_flag) const {
    for (size_t at = home(key, order);; at = (at + 1) & (slots_.size() - 1)) {
      if (slots_[at] == 0) return -1;
      const WantedId& w = wanted_[slots_[at] - 1];
      if (w.key == key && w.order == order && w.line_flag == line_flag) {
        return static_cast<int>(slots_[at] - 1);
      }
    }
  }

 private:
  size_t home(uint64_t key, bool order) const {
    return fibonacci_index(key * 2 + (order ? 1 : 0), shift_);
  }

  const std::vector<WantedId>& wanted_;
  std::vector<uint32_t> slots_;  // index + 1 into wanted_, 0 empty
  int shift_ = 64;
};

/// An order's life as the held records tell it, read newest first back to its placement.
struct OrderTrail {
  bool seen = false;
  std::optional<Timestamp> placed;
  std::optional<Timestamp> ended;
  std::optional<Quantity> qty;  // as placed
  Side side = Side::kUnknown;
  Price price;
  AccountId account;
  Quantity filled;
  std::string_view end = "open";

  /// Whether the placement was reached: older records of the id are another order's.
  bool complete() const { return placed.has_value(); }

  void apply_older(const EvidenceRecord& r) {
    seen = true;
    // The oldest record read tells best what the order was: its placement, once reached.
    side = r.side;
    price = r.price;
    account = r.first;
    if (r.kind == EvidenceKind::kExecute) filled += r.qty;
    if (r.ended() && !ended) {
      ended = r.ts;
      end = r.kind == EvidenceKind::kExecute    ? "fill"
            : r.kind == EvidenceKind::kReplaced ? "replace"
                                                : "cancel";
    }
    if (r.kind == EvidenceKind::kAdd || r.kind == EvidenceKind::kReplacement) {
      placed = r.ts;
      qty = r.qty;
    }
  }
};

/// What the scan of a symbol's history found for an alert.
struct Resolution {
  std::vector<std::optional<size_t>> trade_at;  // by wanted id: the record of the trade
  std::vector<OrderTrail> orders;               // by wanted id
  std::vector<size_t> tape;                     // records of the trades in [from, to]
};

/// The first of `ring`'s items (in time order) at or after `t`.
template <class Ring>
size_t first_at_or_after(const Ring& ring, Timestamp t) {
  size_t lo = 0, hi = ring.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (ring[mid].ts < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Newest first, as evidence is mostly recent: the scan stops once every trade is found and
// every order is followed back to its placement. Only ids no longer held cost a full scan.
void find_wanted(const CappedRing<EvidenceRecord>& events, const std::vector<WantedId>& wanted,
                 Resolution& found) {
  const WantedTable table(wanted);
  size_t left = wanted.size();
  for (size_t i = events.size(); i-- > 0 && left > 0;) {
    const EvidenceRecord& r = events[i];
    const bool trade = r.is_trade();
    const int w = table.find(r.key, !trade, r.flags & evidence_flags::kKeyIsLine);
    if (w < 0) continue;
    const auto at = static_cast<size_t>(w);
    if (trade) {
      if (found.trade_at[at]) continue;
      found.trade_at[at] = i;
      --left;
    } else if (!found.orders[at].complete()) {
      found.orders[at].apply_older(r);
      left -= found.orders[at].complete() ? 1 : 0;
    }
  }
}

Resolution resolve(const CappedRing<EvidenceRecord>& events, const std::vector<WantedId>& wanted,
                   Timestamp from, Timestamp to) {
  Resolution found;
  found.trade_at.resize(wanted.size());
  found.orders.resize(wanted.size());
  find_wanted(events, wanted, found);
  for (size_t i = first_at_or_after(events, from); i < events.size() && events[i].ts <= to; ++i) {
    if (events[i].is_trade()) found.tape.push_back(i);
  }
  return found;
}

/// Calls fn(i) for at most `points` of the indexes 0..n-1, spread evenly, the first and the
/// last among them.
template <class Fn>
void thin_evenly(size_t n, size_t points, Fn&& fn) {
  if (n <= points) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  for (size_t p = 0; p < points; ++p) fn(p * (n - 1) / (points - 1));
}

void append_nanos_or_null(JsonObjectWriter& w, std::string_view key, std::optional<Timestamp> t) {
  if (t) {
    w.field(key, t->nanos());
  } else {
    w.raw(key, "null");
  }
}

void append_integer(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void open_array(std::string& out, std::string_view name) {
  append_json_string(out, name);
  out += ":[";
}
// Items are each followed by a comma: the last one is taken back.
void close_array(std::string& out) {
  if (out.back() == ',') out.pop_back();
  out += "],";
}

/// Writes the EVIDENCE object of docs/API.md from what the scan found.
class EvidenceJson {
 public:
  EvidenceJson(const Universe& universe, const std::vector<WantedId>& wanted,
               const Resolution& found, size_t points)
      : universe_(universe), wanted_(wanted), found_(found), points_(points) {
    // Room for what is written, so the text is not regrown and copied point by point.
    constexpr size_t kPerId = 200, kPerPoint = 64, kRest = 256;
    const size_t points_written = std::min(found.tape.size(), points) + points;
    out_.reserve(kRest + kPerId * wanted.size() + kPerPoint * points_written);
    out_.push_back('{');
  }

  void trades(const CappedRing<EvidenceRecord>& events) {
    open_array(out_, "trades");
    for (size_t w = 0; w < wanted_.size(); ++w) {
      if (found_.trade_at[w]) trade(wanted_[w].id, events[*found_.trade_at[w]]);
    }
    close_array(out_);
  }
  void orders() {
    open_array(out_, "orders");
    for (size_t w = 0; w < wanted_.size(); ++w) {
      if (found_.orders[w].seen) order(wanted_[w].id, found_.orders[w]);
    }
    close_array(out_);
  }
  void missing(const std::vector<std::string_view>& unreadable) {
    open_array(out_, "missing");
    for (std::string_view text : unreadable) item(text);
    for (size_t w = 0; w < wanted_.size(); ++w) {
      if (!found_.trade_at[w] && !found_.orders[w].seen) item(wanted_[w].text);
    }
    close_array(out_);
  }
  void tape(const CappedRing<EvidenceRecord>& events) {
    open_array(out_, "tape");
    const std::vector<size_t>& tape = found_.tape;
    thin_evenly(tape.size(), points_, [&](size_t i) { tape_point(events[tape[i]]); });
    close_array(out_);
  }
  /// The samples in [from, to], thinned as the tape is.
  void depth(const CappedRing<DepthSample>& samples, Timestamp from, Timestamp to) {
    const size_t first = first_at_or_after(samples, from);
    size_t last = first;  // one past the span
    while (last < samples.size() && samples[last].ts <= to) ++last;
    open_array(out_, "depth");
    thin_evenly(last - first, points_, [&](size_t i) { depth_point(samples[first + i]); });
    close_array(out_);
  }
  std::string finish(Timestamp from, Timestamp to, std::optional<Timestamp> held_from) && {
    out_ += "\"from_ns\":";
    append_integer(out_, from.nanos());
    out_ += ",\"to_ns\":";
    append_integer(out_, to.nanos());
    out_ += ",\"history_from_ns\":";
    if (held_from) {
      append_integer(out_, held_from->nanos());
    } else {
      out_ += "null";
    }
    out_.push_back('}');
    return std::move(out_);
  }

 private:
  void item(std::string_view text) {
    append_json_string(out_, text);
    out_.push_back(',');
  }

  void account(JsonObjectWriter& w, std::string_view key, AccountId id) const {
    if (id.value == 0) {
      w.raw(key, "null");
    } else {
      w.field(key, universe_.account_name(id));
    }
  }

  void trade(std::string_view id, const EvidenceRecord& r) {
    JsonObjectWriter w;
    w.field("id", id).field("ts", r.ts.to_iso8601()).field("ts_ns", r.ts.nanos());
    w.field("price", r.price.to_string()).field("qty", r.qty.to_string());
    w.field("side", to_string(r.side));
    account(w, "buyer", r.first);
    account(w, "seller", r.second);
    out_ += std::move(w).finish();
    out_.push_back(',');
  }

  void order(std::string_view id, const OrderTrail& o) {
    JsonObjectWriter w;
    w.field("id", id).field("side", to_string(o.side)).field("price", o.price.to_string());
    if (o.qty) {
      w.field("qty", o.qty->to_string());
    } else {
      w.raw("qty", "null");
    }
    account(w, "account", o.account);
    append_nanos_or_null(w, "placed_ns", o.placed);
    append_nanos_or_null(w, "ended_ns", o.ended);
    w.field("end", o.end).field("filled", o.filled.to_string());
    out_ += std::move(w).finish();
    out_.push_back(',');
  }

  // Prices and sizes as their exact decimals, which are JSON numbers.
  void tape_point(const EvidenceRecord& r) {
    out_.push_back('[');
    append_integer(out_, r.ts.nanos());
    out_.push_back(',');
    append_scaled_decimal(out_, r.price.raw());
    out_.push_back(',');
    append_scaled_decimal(out_, r.qty.raw());
    out_ += r.side == Side::kBuy ? ",\"B\"]," : r.side == Side::kSell ? ",\"S\"]," : ",\"?\"],";
  }

  void depth_point(const DepthSample& s) {
    out_.push_back('[');
    append_integer(out_, s.ts.nanos());
    for (Price p : {s.best_bid, s.best_ask}) {
      out_.push_back(',');
      if (p.is_positive()) {
        append_scaled_decimal(out_, p.raw());
      } else {
        out_ += "null";
      }
    }
    for (Quantity q : {s.bid_depth, s.ask_depth}) {
      out_.push_back(',');
      append_scaled_decimal(out_, q.raw());
    }
    out_ += "],";
  }

  const Universe& universe_;
  const std::vector<WantedId>& wanted_;
  const Resolution& found_;
  size_t points_;
  std::string out_;
};

/// The alert's evidence ids as keys to look for; those of no known kind are `unreadable`.
std::vector<WantedId> wanted_ids(const Alert& alert, std::vector<std::string_view>& unreadable) {
  std::vector<WantedId> wanted;
  for (const std::string& text : alert.evidence) {
    auto listed = [&](const WantedId& w) { return w.text == text; };
    if (std::any_of(wanted.begin(), wanted.end(), listed)) continue;
    if (auto w = parse_wanted(text)) {
      wanted.push_back(*w);
    } else {
      unreadable.push_back(text);
    }
  }
  return wanted;
}

}  // namespace

EvidenceRecorder::EvidenceRecorder(const EvidenceConfig& config, const Universe& universe,
                                   EvidenceWriter write)
    : config_(config), universe_(universe), write_(std::move(write)) {}

void EvidenceRecorder::on_trade(const Event& e) {
  EvidenceRecord& r = history_of(e.symbol).push_event(e.ts);
  r.flags = 0;
  r.key = evidence_key(e.id, e.seq, r.flags);
  r.ts = e.ts;
  r.price = e.price;
  r.qty = e.qty;
  r.first = e.buyer;
  r.second = e.seller;
  r.kind = EvidenceKind::kTrade;
  r.side = e.side;
}

void EvidenceRecorder::on_order_event(const Event& e, const OrderBook& book) {
  SymbolHistory& history = history_of(e.symbol);
  RestingOrder resting;
  const bool known = book.order_of_last_event(resting);
  EvidenceRecord& r = history.push_event(e.ts);
  r.flags = book.removed_by_last_event() != nullptr ? evidence_flags::kEnded : 0;
  r.key = evidence_key(e.id, e.seq, r.flags);
  r.ts = e.ts;
  r.kind = evidence_kind_of(e.kind);
  // The book knows what the event itself may not say (ITCH cancels name no side or price).
  r.side = known ? resting.side : e.side;
  r.price = known && e.kind != EventKind::kOrderAdd ? resting.price : e.price;
  r.qty = e.qty;
  r.first = known ? resting.account : e.account;
  r.second = AccountId{};
  if (e.kind == EventKind::kOrderReplace && !e.ref.empty()) {
    const EvidenceRecord replaced = r;  // the next push may move the ring
    EvidenceRecord& made = history.push_event(e.ts);
    made = replaced;
    made.flags = 0;
    made.key = e.ref.lookup_key();
    made.kind = EvidenceKind::kReplacement;
    made.price = e.price;
  }
  if (e.ts >= history.next_depth_sample) sample_depth(history, e.ts, book);
}

void EvidenceRecorder::sample_depth(SymbolHistory& history, Timestamp ts, const OrderBook& book) {
  DepthSample& s = history.push_depth(ts);
  const auto levels = static_cast<size_t>(config_.depth_levels);
  s.ts = ts;
  s.best_bid = book.depth(Side::kBuy) > 0 ? book.best_price(Side::kBuy) : Price();
  s.best_ask = book.depth(Side::kSell) > 0 ? book.best_price(Side::kSell) : Price();
  s.bid_depth = book.depth_within(Side::kBuy, levels);
  s.ask_depth = book.depth_within(Side::kSell, levels);
  history.next_depth_sample = ts.floor_to(config_.depth_interval) + config_.depth_interval;
}

void EvidenceRecorder::on_segment(std::span<const Event> segment,
                                  const PerSymbol<OrderBook>& books) {
  for (const Event& e : segment) {
    if (e.is_trade()) {
      on_trade(e);
    } else if (e.is_order_event()) {
      on_order_event(e, *books.find(e.symbol));
    }
  }
}

void EvidenceRecorder::emit(Alert&& alert) {
  write_(alert.id, evidence_json(alert));
}

std::string EvidenceRecorder::evidence_json(const Alert& alert) const {
  static const CappedRing<EvidenceRecord> kNoEvents(1);
  static const CappedRing<DepthSample> kNoDepth(1);
  const SymbolId symbol = universe_.find_symbol(alert.symbol);
  const SymbolHistory* held = symbol.value != 0 ? histories_.find(symbol) : nullptr;
  const CappedRing<EvidenceRecord>& events = held ? held->events : kNoEvents;

  std::vector<std::string_view> unreadable;
  const std::vector<WantedId> wanted = wanted_ids(alert, unreadable);
  const Timestamp from = alert.start - config_.margin;
  const Timestamp to = alert.end;
  const Resolution found = resolve(events, wanted, from, to);
  EvidenceJson json(universe_, wanted, found, static_cast<size_t>(config_.tape_points));
  json.trades(events);
  json.orders();
  json.missing(unreadable);
  json.tape(events);
  json.depth(held ? held->depth : kNoDepth, from, to);
  return std::move(json).finish(from, to,
                                events.empty() ? std::nullopt : std::optional(events.front().ts));
}

size_t EvidenceRecorder::memory_bytes() const {
  size_t bytes = 0;
  histories_.for_each([&](SymbolId, const SymbolHistory& h) {
    bytes +=
        h.events.capacity() * sizeof(EvidenceRecord) + h.depth.capacity() * sizeof(DepthSample);
  });
  return bytes;
}

}  // namespace tw
