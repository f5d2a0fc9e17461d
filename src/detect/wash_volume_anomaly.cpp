#include "detect/wash_volume_anomaly.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "detect/per_symbol.hpp"
#include "util/format.hpp"
#include "util/sorted_values.hpp"

namespace tw {
namespace {

constexpr std::string_view kRule = "wash.volume_anomaly";
/// Scales a median absolute deviation to a standard deviation for normal data.
constexpr double kMadToSigma = 1.4826;
/// Most steps a window may span, and most windows a baseline may hold (bound memory).
constexpr int64_t kMaxSteps = 1'000'000;
constexpr int64_t kMaxSamples = 1'000'000;

struct Params {
  Duration step;
  int64_t window_steps = 0;
  int64_t baseline_samples = 0;      // aligned windows in the baseline
  int64_t min_baseline_samples = 0;  // aligned windows of history before anything can fire
  double z_threshold = 0;
  double high_z = 0;
  double critical_z = 0;
  double deviation_floor = 0;
  int64_t min_window_trades = 0;
  double pair_share = 0;  // 0: the volume alone decides, even when trades name their parties

  static Params read(const ParamValues& v, std::string_view where) {
    auto fail = [&](const std::string& what) {
      throw ConfigError(std::string(where) + ": " + what);
    };
    Params p;
    p.step = v.duration("step");
    Duration window = v.duration("window");
    Duration baseline = v.duration("baseline");
    Duration min_baseline = v.duration("min_baseline");
    if (window.count() % p.step.count() != 0) fail("window must be a whole multiple of step");
    if (baseline.count() % window.count() != 0) {
      fail("baseline must be a whole multiple of window");
    }
    p.window_steps = window.count() / p.step.count();
    p.baseline_samples = baseline.count() / window.count();
    // A partial window of minimum history still has to be waited for in full.
    p.min_baseline_samples = (min_baseline.count() + window.count() - 1) / window.count();
    if (p.window_steps > kMaxSteps) {
      fail("window/step must be at most " + std::to_string(kMaxSteps));
    }
    if (p.baseline_samples > kMaxSamples) {
      fail("baseline/window must be at most " + std::to_string(kMaxSamples));
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
    p.pair_share = v.number("pair_share");
    return p;
  }
};

/// Volume traded in one closed step (raw fixed-point quantities) and by aggressor side.
struct Bucket {
  int64_t volume = 0;
  int64_t trades = 0;
  int64_t buy = 0;
  int64_t sell = 0;
  int64_t party_volume = 0;  // of trades naming both buyer and seller
};

/// The step trades still arrive in. Volume is kept by side, indexed by the side itself, so a
/// trade costs one add and no branch; the total is summed once, when the step closes.
struct OpenStep {
  std::array<int64_t, 3> by_side{};  // Side::kUnknown, kBuy, kSell
  int64_t trades = 0;
  int64_t party_volume = 0;

  void add(const Event& e) { by_side[static_cast<size_t>(e.side)] += e.qty.raw(); }

  Bucket close() const {
    int64_t buy = by_side[static_cast<size_t>(Side::kBuy)];
    int64_t sell = by_side[static_cast<size_t>(Side::kSell)];
    return Bucket{by_side[static_cast<size_t>(Side::kUnknown)] + buy + sell, trades, buy, sell,
                  party_volume};
  }
};

/// What two beneficial owners traded with each other: both ways together, and net as the
/// first bought it. Wash volume is one owner on both sides, or two trading back and forth:
/// much volume, little net.
struct PairFlow {
  uint32_t low_owner = 0;  // the pair's owners, low <= high
  uint32_t high_owner = 0;
  AccountId low_account;  // an account of each owner, to name in an alert
  AccountId high_account;
  int64_t gross = 0;  // raw quantity
  int64_t net = 0;    // bought by the low owner from the high one, minus sold to it

  bool same_pair(const PairFlow& o) const {
    return low_owner == o.low_owner && high_owner == o.high_owner;
  }
  bool ranks_before(const PairFlow& o) const {
    return low_owner != o.low_owner ? low_owner < o.low_owner : high_owner < o.high_owner;
  }
  /// The volume that changed neither owner's position: all of it for an owner trading with
  /// itself, what came back for two.
  int64_t two_way() const { return low_owner == high_owner ? gross : gross - std::abs(net); }
};

/// The owner pairs of one step's trades, the kCapacity largest kept: a pair met when the
/// slots are full takes the smallest one's place when it is larger, and is dropped otherwise.
/// Dropping never adds volume to a pair, so the test can only miss wash volume, not make it.
class StepPairs {
 public:
  static constexpr size_t kCapacity = 8;

  void add(const Universe& universe, const Event& e) {
    PairFlow flow = flow_of(universe, e);
    for (size_t i = 0; i < count_; ++i) {
      if (flows_[i].same_pair(flow)) {
        flows_[i].gross += flow.gross;
        flows_[i].net += flow.net;
        return;
      }
    }
    if (count_ < kCapacity) {
      flows_[count_++] = flow;
      return;
    }
    PairFlow* smallest =
        std::min_element(flows_.begin(), flows_.end(),
                         [](const PairFlow& a, const PairFlow& b) { return a.gross < b.gross; });
    if (smallest->gross < flow.gross) *smallest = flow;
  }
  void clear() { count_ = 0; }
  std::span<const PairFlow> flows() const { return {flows_.data(), count_}; }

 private:
  static PairFlow flow_of(const Universe& universe, const Event& e) {
    uint32_t buyer = universe.owner_of(e.buyer).value;
    uint32_t seller = universe.owner_of(e.seller).value;
    const int64_t qty = e.qty.raw();
    if (buyer <= seller) return PairFlow{buyer, seller, e.buyer, e.seller, qty, qty};
    return PairFlow{seller, buyer, e.seller, e.buyer, qty, -qty};
  }

  std::array<PairFlow, kCapacity> flows_{};
  size_t count_ = 0;
};

/// The pair with the most two-way volume over `steps`, merged in `scratch` (its capacity
/// reserved once, so nothing allocates).
PairFlow top_pair(std::span<const StepPairs> steps, std::vector<PairFlow>& scratch) {
  scratch.clear();
  for (const StepPairs& step : steps) {
    for (const PairFlow& f : step.flows()) scratch.push_back(f);
  }
  std::sort(scratch.begin(), scratch.end(),
            [](const PairFlow& a, const PairFlow& b) { return a.ranks_before(b); });
  PairFlow best;
  for (size_t i = 0; i < scratch.size();) {
    PairFlow merged = scratch[i];
    for (++i; i < scratch.size() && scratch[i].same_pair(merged); ++i) {
      merged.gross += scratch[i].gross;
      merged.net += scratch[i].net;
    }
    if (merged.two_way() > best.two_way()) best = merged;
  }
  return best;
}

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

/// The baseline: the last `capacity` aligned window volumes, in arrival order and sorted. A
/// sample arrives once per window, so keeping the sorted copy by moving the few elements
/// between the leaving and the arriving value is cheap, and the median and MAD then need no
/// sort at all.
class Baseline {
 public:
  explicit Baseline(int64_t capacity) : capacity_(static_cast<size_t>(capacity)) {
    samples_.reserve(capacity_);
    sorted_.reserve(capacity_);
  }

  size_t size() const { return samples_.size(); }
  /// False when every sample is 0 (volumes are never negative): there is no scale.
  bool any_volume() const { return !sorted_.empty() && sorted_.back() > 0; }

  /// Adds a sample, replacing the oldest once full. Returns whether the samples changed.
  bool push(int64_t v) {
    if (samples_.size() < capacity_) {
      samples_.push_back(v);
      insert_sorted(sorted_, v);
      return true;
    }
    int64_t& oldest = samples_[next_];
    next_ = next_ + 1 == capacity_ ? 0 : next_ + 1;
    if (oldest == v) return false;
    replace_sorted(sorted_, oldest, v);
    oldest = v;
    return true;
  }

  /// `n` empty windows: past `capacity` more of them change nothing.
  bool push_zeros(int64_t n) {
    bool changed = false;
    for (int64_t i = 0; i < n && static_cast<size_t>(i) < capacity_; ++i) changed |= push(0);
    return changed;
  }

  double mean() const {
    double sum = 0;
    for (int64_t v : sorted_) sum += static_cast<double>(v);
    return sorted_.empty() ? 0 : sum / static_cast<double>(sorted_.size());
  }

  double median() const {
    return middle([&](size_t i) { return static_cast<double>(sorted_[i]); });
  }

  /// Median absolute deviation from `center`: the deviations of the samples below the center
  /// (read downwards) and above it (read upwards) are two ascending runs, whose middle a
  /// binary search finds without sorting.
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

  template <class At>
  double middle(At at) const {
    size_t n = sorted_.size();
    return n % 2 == 1 ? at(n / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
  }

  size_t capacity_;
  std::vector<int64_t> samples_;  // in arrival order from `next_` once full
  size_t next_ = 0;               // the oldest sample, replaced by the next push
  std::vector<int64_t> sorted_;   // the same samples, ascending
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
  PairFlow peak_pair;  // the peak window's pair with the most two-way volume (parties known)
  std::vector<TradeRef> peak_trades;  // first kMaxEvidenceIds trades of the peak window
};

/// The first trades of each step of the window, oldest first: a FIFO ring whose capacity
/// doubles when needed. A step adds at most kMaxEvidenceIds trades, so room for them is made
/// when a step opens and a trade's push needs no check (and the per-trade path no call).
class EvidenceRing {
 public:
  EvidenceRing() : slots_(std::bit_ceil(kMaxEvidenceIds)), mask_(slots_.size() - 1) {}

  /// Only after make_room_for_a_step, for at most kMaxEvidenceIds pushes.
  void push(const Event& e) {
    // Field by field: a TradeRef built first was written to the stack and copied from there.
    TradeRef& slot = slots_[tail_++ & mask_];
    slot.id = e.id;
    slot.seq = e.seq;
  }
  void drop_oldest(int64_t n) { head_ += static_cast<uint64_t>(n); }
  void make_room_for_a_step() {
    if (tail_ - head_ + kMaxEvidenceIds > mask_ + 1) grow();  // the mask, next to head and tail
  }

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

/// Floor division: aligned windows and ring slots of steps before the epoch stay consistent.
int64_t floor_div(int64_t a, int64_t b) {
  return a / b - (a % b != 0 && (a % b < 0) != (b < 0));
}

size_t slot(int64_t step, int64_t size) {
  return static_cast<size_t>(step - floor_div(step, size) * size);
}

/// What a closed step is judged against, recomputed only when the baseline takes a sample.
struct Judgement {
  /// The least window volume (raw) that can reach z_threshold: a step below it is ordinary
  /// after one compare. It sits a rounding margin below the exact bound, so the exact z of
  /// any window at or above it decides; the maximum when nothing can fire.
  int64_t candidate_volume = std::numeric_limits<int64_t>::max();
  double median = 0;
  double deviation = 0;
};

struct SymbolState {
  // What every trade touches comes first.
  int64_t step_end = std::numeric_limits<int64_t>::min();  // ns: trades before it join `open`
  OpenStep open;
  EvidenceRing trades;  // the window's trades for evidence, at most kMaxEvidenceIds a step
  // What every step touches.
  int64_t step = 0;           // the open step
  size_t cursor = 0;          // slot of the open step: step mod window_steps
  int64_t window_volume = 0;  // of the window's closed steps
  Judgement judgement;
  // Not next to window_volume: a step adds to both, and the compiler then read the pair back
  // as one 16-byte load, which the CPU cannot forward from the two 8-byte stores just made
  // (it waited for them to reach the cache).
  int64_t window_trades = 0;
  std::vector<Bucket> slots;  // the window's closed steps, oldest at `cursor`
  Params p;
  Episode episode;  // its first fields are read every step
  // Volume of the last complete aligned window, which joins the baseline once the rolling
  // window no longer overlaps it (a window later); negative when there is none.
  int64_t next_sample = -1;
  Baseline baseline;
  int64_t first_step = 0;  // the step of the symbol's first trade: history starts there
  std::string symbol;
  // Who traded with whom, once a trade names both parties: per step, as the volume is.
  StepPairs open_pairs;
  std::vector<StepPairs> pair_slots;  // the window's closed steps, as `slots`; empty before
  std::vector<PairFlow> pair_scratch;
  int64_t window_party_volume = 0;

  SymbolState(const Params& params, std::string_view name)
      : slots(static_cast<size_t>(params.window_steps)),
        p(params),
        baseline(params.baseline_samples),
        symbol(name) {
    episode.peak_trades.reserve(kMaxEvidenceIds);
  }

  int64_t step_of(Timestamp t) const { return t.floor_to(p.step).nanos() / p.step.count(); }
};

class WashVolumeAnomaly final : public Detector {
 public:
  explicit WashVolumeAnomaly(const DetectorContext& ctx) : ctx_(ctx) {
    check_every_param_set(ctx.config, kRule, Params::read);
  }

  // The class is final: on_event below is called directly, and inlined.
  void on_events(std::span<const Event> events) override {
    for (const Event& e : events) on_event(e);
  }

  bool reads_trades_only() const override { return true; }

  void on_event(const Event& e) override {
    if (!e.is_trade()) return;
    SymbolState* known = states_.find(e.symbol);
    // Only a trade past the open step leaves this path; a trade behind a step already closed
    // (only if a watermark was wrong) joins the open step.
    if (known == nullptr || e.ts.nanos() >= known->step_end) return add_in_new_step(known, e);
    add_trade(*known, e);
  }

  void advance_to(Timestamp watermark) override {
    states_.for_each([&](SymbolId, SymbolState& st) {
      int64_t past_end = watermark.nanos() - st.step_end;
      if (past_end < 0) return;
      // Ticks are a second apart, as steps are by default: the watermark mostly ends just the
      // open step, which needs no division to find, and a busy symbol just closes it.
      if (past_end < st.p.step.count()) {
        if (!quiet(st)) return close_step(st);
        return close_steps_before(st, st.step + 1);
      }
      close_steps_before(st, st.step_of(watermark));
    });
  }

  void finish() override {
    states_.for_each([&](SymbolId, SymbolState& st) {
      close_steps_before(st, st.step + 1);  // the input ended: the open step is complete
      if (st.episode.open) emit(st);
    });
  }

 private:
  // Evidence lists the first trades of a window: later ones in a step are never shown.
  void add_trade(SymbolState& st, const Event& e) {
    st.open.add(e);
    if (st.open.trades++ < static_cast<int64_t>(kMaxEvidenceIds)) st.trades.push(e);
    if (e.buyer && e.seller) add_parties(st, e);
  }

  [[gnu::noinline]] void add_parties(SymbolState& st, const Event& e) {
    if (st.pair_slots.empty()) {
      st.pair_slots.resize(static_cast<size_t>(st.p.window_steps));
      st.pair_scratch.reserve(st.pair_slots.size() * StepPairs::kCapacity);
    }
    st.open.party_volume += e.qty.raw();
    st.open_pairs.add(ctx_.universe, e);
  }

  // Out of line, so that the per-trade path keeps to a few registers and no calls: once per
  // step and symbol, it finds or creates the state and closes the steps the trade ends.
  [[gnu::noinline]] void add_in_new_step(SymbolState* known, const Event& e) {
    if (known == nullptr) return add_trade(add_symbol(e.symbol, e.ts), e);
    SymbolState& st = *known;
    // On a busy tape the trade opens the very next step: no division needed.
    bool next = e.ts.nanos() - st.step_end < st.p.step.count();
    close_steps_before(st, next ? st.step + 1 : st.step_of(e.ts));
    add_trade(st, e);
  }

  SymbolState& add_symbol(SymbolId symbol, Timestamp first_trade) {
    SymbolState& st = states_.get(symbol, [&](SymbolId id) {
      std::string_view name = ctx_.universe.symbol_name(id);
      return SymbolState(Params::read(ctx_.config.for_symbol(name), kRule), name);
    });
    st.first_step = st.step = st.step_of(first_trade);
    st.step_end = (st.step + 1) * st.p.step.count();
    st.cursor = slot(st.step, st.p.window_steps);
    return st;
  }

  // Nothing in the window, the open step or an episode: every step until the next trade
  // judges an empty window, so only the aligned samples need rolling forward.
  static bool quiet(const SymbolState& st) {
    return st.open.trades == 0 && st.window_trades == 0 && !st.episode.open;
  }

  [[gnu::noinline]] void close_steps_before(SymbolState& st, int64_t step) {
    while (st.step < step) {
      if (quiet(st)) return skip_empty_steps(st, step);
      close_step(st);
    }
  }

  // The window has no trade, so every slot but the one that just left it is empty: clearing
  // that one lets the ring turn freely. Each aligned window ending in the skipped steps is an
  // empty one, begun after the first trade (which left the window at least a window ago).
  static void skip_empty_steps(SymbolState& st, int64_t step) {
    const Params& p = st.p;
    st.slots[st.cursor] = Bucket{};
    if (!st.pair_slots.empty()) st.pair_slots[st.cursor].clear();
    int64_t aligned_ends = floor_div(step, p.window_steps) - floor_div(st.step, p.window_steps);
    if (aligned_ends > 0) {
      bool changed = st.next_sample >= 0 && st.baseline.push(st.next_sample);
      changed |= st.baseline.push_zeros(aligned_ends - 1);
      st.next_sample = 0;
      if (changed) rejudge(st);
    }
    st.step = step;
    st.step_end = (st.step + 1) * p.step.count();
    st.cursor = slot(step, p.window_steps);
  }

  // The open step is complete: judge the window ending here, slide on.
  // Every second for each symbol: what is rare (an aligned window's end, a window worth
  // judging) is out of line, so this stays small enough to inline where it is called.
  void close_step(SymbolState& st) {
    int64_t k = st.step;
    // The window's size from the parameters next to the step's fields, not from the vector.
    const size_t last_slot = static_cast<size_t>(st.p.window_steps - 1);
    Bucket& closed = st.slots[st.cursor];
    closed = st.open.close();
    st.open = OpenStep{};
    st.window_volume += closed.volume;
    st.window_trades += closed.trades;
    if (!st.pair_slots.empty()) close_pairs(st, closed);
    if (st.cursor == last_slot) close_aligned_window(st, k);
    // judge() does nothing else for a window below the candidate volume and no open episode.
    if (st.window_volume >= st.judgement.candidate_volume || st.episode.open) judge(st, k);

    ++st.step;
    st.step_end += st.p.step.count();
    st.cursor = st.cursor == last_slot ? 0 : st.cursor + 1;
    const Bucket& leaving = st.slots[st.cursor];
    st.window_volume -= leaving.volume;
    st.window_trades -= leaving.trades;
    st.window_party_volume -= leaving.party_volume;
    st.trades.drop_oldest(evidence_kept(leaving));
    st.trades.make_room_for_a_step();
  }

  static void close_pairs(SymbolState& st, const Bucket& closed) {
    st.window_party_volume += closed.party_volume;
    st.pair_slots[st.cursor] = st.open_pairs;
    st.open_pairs.clear();
  }

  // Step k ends an aligned window, which is the rolling window now; the rolling window starts
  // where the previous aligned window ended, so that one joins the baseline.
  [[gnu::noinline]] static void close_aligned_window(SymbolState& st, int64_t k) {
    if (st.next_sample >= 0 && st.baseline.push(st.next_sample)) rejudge(st);
    // A window reaching back before the first trade is incomplete and never becomes a sample.
    bool complete = k - st.p.window_steps + 1 >= st.first_step;
    st.next_sample = complete ? st.window_volume : -1;
  }

  static void rejudge(SymbolState& st) {
    const Params& p = st.p;
    Judgement& j = st.judgement;
    j = Judgement{};
    if (static_cast<int64_t>(st.baseline.size()) < p.min_baseline_samples) return;
    if (!st.baseline.any_volume()) return;  // no trade in the whole baseline: no scale
    j.median = st.baseline.median();
    // The mean only stands in when most windows are empty (median 0): it is not robust.
    double floor = p.deviation_floor * (j.median > 0 ? j.median : st.baseline.mean());
    j.deviation = std::max(kMadToSigma * st.baseline.mad(j.median), floor);
    // A relative margin far above rounding keeps every window the exact z flags above it.
    constexpr double kMargin = 1e-9;
    double bound = (j.median + p.z_threshold * j.deviation) * (1 - kMargin) - 1;
    if (bound < static_cast<double>(std::numeric_limits<int64_t>::max())) {
      j.candidate_volume = static_cast<int64_t>(std::max(bound, 0.0));
    }
  }

  [[gnu::noinline]] void judge(SymbolState& st, int64_t k) {
    const Params& p = st.p;
    Episode& ep = st.episode;
    // Windows that do not touch the episode's last flagged one start a new episode.
    if (ep.open && k > ep.last_step + p.window_steps) emit(st);
    if (st.window_volume < st.judgement.candidate_volume) return;
    if (st.window_trades < p.min_window_trades) return;
    const Judgement& j = st.judgement;
    double z = (static_cast<double>(st.window_volume) - j.median) / j.deviation;
    if (!(z >= p.z_threshold)) return;
    PairFlow pair;
    if (!excess_is_wash(st, pair)) return;
    if (!ep.open) {
      ep.open = true;
      ep.first_step = k;
      ep.flagged_steps = 0;
      ep.peak_z = -1;
    }
    ep.last_step = k;
    ++ep.flagged_steps;
    if (z > ep.peak_z) record_peak(st, k, z, j.median, j.deviation, pair);
  }

  // When the trades name their parties, volume far above normal is wash volume only when
  // one pair of owners (or one owner with itself) traded at least `pair_share` of the excess
  // back and forth, their positions unchanged: a busy market is many owners, a pump is buying.
  // Without parties for most of the window's volume the volume alone decides. `pair` is the
  // window's top pair when it was looked for.
  static bool excess_is_wash(SymbolState& st, PairFlow& pair) {
    if (st.p.pair_share <= 0 || 2 * st.window_party_volume < st.window_volume) return true;
    pair = top_pair(st.pair_slots, st.pair_scratch);
    double excess = static_cast<double>(st.window_volume) - st.judgement.median;
    return static_cast<double>(pair.two_way()) >= st.p.pair_share * excess;
  }

  static void record_peak(SymbolState& st, int64_t k, double z, double median, double deviation,
                          const PairFlow& pair) {
    Episode& ep = st.episode;
    ep.peak_z = z;
    ep.peak_pair = pair;
    ep.peak_step = k;
    // Only a peak needs the window's split by side: summed here rather than every step.
    ep.peak = Bucket{st.window_volume, st.window_trades, 0, 0};
    for (const Bucket& b : st.slots) {
      ep.peak.buy += b.buy;
      ep.peak.sell += b.sell;
    }
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
    const PairFlow& pair = ep.peak_pair;
    if (pair.gross > 0) {
      metrics.field("pair_volume", to_units(pair.gross))
          .field("pair_two_way_volume", to_units(pair.two_way()))
          .field("pair_self_trades", pair.low_owner == pair.high_owner);
      name_pair(pair, a);
    }
    a.metrics_json = std::move(metrics).finish();
    a.why = fmt::format(
        "{} traded {} in the {} window ending {} ({} trades), {} robust deviations above its "
        "trailing {} median of {} (deviation {}); the episode lasted {} s.",
        st.symbol, format_number(to_units(ep.peak.volume)), window.to_string(),
        peak_end.to_iso8601(), ep.peak.trades, format_rounded(ep.peak_z, 2),
        (window * p.baseline_samples).to_string(), format_number(to_units(ep.peak_median)),
        format_rounded(to_units(ep.peak_deviation), 4), format_number((end - start).to_seconds()));
    if (pair.gross > 0) a.why += pair_text(pair);
    for (const TradeRef& t : ep.peak_trades) a.add_evidence("trade", trade_text(t));
    a.evidence_total = static_cast<uint64_t>(ep.peak.trades);
    ctx_.sink.emit(std::move(a));
  }

  // The pair's accounts: the wash traders, whom the alert is about.
  void name_pair(const PairFlow& pair, Alert& a) const {
    for (AccountId account : {pair.low_account, pair.high_account}) {
      std::string name(ctx_.universe.account_name(account));
      if (std::find(a.accounts.begin(), a.accounts.end(), name) == a.accounts.end()) {
        a.accounts.push_back(std::move(name));
      }
    }
  }

  std::string pair_text(const PairFlow& pair) const {
    auto name = [&](AccountId account) { return ctx_.universe.account_name(account); };
    if (pair.low_owner == pair.high_owner) {
      return fmt::format(" Of it, {} was one owner on both sides ({} and {}).",
                         format_number(to_units(pair.gross)), name(pair.low_account),
                         name(pair.high_account));
    }
    return fmt::format(" Of it, {} was traded between {} and {}, {} of it back and forth.",
                       format_number(to_units(pair.gross)), name(pair.low_account),
                       name(pair.high_account), format_number(to_units(pair.two_way())));
  }

  DetectorContext ctx_;
  PerSymbol<SymbolState> states_;
};

}  // namespace

RuleInfo wash_volume_anomaly_rule() {
  return RuleInfo{
      kRule,
      "A symbol's traded volume over a rolling window far above its own trailing baseline "
      "(robust z-score: median and MAD of past non-overlapping window volumes)",
      "trades",
      {
          {"window", ParamType::kDuration, "1m",
           "Width of the rolling volume window, and of the aligned windows (from the epoch) "
           "whose volumes are the baseline samples"},
          {"step", ParamType::kDuration, "1s",
           "How often the rolling window is judged; window must be a multiple of it"},
          {"baseline", ParamType::kDuration, "1h",
           "Trailing period of aligned windows (the last baseline/window of them ending before "
           "the rolling window starts) that form the baseline; a multiple of window"},
          {"min_baseline", ParamType::kDuration, "30m",
           "History of complete aligned windows since the symbol's first trade needed before "
           "anything can fire"},
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
          {"pair_share", ParamType::kNumber, "0.5",
           "When trades name buyer and seller: least share of the window's volume above the "
           "baseline median that one pair of beneficial owners (or one owner with itself) must "
           "have traded back and forth, net of any change of their positions; 0 lets the "
           "volume alone decide, as it does for trades without parties",
           0, 1e6},
      },
      [](const DetectorContext& ctx) -> std::unique_ptr<Detector> {
        return std::make_unique<WashVolumeAnomaly>(ctx);
      },
  };
}

}  // namespace tw
