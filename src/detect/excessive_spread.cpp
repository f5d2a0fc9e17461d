// excessive_spread: a symbol's bid-ask spread held far above its own trailing median.
#include "detect/excessive_spread.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "detect/symbol_rule.hpp"
#include "util/format.hpp"
#include "util/recent_ring.hpp"
#include "util/value_counts.hpp"

namespace tw {
namespace {

/// The baseline takes the spread in force at every whole second of event time.
constexpr Duration kSampleInterval = Duration::seconds(1);
/// Longest baseline: 14,400 samples of 8 bytes, 115 KB per symbol (and the counts of their
/// distinct spreads).
constexpr Duration kMaxBaseline = Duration::hours(4);
/// Orders added per side that are remembered, to name the orders at the top at the widest
/// moment and the owners of the orders that opened and closed the wide spread.
constexpr size_t kRecentOrdersPerSide = 64;
/// Resting orders named per side at the widest moment.
constexpr size_t kPeakOrdersPerSide = 3;
/// Accounts an alert names at most.
constexpr size_t kMaxAccounts = 8;

constexpr std::string_view kMultiple = "multiple";
constexpr std::string_view kMinSpreadBps = "min_spread_bps";
constexpr std::string_view kMinDuration = "min_duration";
constexpr std::string_view kMaxDip = "max_dip";
constexpr std::string_view kBaseline = "baseline";
constexpr std::string_view kMinHistory = "min_history";
constexpr std::string_view kFullMultiple = "full_multiple";
constexpr std::string_view kFullDuration = "full_duration";
constexpr std::string_view kFenceIqr = "fence_iqr";

std::vector<ParamSpec> param_specs() {
  return {
      {std::string(kMultiple), ParamType::kNumber, "3",
       "The spread is wide from this multiple of its trailing median (more than 1)", 1, 1e6},
      {std::string(kMinSpreadBps), ParamType::kNumber, "10",
       "Least spread, in basis points of the mid price, that can be wide: a few ticks on a "
       "market quoted one tick wide are not excessive",
       0, 1e6},
      {std::string(kMinDuration), ParamType::kDuration, "5s",
       "How long the spread must stay wide without a break before an episode opens"},
      {std::string(kMaxDip), ParamType::kDuration, "2s",
       "A narrower spread (or none) for less than this does not end an episode"},
      {std::string(kBaseline), ParamType::kDuration, "30m",
       "Trailing period of the median: the spread in force at each of its seconds (whole "
       "seconds, at most 4h)"},
      {std::string(kMinHistory), ParamType::kDuration, "5m",
       "Seconds with a spread the baseline needs before anything can fire (at most baseline)"},
      {std::string(kFullMultiple), ParamType::kNumber, "10",
       "Mean multiple of the episode at which the multiple's half of the score is full"},
      {std::string(kFullDuration), ParamType::kDuration, "5m",
       "Duration of the episode at which the duration's half of the score is full"},
      {std::string(kFenceIqr), ParamType::kNumber, "3",
       "An episode opens only when the spread is also above its normal range for all of "
       "min_duration: above the baseline's upper quartile plus this many interquartile ranges "
       "(Tukey's fence; 3 is 'far out'). A market whose spread swings over a wide range (a "
       "lone maker, the inside made by passing orders) is not excessive at the top of that "
       "range. 0 turns the test off",
       0, 1e6},
  };
}

struct Params {
  double multiple = 0;
  double min_spread_bps = 0;
  Duration min_duration;
  Duration max_dip;
  Duration baseline;
  size_t baseline_samples = 0;
  size_t min_history_samples = 0;
  double full_multiple = 0;
  Duration full_duration;
  double fence_iqr = 0;

  static Params read(const ParamValues& v, std::string_view where) {
    auto fail = [&](std::string_view key, const std::string& what) {
      throw ConfigError(fmt::format("{}.{}: {}", where, key, what));
    };
    auto get_duration = [&](std::string_view key) { return v.duration(std::string(key)); };
    auto get_number = [&](std::string_view key) { return v.number(std::string(key)); };
    Params p;
    p.multiple = get_number(kMultiple);
    if (!(p.multiple > 1)) fail(kMultiple, "must be more than 1");
    p.min_spread_bps = get_number(kMinSpreadBps);
    p.min_duration = get_duration(kMinDuration);
    p.max_dip = get_duration(kMaxDip);
    p.baseline = get_duration(kBaseline);
    if (p.baseline.count() % kSampleInterval.count() != 0 || p.baseline > kMaxBaseline) {
      fail(kBaseline, "must be a whole number of seconds, at most " + kMaxBaseline.to_string());
    }
    p.baseline_samples = static_cast<size_t>(p.baseline.count() / kSampleInterval.count());
    Duration min_history = get_duration(kMinHistory);
    if (min_history > p.baseline) fail(kMinHistory, "must not exceed baseline");
    // Part of a second of history still takes a whole sample.
    p.min_history_samples = static_cast<size_t>(
        (min_history.count() + kSampleInterval.count() - 1) / kSampleInterval.count());
    p.full_multiple = get_number(kFullMultiple);
    if (!(p.full_multiple > p.multiple)) fail(kFullMultiple, "must be more than multiple");
    p.full_duration = get_duration(kFullDuration);
    if (!(p.full_duration > p.min_duration)) fail(kFullDuration, "must be more than min_duration");
    p.fence_iqr = get_number(kFenceIqr);
    return p;
  }
};

/// What the top of the book shows at a moment: a spread, or why it shows none.
enum class TopKind : uint8_t {
  kSpread,
  kOneSided,  // a side is empty
  kCrossed,   // best bid above best ask
  kLocked,    // best bid equal to best ask
  kHalted,    // trading halted, paused, closed or quotation only
  kUnseen,    // an order the book never held showed a better price than the book's top
  kNoData,    // no book or quote yet
};
constexpr size_t kTopKinds = 7;
/// As metrics name them.
constexpr std::array<std::string_view, kTopKinds> kTopKindNames = {
    "spread", "one_sided", "crossed", "locked", "halted", "unseen_top", "no_data"};

constexpr size_t index_of(TopKind kind) {
  return static_cast<size_t>(kind);
}

/// The best bid and ask of the book or of a quote, either side possibly absent.
struct Quotes {
  Price bid, ask;
  bool has_bid = false;
  bool has_ask = false;

  bool operator==(const Quotes&) const = default;
};

Quotes quotes_of(const OrderBook& book) {
  Quotes q;
  q.has_bid = book.depth(Side::kBuy) > 0;
  q.has_ask = book.depth(Side::kSell) > 0;
  if (q.has_bid) q.bid = book.best_price(Side::kBuy);
  if (q.has_ask) q.ask = book.best_price(Side::kSell);
  return q;
}

/// A quote line: a side without a positive price and size is empty.
Quotes quotes_of_quote(const Event& e) {
  Quotes q;
  q.has_bid = e.price.is_positive() && e.qty.is_positive();
  q.has_ask = e.price2.is_positive() && e.qty2.is_positive();
  if (q.has_bid) q.bid = e.price;
  if (q.has_ask) q.ask = e.price2;
  return q;
}

TopKind kind_of(const Quotes& q) {
  if (!q.has_bid || !q.has_ask) return TopKind::kOneSided;
  if (q.bid > q.ask) return TopKind::kCrossed;
  if (q.bid == q.ask) return TopKind::kLocked;
  return TopKind::kSpread;
}

bool halts_trading(TradingStatus status) {
  return status == TradingStatus::kHalted || status == TradingStatus::kPaused ||
         status == TradingStatus::kClosed || status == TradingStatus::kQuotationOnly;
}

/// A spread (raw) in basis points of a mid price (in units).
double bps_of(double raw_spread, double mid) {
  return raw_spread / static_cast<double>(kFixedScale) / mid * 1e4;
}

/// The top in force: the quotes, and whether they give a spread.
struct Top {
  Quotes quotes;
  TopKind kind = TopKind::kNoData;

  bool operator==(const Top&) const = default;
  bool has_spread() const { return kind == TopKind::kSpread; }
  int64_t spread() const { return quotes.ask.raw() - quotes.bid.raw(); }
  // From the raw sum, divided once: 223.975 rather than 223.97500000000002.
  double mid() const {
    double raw_sum = static_cast<double>(quotes.bid.raw()) + static_cast<double>(quotes.ask.raw());
    return raw_sum / (2.0 * static_cast<double>(kFixedScale));
  }
  double bps() const { return bps_of(static_cast<double>(spread()), mid()); }
};

/// A message about an order the book never held, at a price better than the book's top on its
/// side, shows liquidity the book is missing: a depth-limited feed (LOBSTER level N) did not
/// show the order arrive, or it rested before the feed began. Until the book's top reaches
/// that price, or the other side's top reaches it (so the order must be gone), the book's
/// spread is wider than the market's and is not taken as a spread.
class UnseenTop {
 public:
  void note(const Event& e, const Quotes& book) {
    if (!e.price.is_positive()) return;
    if (e.side == Side::kBuy && (!book.has_bid || e.price > book.bid)) {
      bid_ = has_bid_ ? std::max(bid_, e.price) : e.price;
      has_bid_ = true;
    } else if (e.side == Side::kSell && (!book.has_ask || e.price < book.ask)) {
      ask_ = has_ask_ ? std::min(ask_, e.price) : e.price;
      has_ask_ = true;
    }
  }

  void settle(const Quotes& book) {
    if (has_bid_ && ((book.has_bid && book.bid >= bid_) || (book.has_ask && book.ask <= bid_))) {
      has_bid_ = false;
    }
    if (has_ask_ && ((book.has_ask && book.ask <= ask_) || (book.has_bid && book.bid >= ask_))) {
      has_ask_ = false;
    }
  }

  bool any() const { return has_bid_ || has_ask_; }

 private:
  Price bid_, ask_;
  bool has_bid_ = false;
  bool has_ask_ = false;
};

/// The top in force at each of the last `capacity` seconds, and the spreads among them counted
/// by value (a few ticks: a few dozen values for 1,800 seconds), for the median, which is worked
/// out again only when the baseline changes. The ring is reserved in full up front.
class SpreadBaseline {
 public:
  explicit SpreadBaseline(size_t capacity) : capacity_(capacity) { ring_.reserve(capacity); }

  size_t capacity() const { return capacity_; }
  /// Seconds with a spread.
  size_t valid() const { return spreads_.total(); }
  /// Seconds of each kind, spreads included.
  const std::array<int64_t, kTopKinds>& seconds() const { return seconds_; }

  /// The median spread (raw); only when valid() > 0.
  double median() const { return median_; }

  /// The top of the spreads' normal range (raw): the upper quartile plus `iqr_multiple`
  /// interquartile ranges; only when valid() > 0. Quartiles are robust to the wide seconds
  /// of an earlier episode, so one does not raise the range for the next as a high
  /// percentile would.
  double upper_fence(double iqr_multiple) const {
    const size_t last = spreads_.total() - 1;
    const auto q1 = static_cast<double>(spreads_.at_rank(last / 4));
    const auto q3 = static_cast<double>(spreads_.at_rank(last - last / 4));
    return q3 + iqr_multiple * (q3 - q1);
  }

  // A second in one word: its spread (raw, positive) when it had one, else minus the index of
  // its kind. Half the ring a struct took: the ring is read every second of every symbol,
  // mostly from beyond the caches.
  static_assert(index_of(TopKind::kSpread) == 0, "a sample of 0 or less is not a spread");
  static int64_t sample_of(const Top& top) {
    return top.has_spread() ? top.spread() : -static_cast<int64_t>(index_of(top.kind));
  }

  /// Takes the second's top, as sample_of gives it; false when it equals the one leaving, so
  /// that nothing changed.
  bool push(int64_t arriving) {
    if (ring_.size() < capacity_) {
      ++seconds_[kind_index(arriving)];
      ring_.push_back(arriving);
      if (arriving > 0) spreads_.add(arriving);
      update_median();
      return true;
    }
    int64_t& oldest = ring_[next_];
    next_ = next_ + 1 == capacity_ ? 0 : next_ + 1;
    if (oldest == arriving) return false;
    --seconds_[kind_index(oldest)];
    ++seconds_[kind_index(arriving)];
    if (oldest > 0) spreads_.remove(oldest);
    if (arriving > 0) spreads_.add(arriving);
    oldest = arriving;
    update_median();
    return true;
  }

 private:
  static size_t kind_index(int64_t sample) {
    return sample > 0 ? index_of(TopKind::kSpread) : static_cast<size_t>(-sample);
  }

  void update_median() {
    if (spreads_.total() > 0) median_ = spreads_.median();
  }

  size_t capacity_;
  std::vector<int64_t> ring_;  // samples (sample_of), oldest at next_ once full
  size_t next_ = 0;
  ValueCounts spreads_;  // the spreads among the samples
  double median_ = 0;    // of spreads_, when it holds any
  std::array<int64_t, kTopKinds> seconds_{};
};

/// An event named in evidence: an order event or a quote line, and the account behind it.
struct Cited {
  EventRef ref;
  std::string_view kind;  // "order" or "quote"; empty when nothing is cited
  AccountId account;

  bool empty() const { return kind.empty(); }
  /// Two events of one order are cited once, as evidence names orders by their id.
  bool same(const Cited& o) const {
    if (kind != o.kind) return false;
    if (ref.id.empty() || o.ref.id.empty()) return ref.id.empty() && o.ref.seq == ref.seq;
    return ref.id == o.ref.id;
  }
};

/// The last orders added on each side, in a fixed ring per side: older ones go unnamed.
class RecentOrders {
 public:
  /// An add, or a replace (whose new order is `ref`).
  void note(const Event& e, const OrderBook& book) {
    Entry entry{EventRef::of(e), e.account, e.price};
    Side side = e.side;
    if (e.kind == EventKind::kOrderReplace) {
      RestingOrder order;
      if (!book.find(e.ref, order)) return;
      entry = Entry{EventRef{e.ref, e.seq}, order.account, order.price};
      side = order.side;
    }
    if (entry.ref.id.empty() || (side != Side::kBuy && side != Side::kSell)) return;
    by_side_[side_index(side)].push(entry);
  }

  /// The account that added order `id`, when it is remembered and known.
  AccountId owner_of(const ExternalId& id) const {
    for (const RecentRing<Entry>& side : by_side_) {
      for (size_t i = 0; i < side.size(); ++i) {
        if (side[i].ref.id == id) return side[i].account;
      }
    }
    return AccountId{};
  }

  /// Up to `n` remembered orders still resting at the top of `side`, newest first.
  template <class Fn>
  void resting_at_top(const OrderBook& book, Side side, size_t n, Fn&& fn) const {
    if (book.depth(side) == 0) return;
    Price top = book.best_price(side);
    const RecentRing<Entry>& recent = by_side_[side_index(side)];
    for (size_t i = 0; i < recent.size() && n > 0; ++i) {
      const Entry& entry = recent.newest(i);
      RestingOrder order;
      if (entry.price != top || !book.find(entry.ref.id, order)) continue;
      if (order.side != side || order.price != top) continue;
      fn(Cited{entry.ref, "order", order.account});
      --n;
    }
  }

 private:
  struct Entry {
    EventRef ref;
    AccountId account;
    Price price;
  };
  static size_t side_index(Side side) { return side == Side::kBuy ? 0 : 1; }

  std::array<RecentRing<Entry>, 2> by_side_{RecentRing<Entry>(kRecentOrdersPerSide),
                                            RecentRing<Entry>(kRecentOrdersPerSide)};
};

/// Time-weighted sums over stretches of event time.
struct TimeWeighted {
  std::array<int64_t, kTopKinds> ns_by_kind{};
  double spread_ns = 0;  // raw spread x ns
  double bps_ns = 0;

  void add(const Top& top, int64_t ns) {
    ns_by_kind[index_of(top.kind)] += ns;
    if (!top.has_spread()) return;
    spread_ns += static_cast<double>(top.spread()) * static_cast<double>(ns);
    bps_ns += top.bps() * static_cast<double>(ns);
  }
  void merge(const TimeWeighted& o) {
    for (size_t i = 0; i < kTopKinds; ++i) ns_by_kind[i] += o.ns_by_kind[i];
    spread_ns += o.spread_ns;
    bps_ns += o.bps_ns;
  }
  double seconds(TopKind kind) const {
    return static_cast<double>(ns_by_kind[index_of(kind)]) / 1e9;
  }
  /// Mean spread (raw) over the time with a spread.
  double mean_spread() const { return spread_ns / std::max<double>(ns(), 1); }
  double mean_bps() const { return bps_ns / std::max<double>(ns(), 1); }

 private:
  double ns() const { return static_cast<double>(ns_by_kind[index_of(TopKind::kSpread)]); }
};

/// One wide spread from its start to its end, dips it came back from included.
struct Episode {
  Timestamp start;     // the spread became wide
  Timestamp wide_end;  // the last wide stretch ended (a dip began, or the input)
  double median = 0;   // the trailing median (raw) at the start
  double fence = 0;    // the top of the normal range (raw) at the start; 0 when not asked
  Top start_top;
  std::array<int64_t, kTopKinds> baseline_seconds{};  // the baseline at the start
  TimeWeighted wide;                                  // while the spread was wide
  TimeWeighted bridged;                               // the dips it came back from
  TimeWeighted dip;                                   // the dip in progress
  int64_t dips = 0;
  Top peak;
  Timestamp peak_at;
  std::array<Cited, 2 * kPeakOrdersPerSide> peak_orders{};
  size_t peak_order_count = 0;
  Cited opener;
  Cited closer;
};

/// A mean or median price difference (raw) to four significant digits, for a sentence.
std::string price_text(double raw) {
  return format_number(std::stod(fmt::format("{:.4g}", raw / static_cast<double>(kFixedScale))));
}

/// The spread of one symbol against its own trailing median.
class Tracker {
 public:
  using Params = tw::Params;
  static constexpr std::string_view kRule = "excessive_spread";

  Tracker(const SymbolScope& scope, const Params& p)
      : scope_(scope), p_(p), baseline_(p.baseline_samples) {}

  [[gnu::always_inline]] void on_event(const Event& e) {
    pass_time_to(e.ts);
    if (e.is_order_event()) {
      if (!read_book(e)) return;
    } else if (e.kind == EventKind::kQuote) {
      if (scope_.book() != nullptr) return;  // the symbol's full book is what counts
      quotes_ = quotes_of_quote(e);
    } else if (e.kind == EventKind::kStatus) {
      halted_ = halts_trading(e.status);
    } else {
      return;
    }
    Top now = current_top();
    if (now != top_) change_top(e.ts, now, cite(e));
  }

  void advance_to(Timestamp watermark) { pass_time_to(watermark); }

  void finish() {
    account_until(now_);
    if (phase_ == Phase::kWide && now_ - episode_.start >= p_.min_duration) {
      episode_.wide_end = now_;
      emit("input_end");
    } else if (phase_ == Phase::kDip) {
      emit("narrowed");
    }
    phase_ = Phase::kCalm;
  }

 private:
  enum class Phase : uint8_t { kCalm, kWide, kDip };

  // --- The top in force --------------------------------------------------------------------

  /// The book after an order event: whether the top may have changed. False when the rule
  /// runs without the engine's books.
  bool read_book(const Event& e) {
    const OrderBook* book = scope_.book();
    if (book == nullptr) return false;
    if (e.kind == EventKind::kOrderAdd || e.kind == EventKind::kOrderReplace) {
      recent_.note(e, *book);
    }
    const Quotes now = quotes_of(*book);
    const bool unknown = book->last_event_unknown();
    // Most messages leave the best prices as they were: an order the book knew then changes
    // nothing, as the unseen prices were settled against these quotes already.
    if (now == quotes_ && !unknown) return false;
    quotes_ = now;
    if (unknown) unseen_.note(e, quotes_);
    unseen_.settle(quotes_);
    return true;
  }

  Top current_top() const {
    if (halted_) return Top{quotes_, TopKind::kHalted};
    if (unseen_.any()) return Top{quotes_, TopKind::kUnseen};
    return Top{quotes_, kind_of(quotes_)};
  }

  Cited cite(const Event& e) const {
    if (e.kind == EventKind::kQuote || e.kind == EventKind::kStatus) {
      return Cited{EventRef::of(e), e.kind == EventKind::kQuote ? "quote" : "status", {}};
    }
    return Cited{EventRef::of(e), "order", e.account};
  }

  /// `c` with the owner of its order when the event did not name it (a cancel, an execution):
  /// looked up only for the events an episode cites, not for every change of the top.
  Cited with_owner(Cited c) const {
    if (!c.account && c.kind == "order") c.account = recent_.owner_of(c.ref.id);
    return c;
  }

  void change_top(Timestamp t, const Top& now, const Cited& by) {
    account_until(t);
    top_ = now;
    top_sample_ = SpreadBaseline::sample_of(now);
    top_set_by_ = by;
    judge(t, &by);
  }

  bool is_wide(const Top& top) const {
    if (!top.has_spread() || baseline_.valid() < p_.min_history_samples) return false;
    return static_cast<double>(top.spread()) >= p_.multiple * baseline_.median() &&
           top.bps() >= p_.min_spread_bps;
  }

  // --- Event time ----------------------------------------------------------------------------

  void pass_time_to(Timestamp t) {
    if (next_sample_ <= t) take_samples_to(t);
    end_dip_if_over(t);
    now_ = std::max(now_, t);
  }

  // Samples every whole second up to `t` with the top in force before it. After a gap longer
  // than the baseline every sample is the same top, so the baseline and the judgement no
  // longer change and the rest of the gap is skipped. The first event only sets the clock.
  void take_samples_to(Timestamp t) {
    if (next_sample_ == Timestamp::min()) {
      next_sample_ = t.floor_to(kSampleInterval) + kSampleInterval;
      return;
    }
    const size_t most = baseline_.capacity() + 1;
    for (size_t taken = 0; next_sample_ <= t; ++taken) {
      if (taken == most) {
        next_sample_ = t.floor_to(kSampleInterval) + kSampleInterval;
        break;
      }
      take_sample(next_sample_);
      next_sample_ = next_sample_ + kSampleInterval;
    }
  }

  void take_sample(Timestamp at) {
    end_dip_if_over(at);
    account_until(at);
    // The median moved, the top did not; a baseline that did not change changes no judgement
    // (after each judge the phase is wide exactly when the top is, and peaks are noted).
    if (baseline_.push(top_sample_)) judge(at, nullptr);
  }

  /// Adds the stretch since the last change to the episode, as wide time or as a dip.
  void account_until(Timestamp t) {
    int64_t ns = (t - segment_start_).count();
    segment_start_ = t;
    if (ns <= 0 || phase_ == Phase::kCalm) return;
    (phase_ == Phase::kWide ? episode_.wide : episode_.dip).add(top_, ns);
  }

  // --- Episodes ------------------------------------------------------------------------------

  /// Whether an episode has held its first stretch for min_duration (or come back from a
  /// dip): from then on the multiple of the median alone keeps it open.
  bool established(Timestamp t) const {
    if (phase_ == Phase::kDip) return true;
    return phase_ == Phase::kWide && (episode_.dips > 0 || t - episode_.start >= p_.min_duration);
  }

  /// Above the top of the spread's normal range, which opening an episode also asks.
  bool beyond_normal_range(const Top& top) const {
    return p_.fence_iqr <= 0 || baseline_.valid() == 0 ||
           static_cast<double>(top.spread()) > baseline_.upper_fence(p_.fence_iqr);
  }

  /// The top or the median changed at `t`, by event `by` (null for the median).
  void judge(Timestamp t, const Cited* by) {
    bool wide = is_wide(top_) && (established(t) || beyond_normal_range(top_));
    if (phase_ == Phase::kCalm && wide) return open_episode(t);
    if (phase_ == Phase::kWide && !wide) return end_wide_stretch(t, by);
    if (phase_ == Phase::kDip && wide) return resume(t);
    if (phase_ == Phase::kWide && top_.spread() > episode_.peak.spread()) note_peak(t);
  }

  void open_episode(Timestamp t) {
    episode_ = Episode{};
    episode_.start = t;
    episode_.median = baseline_.median();
    if (p_.fence_iqr > 0 && baseline_.valid() > 0) {
      episode_.fence = baseline_.upper_fence(p_.fence_iqr);
    }
    episode_.start_top = top_;
    episode_.baseline_seconds = baseline_.seconds();
    episode_.opener = with_owner(top_set_by_);
    phase_ = Phase::kWide;
    note_peak(t);
  }

  // The first stretch must last min_duration; later ones only continue the episode.
  void end_wide_stretch(Timestamp t, const Cited* by) {
    if (episode_.dips == 0 && t - episode_.start < p_.min_duration) {
      phase_ = Phase::kCalm;
      return;
    }
    phase_ = Phase::kDip;
    episode_.wide_end = t;
    episode_.dip = TimeWeighted{};
    episode_.closer = by != nullptr ? with_owner(*by) : Cited{};
  }

  void resume(Timestamp t) {
    episode_.bridged.merge(episode_.dip);
    ++episode_.dips;
    episode_.closer = Cited{};
    phase_ = Phase::kWide;
    if (top_.spread() > episode_.peak.spread()) note_peak(t);
  }

  void end_dip_if_over(Timestamp t) {
    if (phase_ != Phase::kDip || t < episode_.wide_end + p_.max_dip) return;
    emit("narrowed");
    phase_ = Phase::kCalm;
  }

  /// The widest moment so far, and who rests at the top then (the quote line, for quotes).
  void note_peak(Timestamp t) {
    episode_.peak = top_;
    episode_.peak_at = t;
    episode_.peak_order_count = 0;
    const OrderBook* book = scope_.book();
    if (book == nullptr) {
      episode_.peak_orders[episode_.peak_order_count++] = top_set_by_;
      return;
    }
    for (Side side : {Side::kBuy, Side::kSell}) {
      recent_.resting_at_top(*book, side, kPeakOrdersPerSide, [&](const Cited& order) {
        episode_.peak_orders[episode_.peak_order_count++] = order;
      });
    }
  }

  // --- Alerts --------------------------------------------------------------------------------

  double score(double mean_multiple, Duration duration) const {
    double by_multiple = score_between(mean_multiple, p_.multiple, p_.full_multiple);
    double by_duration = score_between(duration.to_seconds(), p_.min_duration.to_seconds(),
                                       p_.full_duration.to_seconds());
    return (by_multiple + by_duration) / 2;
  }

  void emit(std::string_view ended_by) {
    const Episode& ep = episode_;
    Duration duration = ep.wide_end - ep.start;
    double mean_multiple = ep.wide.mean_spread() / ep.median;
    Alert alert = scope_.new_alert(ep.start, ep.wide_end, "spread", score(mean_multiple, duration));
    alert.metrics_json = metrics(ep, mean_multiple, duration, ended_by);
    alert.why = why(ep, mean_multiple, duration);
    add_evidence(ep, alert);
    scope_.sink->emit(std::move(alert));
  }

  std::string metrics(const Episode& ep, double mean_multiple, Duration duration,
                      std::string_view ended_by) const {
    JsonObjectWriter json;
    json.raw("peak_spread", Price::from_raw(ep.peak.spread()).to_string())
        .field("peak_spread_bps", ep.peak.bps())
        .field("peak_multiple", static_cast<double>(ep.peak.spread()) / ep.median)
        .field("peak_time", ep.peak_at.to_iso8601())
        .raw("peak_bid", ep.peak.quotes.bid.to_string())
        .raw("peak_ask", ep.peak.quotes.ask.to_string())
        .field("mean_spread", ep.wide.mean_spread() / static_cast<double>(kFixedScale))
        .field("mean_spread_bps", ep.wide.mean_bps())
        .field("median_spread", ep.median / static_cast<double>(kFixedScale))
        .field("median_spread_bps", bps_of(ep.median, ep.start_top.mid()))
        .field("normal_range_top", ep.fence / static_cast<double>(kFixedScale))
        .field("multiple", mean_multiple)
        .field("mid_price", ep.start_top.mid())
        .raw("start_bid", ep.start_top.quotes.bid.to_string())
        .raw("start_ask", ep.start_top.quotes.ask.to_string())
        .field("duration_s", duration.to_seconds())
        .field("wide_s", ep.wide.seconds(TopKind::kSpread))
        .field("dips", ep.dips);
    // Time without a spread inside the episode (in its dips), and in the baseline at its
    // start; no_data only precedes the symbol's first book or quote.
    const size_t no_data = index_of(TopKind::kNoData);
    for (size_t k = 0; k < no_data; ++k) {
      if (k == index_of(TopKind::kSpread)) continue;
      json.field("episode_" + std::string(kTopKindNames[k]) + "_s",
                 ep.bridged.seconds(static_cast<TopKind>(k)));
    }
    for (size_t k = 0; k < no_data; ++k) {
      json.field("baseline_" + std::string(kTopKindNames[k]) + "_s", ep.baseline_seconds[k]);
    }
    json.field("ended_by", ended_by);
    return std::move(json).finish();
  }

  std::string why(const Episode& ep, double mean_multiple, Duration duration) const {
    return fmt::format(
        "{}'s bid-ask spread was at least {}x its trailing {} median of {} ({} bps) for {} s of "
        "the {} s from {}: mean {} ({} bps, {}x), peak {} ({} bps) at {}, mid price {}.",
        scope_.name, format_number(p_.multiple), p_.baseline.to_string(), price_text(ep.median),
        format_rounded(bps_of(ep.median, ep.start_top.mid()), 1),
        format_rounded(ep.wide.seconds(TopKind::kSpread), 3),
        format_rounded(duration.to_seconds(), 3), ep.start.to_iso8601(),
        price_text(ep.wide.mean_spread()), format_rounded(ep.wide.mean_bps(), 1),
        format_rounded(mean_multiple, 2), Price::from_raw(ep.peak.spread()).to_string(),
        format_rounded(ep.peak.bps(), 1), ep.peak_at.to_iso8601(),
        format_number(ep.start_top.mid()));
  }

  // The event that opened the wide spread, the orders at the top at its widest, the event
  // that closed it; their owners, when known, are the alert's accounts.
  void add_evidence(const Episode& ep, Alert& alert) const {
    std::array<Cited, 2 * kPeakOrdersPerSide + 2> cited{};
    size_t n = 0;
    auto cite_once = [&](const Cited& c) {
      if (c.empty()) return;
      for (size_t i = 0; i < n; ++i) {
        if (cited[i].same(c)) return;
      }
      cited[n++] = c;
    };
    cite_once(ep.opener);
    for (size_t i = 0; i < ep.peak_order_count; ++i) cite_once(ep.peak_orders[i]);
    cite_once(ep.closer);
    for (size_t i = 0; i < n; ++i) {
      alert.add_evidence(cited[i].kind, cited[i].ref.text());
      add_account(cited[i].account, alert);
    }
  }

  void add_account(AccountId account, Alert& alert) const {
    if (!account || alert.accounts.size() >= kMaxAccounts) return;
    std::string name(scope_.account_name(account));
    if (std::find(alert.accounts.begin(), alert.accounts.end(), name) != alert.accounts.end()) {
      return;
    }
    alert.accounts.push_back(std::move(name));
  }

  SymbolScope scope_;
  Params p_;
  // The top in force and what it is read from.
  Quotes quotes_;
  bool halted_ = false;
  UnseenTop unseen_;
  RecentOrders recent_;
  Top top_;
  int64_t top_sample_ = SpreadBaseline::sample_of(Top{});  // top_ as the baseline takes it
  Cited top_set_by_;
  // Event time.
  Timestamp next_sample_ = Timestamp::min();  // min: before the symbol's first event
  Timestamp now_;
  Timestamp segment_start_;  // the top or the phase last changed
  SpreadBaseline baseline_;
  // The episode.
  Phase phase_ = Phase::kCalm;
  Episode episode_;
};

}  // namespace

RuleInfo excessive_spread_rule() {
  return {Tracker::kRule,
          "the bid-ask spread held at a multiple of its trailing median (and above a floor in "
          "bps of the mid) for a minimum time (one alert per episode)",
          "order book (order events) or top-of-book quotes", param_specs(),
          &make_symbol_rule<Tracker>};
}

}  // namespace tw
