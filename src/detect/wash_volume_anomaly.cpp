#include "detect/wash_volume_anomaly.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "detect/per_symbol.hpp"
#include "util/format.hpp"

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

  Bucket& operator+=(const Bucket& o) {
    volume += o.volume;
    buy += o.buy;
    sell += o.sell;
    trades += o.trades;
    return *this;
  }
  Bucket& operator-=(const Bucket& o) {
    volume -= o.volume;
    buy -= o.buy;
    sell -= o.sell;
    trades -= o.trades;
    return *this;
  }
};

struct TradeRef {
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

/// Counts of samples per logarithmic value bucket (32 per power of two, so a bucket spans at
/// most 1/32 of its lower bound), tracking which bucket holds the lower median. It answers
/// "the median is at least x" in O(1) per sample, without keeping the samples in order.
class MedianHistogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr int64_t kSub = int64_t{1} << kSubBits;
  static constexpr size_t kNegative = 0;  // every negative value: no useful bound
  static constexpr size_t kZero = 1;
  static constexpr size_t kBuckets = 2 + kSub + (62 - kSubBits + 1) * kSub;

  MedianHistogram() : counts_(kBuckets), occupied_((kBuckets + 63) / 64) {}

  void add(int64_t v) {
    size_t b = bucket_of(v);
    if (counts_[b]++ == 0) occupied_[b / 64] |= uint64_t{1} << (b % 64);
    ++size_;
    if (b < lower_) ++below_;
    settle();
  }

  void replace(int64_t old_value, int64_t new_value) {
    size_t out = bucket_of(old_value);
    size_t in = bucket_of(new_value);
    if (out == in) return;
    if (--counts_[out] == 0) occupied_[out / 64] &= ~(uint64_t{1} << (out % 64));
    if (counts_[in]++ == 0) occupied_[in / 64] |= uint64_t{1} << (in % 64);
    below_ = below_ + (in < lower_) - (out < lower_);
    settle();
  }

  /// A value the median is not below (-infinity when a negative sample may be the median).
  double median_at_least() const {
    size_t upper = upper_median_bucket();
    return (kLowerBounds[lower_] + kLowerBounds[upper]) / 2;
  }

  /// True when both middle samples are 0, so the median is exactly 0.
  bool median_is_zero() const { return lower_ == kZero && upper_median_bucket() == kZero; }
  bool all_zero() const { return counts_[kZero] == size_; }

 private:
  static size_t bucket_of(int64_t v) {
    if (v < 0) return kNegative;
    if (v < kSub) return kZero + static_cast<size_t>(v);
    int shift = std::bit_width(static_cast<uint64_t>(v)) - 1 - kSubBits;
    return kZero + static_cast<size_t>(kSub + shift * kSub + ((v >> shift) & (kSub - 1)));
  }

  static constexpr double lower_bound_of(size_t b) {
    if (b == kNegative) return -std::numeric_limits<double>::infinity();
    size_t i = b - kZero;
    if (i < static_cast<size_t>(kSub)) return static_cast<double>(i);
    int shift = static_cast<int>((i - static_cast<size_t>(kSub)) / kSub);
    return static_cast<double>((kSub + static_cast<int64_t>(i % kSub)) << shift);
  }
  // Looked up every step: a table instead of the arithmetic.
  static const std::array<double, kBuckets> kLowerBounds;

  size_t lower_rank() const { return (size_ - 1) / 2; }

  size_t upper_median_bucket() const {
    bool same = size_ % 2 == 1 || lower_rank() + 1 < below_ + counts_[lower_];
    return same ? lower_ : next_occupied_above(lower_);
  }

  // Moves `lower_` to the bucket holding rank (size - 1) / 2 (at most one sample changed).
  // Needs at least one sample.
  void settle() {
    while (lower_rank() < below_) {
      lower_ = next_occupied_below(lower_);
      below_ -= counts_[lower_];
    }
    while (lower_rank() >= below_ + counts_[lower_]) {
      below_ += counts_[lower_];
      lower_ = next_occupied_above(lower_);
    }
  }

  size_t next_occupied_above(size_t b) const {
    size_t word = (b + 1) / 64;
    uint64_t bits =
        (b + 1) % 64 == 0 ? occupied_[word] : occupied_[word] >> ((b + 1) % 64) << ((b + 1) % 64);
    while (bits == 0) bits = occupied_[++word];
    return word * 64 + static_cast<size_t>(std::countr_zero(bits));
  }

  size_t next_occupied_below(size_t b) const {
    size_t word = (b - 1) / 64;
    uint64_t bits = occupied_[word] & (~uint64_t{0} >> (63 - (b - 1) % 64));
    while (bits == 0) bits = occupied_[--word];
    return word * 64 + 63 - static_cast<size_t>(std::countl_zero(bits));
  }

  std::vector<uint32_t> counts_;
  std::vector<uint64_t> occupied_;  // bit b: counts_[b] > 0, to step over empty buckets
  size_t size_ = 0;
  size_t lower_ = 0;  // the bucket holding the lower median (rank (size - 1) / 2)
  size_t below_ = 0;  // samples in buckets below `lower_`
};

constexpr std::array<double, MedianHistogram::kBuckets> MedianHistogram::kLowerBounds = [] {
  std::array<double, kBuckets> bounds{};
  for (size_t b = 0; b < kBuckets; ++b) bounds[b] = lower_bound_of(b);
  return bounds;
}();

/// The trailing window volumes of the baseline period. Each step adds a sample (replacing the
/// oldest once full) in O(1): the histogram keeps a bound on the median for every step, and
/// the sorted copy that gives the exact median and MAD is brought up to date only for the rare
/// windows the bound cannot clear.
class Baseline {
 public:
  explicit Baseline(int64_t capacity) : capacity_(static_cast<size_t>(capacity)) {
    samples_.reserve(capacity_);
    sorted_.reserve(capacity_);
    merged_.reserve(capacity_);
    added_.reserve(capacity_);
    removed_.reserve(capacity_);
  }

  size_t size() const { return samples_.size(); }
  double mean() const { return samples_.empty() ? 0 : sum_ / static_cast<double>(size()); }
  /// A value the median is not below, known without sorting.
  double median_at_least() const { return histogram_.median_at_least(); }
  bool all_zero() const { return histogram_.all_zero(); }

  void push(int64_t v) {
    if (samples_.size() < capacity_) {
      samples_.push_back(v);
      sum_ += static_cast<double>(v);
      histogram_.add(v);
      note_change(v, std::nullopt);
      return;
    }
    int64_t& oldest = samples_[next_];
    next_ = next_ + 1 == capacity_ ? 0 : next_ + 1;
    if (oldest == v) {
      note_change(std::nullopt, std::nullopt);
      return;
    }
    sum_ += static_cast<double>(v) - static_cast<double>(oldest);
    histogram_.replace(oldest, v);
    note_change(v, oldest);
    oldest = v;
  }

  double median() {
    if (histogram_.median_is_zero()) return 0;
    catch_up();
    return middle([&](size_t i) { return static_cast<double>(sorted_[i]); });
  }

  /// Median absolute deviation from `center`: the middle of two sorted runs of deviations
  /// (below and above the center), found by binary search instead of a sort.
  double mad(double center) {
    catch_up();
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
  // Below this many pending changes, moving elements one change at a time beats a merge.
  static constexpr size_t kMergeFrom = 32;

  // A push removes the sample pushed `capacity_` pushes before it: while fewer pushes are
  // pending, every removed sample is one the sorted copy holds.
  void note_change(std::optional<int64_t> added, std::optional<int64_t> removed) {
    if (rebuild_) return;
    if (++pending_pushes_ == capacity_) {
      rebuild_ = true;
      added_.clear();
      removed_.clear();
      return;
    }
    if (added) added_.push_back(*added);
    if (removed) removed_.push_back(*removed);
  }

  // Applies the changes since the last call to the sorted copy.
  void catch_up() {
    if (rebuild_) {
      sorted_ = samples_;
      std::sort(sorted_.begin(), sorted_.end());
      rebuild_ = false;
    } else if (added_.size() < kMergeFrom) {
      // Samples are inserted until the baseline is full, then replaced: inserts come first.
      size_t inserts = added_.size() - removed_.size();
      for (size_t i = 0; i < inserts; ++i) insert(added_[i]);
      for (size_t i = 0; i < removed_.size(); ++i) replace(removed_[i], added_[inserts + i]);
    } else {
      merge_pending();
    }
    added_.clear();
    removed_.clear();
    pending_pushes_ = 0;
  }

  void insert(int64_t v) { sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), v), v); }

  /// Swaps one sample for another, moving only the elements between them.
  void replace(int64_t old_value, int64_t new_value) {
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

  // sorted_ minus removed_ plus added_, in one pass over the sorted copy.
  void merge_pending() {
    std::sort(added_.begin(), added_.end());
    std::sort(removed_.begin(), removed_.end());
    merged_.clear();
    auto add = added_.begin();
    auto drop = removed_.begin();
    for (int64_t v : sorted_) {
      if (drop != removed_.end() && *drop == v) {
        ++drop;
        continue;
      }
      for (; add != added_.end() && *add <= v; ++add) merged_.push_back(*add);
      merged_.push_back(v);
    }
    merged_.insert(merged_.end(), add, added_.end());
    sorted_.swap(merged_);
  }

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
  std::vector<int64_t> samples_;  // in arrival order from `next_` once full
  size_t next_ = 0;               // the oldest sample, replaced by the next push
  double sum_ = 0;
  MedianHistogram histogram_;
  std::vector<int64_t> sorted_;   // the samples as of the last catch_up
  std::vector<int64_t> added_;    // samples pushed since then
  std::vector<int64_t> removed_;  // samples replaced since then
  std::vector<int64_t> merged_;   // scratch for merge_pending
  size_t pending_pushes_ = 0;
  bool rebuild_ = false;  // too many pushes were pending: sort the samples again
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

/// The first trades of each step of the window, oldest first: a FIFO ring whose capacity
/// doubles when full. Unlike GrowableRing, its push has no call inlined into it, so the
/// per-trade path that pushes needs no saved registers.
class EvidenceRing {
 public:
  EvidenceRing() : slots_(64), mask_(63) {}

  void push(const Event& e) {
    if (tail_ - head_ > mask_) grow();
    slots_[tail_++ & mask_] = TradeRef{e.id, e.seq};
  }
  void drop_oldest(int64_t n) { head_ += static_cast<uint64_t>(n); }

  /// The oldest `n` (or all, when fewer).
  void copy_oldest(size_t n, std::vector<TradeRef>& out) const {
    out.clear();
    for (uint64_t i = head_; i != tail_ && out.size() < n; ++i) out.push_back(slots_[i & mask_]);
  }

 private:
  [[gnu::noinline]] void grow() {
    std::vector<TradeRef> bigger(slots_.size() * 2);
    for (uint64_t i = head_; i != tail_; ++i) bigger[i & (bigger.size() - 1)] = slots_[i & mask_];
    slots_.swap(bigger);
    mask_ = slots_.size() - 1;
  }

  std::vector<TradeRef> slots_;
  uint64_t mask_;  // capacity - 1, the capacity being a power of two
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
};

/// How many of a step's trades the evidence ring holds (the first ones).
int64_t evidence_kept(const Bucket& step) {
  return std::min(step.trades, static_cast<int64_t>(kMaxEvidenceIds));
}

size_t slot(int64_t step, int64_t size) {
  return static_cast<size_t>(((step % size) + size) % size);
}

/// One step of the window: what traded in it, and the volume of the window that ended with it
/// (a baseline sample once the window no longer overlaps the current one).
struct StepSlot {
  Bucket bucket;
  int64_t window_volume = 0;
};

struct SymbolState {
  Params p;
  std::string symbol;
  bool started = false;
  int64_t first_step = 0;  // the step of the symbol's first trade: history starts there
  int64_t step = 0;        // the open step: trades still arrive in it
  int64_t step_end = std::numeric_limits<int64_t>::min();  // ns: trades before it join `open`
  Bucket open;                                             // trades of the open step
  std::vector<StepSlot> slots;  // the window's closed steps, oldest at `cursor`
  size_t cursor = 0;            // slot of the open step: step mod window_steps
  Bucket window;                // sum of the window's buckets, the open step included once closed
  int64_t quiet_steps = 0;      // consecutive closed steps without a trade
  Baseline baseline;
  EvidenceRing trades;  // the window's trades for evidence, at most kMaxEvidenceIds a step
  Episode episode;

  SymbolState(const Params& params, std::string_view name)
      : p(params),
        symbol(name),
        slots(static_cast<size_t>(p.window_steps)),
        baseline(p.baseline_steps) {
    episode.peak_trades.reserve(kMaxEvidenceIds);
  }

  int64_t step_of(Timestamp t) const { return t.floor_to(p.step).nanos() / p.step.count(); }
};

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
    SymbolState* known = e.symbol.value < by_symbol_.size() ? by_symbol_[e.symbol.value] : nullptr;
    // Only a trade past the open step pays for the division; a trade behind a step already
    // closed (only if a watermark was wrong) joins the open step.
    SymbolState& st =
        known != nullptr && e.ts.nanos() < known->step_end ? *known : enter_step(known, e);
    int64_t qty = e.qty.raw();
    st.open.volume += qty;
    // Multiplying by the side test keeps a coin-toss branch out of the per-trade path.
    st.open.buy += qty * (e.side == Side::kBuy);
    st.open.sell += qty * (e.side == Side::kSell);
    // Evidence lists the first trades of a window: later ones in a step are never shown.
    if (st.open.trades++ < static_cast<int64_t>(kMaxEvidenceIds)) {
      st.trades.push(e);
    }
  }

  void advance_to(Timestamp watermark) override {
    states_.for_each([&](SymbolId, SymbolState& st) {
      if (st.started) close_steps_before(st, st.step_of(watermark));
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
  // Out of line, so that the per-trade path keeps to a few registers and no calls: once per
  // step and symbol, it finds or creates the state and closes the steps the trade ends.
  [[gnu::noinline]] SymbolState& enter_step(SymbolState* known, const Event& e) {
    SymbolState& st = known != nullptr ? *known : add_symbol(e.symbol);
    int64_t step = st.step_of(e.ts);
    if (!st.started) {
      st.started = true;
      st.first_step = st.step = step;
      st.cursor = slot(step, st.p.window_steps);
    }
    close_steps_before(st, step);
    st.step_end = (st.step + 1) * st.p.step.count();
    return st;
  }

  SymbolState& add_symbol(SymbolId symbol) {
    SymbolState& st = states_.get(symbol, [&](SymbolId id) {
      std::string_view name = ctx_.universe.symbol_name(id);
      return SymbolState(Params::read(ctx_.config.for_symbol(name), kRule), name);
    });
    if (symbol.value >= by_symbol_.size()) by_symbol_.resize(symbol.value + 1);
    by_symbol_[symbol.value] = &st;
    return st;
  }

  void close_steps_before(SymbolState& st, int64_t step) {
    while (st.step < step) {
      if (nothing_can_change(st)) {
        skip_quiet_steps(st, step);
        return;
      }
      close_step(st);
    }
  }

  // The window and every sample still to enter the baseline are empty, the baseline holds
  // only empty windows and no episode is open: until the next trade, closing a step would
  // push another 0 into a full baseline of zeros and judge an empty window.
  static bool nothing_can_change(const SymbolState& st) {
    return st.open.trades == 0 && st.quiet_steps >= 2 * st.p.window_steps && !st.episode.open &&
           st.baseline.size() == static_cast<size_t>(st.p.baseline_steps) && st.baseline.all_zero();
  }

  static void skip_quiet_steps(SymbolState& st, int64_t step) {
    int64_t skipped = step - st.step;
    st.quiet_steps += skipped;
    st.cursor =
        static_cast<size_t>((static_cast<int64_t>(st.cursor) + skipped) % st.p.window_steps);
    st.step = step;
    st.step_end = (st.step + 1) * st.p.step.count();
  }

  // The open step is complete: feed the baseline, judge the window ending here, slide on.
  void close_step(SymbolState& st) {
    const Params& p = st.p;
    int64_t k = st.step;
    StepSlot& slot_k = st.slots[st.cursor];
    st.window += st.open;
    st.quiet_steps = st.open.trades == 0 ? st.quiet_steps + 1 : 0;
    // The slot holds the window ending at k - window_steps, the newest that no longer overlaps
    // this one; windows reaching back before the first trade are incomplete and never become
    // samples.
    if (k - p.window_steps >= st.first_step + p.window_steps - 1) {
      st.baseline.push(slot_k.window_volume);
    }
    slot_k.window_volume = st.window.volume;
    slot_k.bucket = st.open;
    st.open = Bucket{};
    judge(st, k);

    ++st.step;
    st.step_end += p.step.count();
    st.cursor = st.cursor + 1 == st.slots.size() ? 0 : st.cursor + 1;
    const Bucket& leaving = st.slots[st.cursor].bucket;
    st.window -= leaving;
    st.trades.drop_oldest(evidence_kept(leaving));
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
    if (clearly_ordinary(p, volume, st.baseline.median_at_least())) return;
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

  // True when even the smallest median the bound allows clears the window by a relative
  // margin far above rounding, so the exact test below would return too.
  static bool clearly_ordinary(const Params& p, double volume, double median_at_least) {
    constexpr double kMargin = 1e-9;
    return median_at_least > 0 &&
           volume - median_at_least <
               p.z_threshold * (p.deviation_floor * median_at_least) * (1 - kMargin) -
                   kMargin * volume;
  }

  static void record_peak(SymbolState& st, int64_t k, double z, double median, double deviation) {
    Episode& ep = st.episode;
    ep.peak_z = z;
    ep.peak_step = k;
    ep.peak = st.window;
    ep.peak_median = median;
    ep.peak_deviation = deviation;
    ep.peak_samples = st.baseline.size();
    st.trades.copy_oldest(kMaxEvidenceIds, ep.peak_trades);
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
  std::vector<SymbolState*> by_symbol_;  // the states_ entries, null until a symbol trades
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
