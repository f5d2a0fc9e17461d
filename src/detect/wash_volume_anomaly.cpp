#include "detect/wash_volume_anomaly.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "detect/per_symbol.hpp"
#include "util/format.hpp"
#include "util/growable_ring.hpp"

namespace tw {
namespace {

constexpr std::string_view kRule = "wash.volume_anomaly";
/// Scales a median absolute deviation to a standard deviation for normal data.
constexpr double kMadToSigma = 1.4826;
/// Most steps a window or baseline may span (bounds memory per symbol).
constexpr int64_t kMaxSteps = 1'000'000;

struct Params {
  Duration step;
  int64_t window_steps = 0;
  int64_t baseline_steps = 0;
  int64_t min_baseline_steps = 0;
  double z_threshold = 0;
  double high_z = 0;
  double critical_z = 0;
  double deviation_floor = 0;
  int64_t min_window_trades = 0;

  static Params read(const ParamValues& v, std::string_view where) {
    auto fail = [&](const std::string& what) {
      throw ConfigError(std::string(where) + ": " + what);
    };
    Params p;
    p.step = v.duration("step");
    Duration window = v.duration("window");
    Duration baseline = v.duration("baseline");
    Duration min_baseline = v.duration("min_baseline");
    if (window.count() % p.step.count() != 0 || baseline.count() % p.step.count() != 0) {
      fail("window and baseline must be whole multiples of step");
    }
    p.window_steps = window.count() / p.step.count();
    p.baseline_steps = baseline.count() / p.step.count();
    // A partial step of minimum history still has to be waited for in full.
    p.min_baseline_steps = (min_baseline.count() + p.step.count() - 1) / p.step.count();
    if (p.window_steps > kMaxSteps || p.baseline_steps > kMaxSteps) {
      fail("window/step and baseline/step must be at most " + std::to_string(kMaxSteps));
    }
    if (min_baseline > baseline) fail("min_baseline must not exceed baseline");
    p.z_threshold = v.number("z_threshold");
    p.high_z = v.number("high_z");
    p.critical_z = v.number("critical_z");
    if (!(p.z_threshold <= p.high_z && p.high_z <= p.critical_z)) {
      fail("z_threshold <= high_z <= critical_z is required");
    }
    p.deviation_floor = v.number("deviation_floor");
    p.min_window_trades = v.integer("min_window_trades");
    return p;
  }
};

/// Volume traded in one step (raw fixed-point quantities) and by aggressor side.
struct Bucket {
  int64_t volume = 0;
  int64_t buy = 0;
  int64_t sell = 0;
  int64_t trades = 0;

  void add(const Bucket& o, int sign) {
    volume += sign * o.volume;
    buy += sign * o.buy;
    sell += sign * o.sell;
    trades += sign * o.trades;
  }
};

struct TradeRef {
  int64_t step = 0;
  ExternalId id;
  uint64_t seq = 0;
};

std::string trade_text(const TradeRef& t) {
  return t.id.empty() ? "line:" + std::to_string(t.seq) : t.id.to_string();
}

double to_units(int64_t raw) {
  return Quantity::from_raw(raw).to_double();
}
/// Statistics over raw quantities, in units.
double to_units(double raw) {
  return raw / static_cast<double>(kFixedScale);
}

/// The trailing window volumes of the baseline period, kept sorted for median and MAD.
class Baseline {
 public:
  explicit Baseline(int64_t capacity) : capacity_(static_cast<size_t>(capacity)) {
    sorted_.reserve(capacity_);
  }

  size_t size() const { return sorted_.size(); }
  bool full() const { return sorted_.size() == capacity_; }
  double mean() const { return sorted_.empty() ? 0 : sum_ / static_cast<double>(sorted_.size()); }

  void insert(int64_t v) {
    sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), v), v);
    sum_ += static_cast<double>(v);
  }

  /// Swaps one sample for another, moving only the elements between them.
  void replace(int64_t old_value, int64_t new_value) {
    if (old_value == new_value) return;
    sum_ += static_cast<double>(new_value) - static_cast<double>(old_value);
    auto at_old = std::lower_bound(sorted_.begin(), sorted_.end(), old_value);
    if (new_value > old_value) {
      auto at_new = std::lower_bound(at_old, sorted_.end(), new_value);
      std::copy(at_old + 1, at_new, at_old);
      *(at_new - 1) = new_value;
    } else {
      auto at_new = std::upper_bound(sorted_.begin(), at_old, new_value);
      std::copy_backward(at_new, at_old, at_old + 1);
      *at_new = new_value;
    }
  }

  double median() const {
    return middle([&](size_t i) { return static_cast<double>(sorted_[i]); });
  }

  /// Median absolute deviation from `center`: the middle of two sorted runs of deviations
  /// (below and above the center), found by binary search instead of a sort.
  double mad(double center) const {
    size_t split = static_cast<size_t>(
        std::lower_bound(sorted_.begin(), sorted_.end(), center,
                         [](int64_t x, double c) { return static_cast<double>(x) < c; }) -
        sorted_.begin());
    auto below = [&](size_t i) { return center - static_cast<double>(sorted_[split - 1 - i]); };
    auto above = [&](size_t i) { return static_cast<double>(sorted_[split + i]) - center; };
    size_t n_above = sorted_.size() - split;
    return middle([&](size_t k) { return kth_smallest(below, split, above, n_above, k); });
  }

 private:
  template <class At>
  double middle(At at) const {
    size_t n = sorted_.size();
    return n % 2 == 1 ? at(n / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
  }

  // The k-th (0-based) smallest of the union of two ascending sequences a and b.
  template <class A, class B>
  static double kth_smallest(A a, size_t na, B b, size_t nb, size_t k) {
    size_t need = k + 1;
    size_t lo = need > nb ? need - nb : 0;
    size_t hi = std::min(need, na);
    while (lo < hi) {  // how many of the smallest `need` come from a
      size_t i = lo + (hi - lo) / 2;
      if (a(i) < b(need - i - 1))
        lo = i + 1;
      else
        hi = i;
    }
    double result = -std::numeric_limits<double>::infinity();
    if (lo > 0) result = a(lo - 1);
    if (need - lo > 0) result = std::max(result, b(need - lo - 1));
    return result;
  }

  size_t capacity_;
  std::vector<int64_t> sorted_;
  double sum_ = 0;
};

/// Adjacent or overlapping flagged windows of one symbol, and their most extreme window.
struct Episode {
  bool open = false;
  int64_t first_step = 0;  // step of the first flagged window (its last bucket)
  int64_t last_step = 0;
  int64_t flagged_steps = 0;
  double peak_z = 0;
  int64_t peak_step = 0;
  Bucket peak;
  double peak_median = 0;
  double peak_deviation = 0;
  size_t peak_samples = 0;
  std::vector<TradeRef> peak_trades;  // first kMaxEvidenceIds trades of the peak window
};

struct SymbolState {
  Params p;
  std::string symbol;
  bool started = false;
  int64_t first_step = 0;        // the step of the symbol's first trade: history starts there
  int64_t step = 0;              // the open step: trades still arrive in it
  std::vector<Bucket> buckets;   // the window's steps, slot = step mod window_steps
  Bucket window;                 // sum of `buckets`
  std::vector<int64_t> recent;   // volumes of windows still overlapping the current one
  std::vector<int64_t> history;  // baseline samples in step order, slot = step mod baseline_steps
  Baseline baseline;
  GrowableRing<TradeRef> trades;  // the trades of the window, for evidence
  Episode episode;

  SymbolState(const Params& params, std::string_view name)
      : p(params),
        symbol(name),
        buckets(static_cast<size_t>(p.window_steps)),
        recent(static_cast<size_t>(p.window_steps)),
        history(static_cast<size_t>(p.baseline_steps)),
        baseline(p.baseline_steps) {
    episode.peak_trades.reserve(kMaxEvidenceIds);
  }
};

size_t slot(int64_t step, int64_t size) {
  return static_cast<size_t>(((step % size) + size) % size);
}

class WashVolumeAnomaly final : public Detector {
 public:
  explicit WashVolumeAnomaly(const DetectorContext& ctx) : ctx_(ctx) {
    Params::read(ctx.config.values, kRule);
    for (const auto& [symbol, values] : ctx.config.per_symbol) {
      Params::read(values, std::string(kRule) + ".symbols." + symbol);
    }
  }

  void on_event(const Event& e) override {
    if (!e.is_trade()) return;
    SymbolState& st = states_.get(e.symbol, [&](SymbolId id) {
      std::string_view name = ctx_.universe.symbol_name(id);
      return SymbolState(Params::read(ctx_.config.for_symbol(name), kRule), name);
    });
    int64_t step = e.ts.floor_to(st.p.step).nanos() / st.p.step.count();
    if (!st.started) {
      st.started = true;
      st.first_step = st.step = step;
    }
    // A trade behind a step already closed (only if a watermark was wrong) joins the open step.
    close_steps_before(st, step);
    Bucket trade{e.qty.raw(), e.side == Side::kBuy ? e.qty.raw() : 0,
                 e.side == Side::kSell ? e.qty.raw() : 0, 1};
    st.buckets[slot(st.step, st.p.window_steps)].add(trade, 1);
    st.window.add(trade, 1);
    st.trades.push_back(TradeRef{st.step, e.id, e.seq});
  }

  void advance_to(Timestamp watermark) override {
    states_.for_each([&](SymbolId, SymbolState& st) {
      if (st.started)
        close_steps_before(st, watermark.floor_to(st.p.step).nanos() / st.p.step.count());
    });
  }

  void finish() override {
    states_.for_each([&](SymbolId, SymbolState& st) {
      if (!st.started) return;
      close_steps_before(st, st.step + 1);  // the input ended: the open step is complete
      if (st.episode.open) emit(st);
    });
  }

 private:
  void close_steps_before(SymbolState& st, int64_t step) {
    while (st.step < step) close_step(st);
  }

  // The open step is complete: feed the baseline, judge the window ending here, slide on.
  void close_step(SymbolState& st) {
    const Params& p = st.p;
    int64_t k = st.step;
    int64_t& pending = st.recent[slot(k, p.window_steps)];
    // The window ending at k - window_steps is the newest that no longer overlaps this one;
    // windows reaching back before the first trade are incomplete and never become samples.
    int64_t sample_step = k - p.window_steps;
    if (sample_step >= st.first_step + p.window_steps - 1) {
      int64_t& oldest = st.history[slot(sample_step, p.baseline_steps)];
      if (st.baseline.full())
        st.baseline.replace(oldest, pending);
      else
        st.baseline.insert(pending);
      oldest = pending;
    }
    pending = st.window.volume;
    judge(st, k);

    ++st.step;
    Bucket& leaving = st.buckets[slot(st.step, p.window_steps)];
    st.window.add(leaving, -1);
    leaving = Bucket{};
    int64_t window_first = st.step - p.window_steps + 1;
    while (!st.trades.empty() && st.trades.front().step < window_first) st.trades.pop_front();
  }

  void judge(SymbolState& st, int64_t k) {
    const Params& p = st.p;
    Episode& ep = st.episode;
    // Windows that do not touch the episode's last flagged one start a new episode.
    if (ep.open && k > ep.last_step + p.window_steps) emit(st);
    if (st.window.trades < p.min_window_trades ||
        static_cast<int64_t>(st.baseline.size()) < p.min_baseline_steps) {
      return;
    }
    double mean = st.baseline.mean();
    if (mean <= 0) return;  // no trade in the whole baseline: there is no scale to compare to
    double volume = static_cast<double>(st.window.volume);
    double median = st.baseline.median();
    // The mean only stands in when most windows are empty (median 0): it is not robust.
    double floor = p.deviation_floor * (median > 0 ? median : mean);
    // The floor bounds the deviation from below, so this skips the MAD for ordinary windows.
    if (volume - median < p.z_threshold * floor) return;
    double deviation = std::max(kMadToSigma * st.baseline.mad(median), floor);
    double z = (volume - median) / deviation;
    if (z < p.z_threshold) return;
    if (!ep.open) {
      ep.open = true;
      ep.first_step = k;
      ep.flagged_steps = 0;
      ep.peak_z = -1;
    }
    ep.last_step = k;
    ++ep.flagged_steps;
    if (z > ep.peak_z) record_peak(st, k, z, median, deviation);
  }

  static void record_peak(SymbolState& st, int64_t k, double z, double median, double deviation) {
    Episode& ep = st.episode;
    ep.peak_z = z;
    ep.peak_step = k;
    ep.peak = st.window;
    ep.peak_median = median;
    ep.peak_deviation = deviation;
    ep.peak_samples = st.baseline.size();
    ep.peak_trades.clear();
    for (uint64_t i = st.trades.begin_index();
         i != st.trades.end_index() && ep.peak_trades.size() < kMaxEvidenceIds; ++i) {
      ep.peak_trades.push_back(st.trades.at(i));
    }
  }

  Severity severity_of(const Params& p, double z) const {
    if (z >= p.critical_z) return Severity::kCritical;
    if (z >= p.high_z) return Severity::kHigh;
    return Severity::kMedium;
  }

  void emit(SymbolState& st) {
    const Params& p = st.p;
    Episode& ep = st.episode;
    ep.open = false;
    Timestamp start = Timestamp::from_nanos((ep.first_step - p.window_steps + 1) * p.step.count());
    Timestamp end = Timestamp::from_nanos((ep.last_step + 1) * p.step.count());
    Timestamp peak_end = Timestamp::from_nanos((ep.peak_step + 1) * p.step.count());
    Duration window = p.step * p.window_steps;
    Alert a;
    a.rule = std::string(kRule);
    a.symbol = st.symbol;
    a.start = start;
    a.end = end;
    a.id = make_alert_id(kRule, st.symbol, start, end,
                         st.symbol + "|" + std::to_string(start.nanos()));
    a.severity = severity_of(p, ep.peak_z);
    a.score =
        p.critical_z > p.z_threshold
            ? std::clamp(50 + 50 * (ep.peak_z - p.z_threshold) / (p.critical_z - p.z_threshold),
                         0.0, 100.0)
            : 100;
    JsonObjectWriter metrics;
    metrics.field("peak_z", ep.peak_z)
        .field("window_volume", to_units(ep.peak.volume))
        .field("baseline_median", to_units(ep.peak_median))
        .field("baseline_deviation", to_units(ep.peak_deviation))
        .field("baseline_samples", static_cast<int64_t>(ep.peak_samples))
        .field("trade_count", ep.peak.trades)
        .field("buy_volume", to_units(ep.peak.buy))
        .field("sell_volume", to_units(ep.peak.sell))
        .field("flagged_windows", ep.flagged_steps)
        .field("peak_window_start", (peak_end - window).to_iso8601())
        .field("peak_window_end", peak_end.to_iso8601())
        .field("duration_s", (end - start).to_seconds());
    a.metrics_json = std::move(metrics).finish();
    a.why = fmt::format(
        "{} traded {} in the {} window ending {} ({} trades), {} robust deviations above its "
        "trailing {} median of {} (deviation {}); the episode lasted {} s.",
        st.symbol, format_number(to_units(ep.peak.volume)), window.to_string(),
        peak_end.to_iso8601(), ep.peak.trades, format_number(std::round(ep.peak_z * 100) / 100),
        (p.step * p.baseline_steps).to_string(), format_number(to_units(ep.peak_median)),
        format_number(std::round(to_units(ep.peak_deviation) * 1e4) / 1e4),
        format_number((end - start).to_seconds()));
    for (const TradeRef& t : ep.peak_trades) a.add_evidence("trade", trade_text(t));
    a.evidence_total = static_cast<uint64_t>(ep.peak.trades);
    ctx_.sink.emit(std::move(a));
  }

  DetectorContext ctx_;
  PerSymbol<SymbolState> states_;
};

}  // namespace

RuleInfo wash_volume_anomaly_rule() {
  return RuleInfo{
      kRule,
      "A symbol's traded volume over a rolling window far above its own trailing baseline "
      "(robust z-score: median and MAD of past window volumes)",
      "trades",
      {
          {"window", ParamType::kDuration, "1m", "Width of the rolling volume window"},
          {"step", ParamType::kDuration, "1s",
           "How often the window is judged; window and baseline must be multiples of it"},
          {"baseline", ParamType::kDuration, "1h",
           "Trailing period whose window volumes (ending before the current window starts) "
           "form the baseline"},
          {"min_baseline", ParamType::kDuration, "30m",
           "History of complete windows needed before anything can fire"},
          {"z_threshold", ParamType::kNumber, "3",
           "Robust z from which a window is flagged (severity MEDIUM)", 0},
          {"high_z", ParamType::kNumber, "4", "Peak z from which an episode is HIGH", 0},
          {"critical_z", ParamType::kNumber, "5", "Peak z from which an episode is CRITICAL", 0},
          {"deviation_floor", ParamType::kNumber, "0.1",
           "Least deviation, as a fraction of the baseline median (of the mean when the median "
           "is 0), so a flat market does not give an infinite z",
           0},
          {"min_window_trades", ParamType::kInteger, "3",
           "Trades a window needs to be flagged (one large print is not a volume anomaly)", 1},
      },
      [](const DetectorContext& ctx) -> std::unique_ptr<Detector> {
        return std::make_unique<WashVolumeAnomaly>(ctx);
      },
  };
}

}  // namespace tw
