#include "detect/pump_and_dump.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "detect/account_volumes.hpp"
#include "detect/per_symbol.hpp"
#include "util/format.hpp"
#include "util/recent_ring.hpp"

namespace tw {
namespace {

constexpr std::string_view kRuleName = "pump_and_dump";

// Parameter names, shared by the specs and the code that reads them.
constexpr const char* kBarInterval = "bar_interval";
constexpr const char* kMinRise = "min_rise";
constexpr const char* kMaxPumpBars = "max_pump_bars";
constexpr const char* kVolumeRatio = "volume_ratio";
constexpr const char* kBaselineBars = "baseline_bars";
constexpr const char* kMinBaselineBars = "min_baseline_bars";
constexpr const char* kMinBuyShare = "min_buy_share";
constexpr const char* kDumpWindow = "dump_window";
constexpr const char* kMinGiveback = "min_giveback";
constexpr const char* kMinSellShare = "min_sell_share";
constexpr const char* kMinGroupShare = "min_group_share";

/// The accounts a group pump is measured on: the pump's largest buyers, as many as a ring of
/// colluders usually counts.
constexpr size_t kGroupSize = 5;

std::vector<ParamSpec> param_specs() {
  return {
      {kBarInterval, ParamType::kDuration, "1m", "width of the bars the rule works on"},
      {kMinRise, ParamType::kNumber, "0.03",
       "smallest rise from the local low to the peak (0.03 = 3%)", 1e-6, 100},
      {kMaxPumpBars, ParamType::kInteger, "5", "most bar slots from the low to the peak", 1, 1000},
      {kVolumeRatio, ParamType::kNumber, "3",
       "pump volume per traded bar over the baseline median bar volume", 0, 1e9},
      {kBaselineBars, ParamType::kInteger, "60",
       "bar slots before the pump whose traded bars form the baseline", 1, 100000},
      {kMinBaselineBars, ParamType::kInteger, "10",
       "traded bars the baseline needs before the rule can fire", 1, 100000},
      {kMinBuyShare, ParamType::kNumber, "0.6", "smallest buy-aggressor share of the pump volume",
       0, 1},
      {kDumpWindow, ParamType::kDuration, "30m",
       "the dump must happen in bars starting within this time of the peak bar"},
      {kMinGiveback, ParamType::kNumber, "0.5",
       "smallest share of the rise given back at the trough (0.5 = 50%)", 0.01, 100},
      {kMinSellShare, ParamType::kNumber, "0.6",
       "smallest sell-aggressor share of the volume from the peak to the trough", 0, 1},
      {kMinGroupShare, ParamType::kNumber, "0.4",
       "when trades carry accounts, a pump short of volume_ratio still counts when its five "
       "largest buyers bought at least this share of its volume and then sold at least this "
       "share of the dump's volume (0: volume_ratio alone)",
       0, 1},
  };
}

struct PumpParams {
  Duration bar_interval;
  double min_rise = 0;
  int64_t max_pump_bars = 0;
  double volume_ratio = 0;
  int64_t baseline_bars = 0;
  int64_t min_baseline_bars = 0;
  double min_buy_share = 0;
  Duration dump_window;
  double min_giveback = 0;
  double min_sell_share = 0;
  double min_group_share = 0;

  static PumpParams from(const ParamValues& v) {
    PumpParams p;
    p.bar_interval = v.duration(kBarInterval);
    p.min_rise = v.number(kMinRise);
    p.max_pump_bars = v.integer(kMaxPumpBars);
    p.volume_ratio = v.number(kVolumeRatio);
    p.baseline_bars = v.integer(kBaselineBars);
    p.min_baseline_bars = v.integer(kMinBaselineBars);
    p.min_buy_share = v.number(kMinBuyShare);
    p.dump_window = v.duration(kDumpWindow);
    p.min_giveback = v.number(kMinGiveback);
    p.min_sell_share = v.number(kMinSellShare);
    p.min_group_share = v.number(kMinGroupShare);
    if (p.min_baseline_bars > p.baseline_bars) {
      throw ConfigError(fmt::format("rules.{}: min_baseline_bars ({}) exceeds baseline_bars ({})",
                                    kRuleName, p.min_baseline_bars, p.baseline_bars));
    }
    return p;
  }
};

/// Traded quantity split by aggressor side.
struct Flow {
  Quantity volume, buy, sell;

  Flow& operator+=(const Flow& o) {
    volume += o.volume;
    buy += o.buy;
    sell += o.sell;
    return *this;
  }
  Flow operator+(const Flow& o) const { return {volume + o.volume, buy + o.buy, sell + o.sell}; }
  Flow operator-(const Flow& o) const { return {volume - o.volume, buy - o.buy, sell - o.sell}; }
  double buy_share() const { return share(buy); }
  double sell_share() const { return share(sell); }

 private:
  double share(Quantity part) const {
    return volume.is_positive() ? part.to_double() / volume.to_double() : 0.0;
  }
};

/// Which trade: its source id (or line) and time.
struct TradeRef {
  ExternalId id;
  uint64_t seq = 0;
  Timestamp ts;

  /// Refers to `t`, written field by field (see TradeMark::mark).
  void set(const Event& t) {
    id = t.id;
    seq = t.seq;
    ts = t.ts;
  }
  bool same(const TradeRef& o) const { return id == o.id && seq == o.seq && ts == o.ts; }
  std::string text() const { return id.empty() ? "line:" + std::to_string(seq) : id.to_string(); }
};

/// A notable trade of a bar with the bar's flow up to and including it, so phases can start
/// or end exactly at that trade.
struct TradeMark {
  TradeRef ref;
  Price price;
  Quantity qty;  // the trade's own flow, kept as quantity and side: fewer writes per mark
  Side side = Side::kUnknown;
  Flow upto;

  /// Marks `t`. Field by field: building a temporary and copying it made the CPU reload
  /// just-written bytes in other widths, stalling the frequent re-marking of a bar's low.
  void mark(const Event& t, const Flow& bar_so_far) {
    ref.set(t);
    price = t.price;
    qty = t.qty;
    side = t.side;
    upto = bar_so_far;
  }
  Flow before() const { return upto - own(); }
  Flow own() const {
    return {qty, side == Side::kBuy ? qty : Quantity{}, side == Side::kSell ? qty : Quantity{}};
  }
};

struct SizedTrade {
  Quantity qty;
  TradeRef ref;
};

/// The largest few trades offered, largest first (fixed capacity, no allocation).
class TopTrades {
 public:
  static constexpr size_t kCapacity = 5;

  void offer(const SizedTrade& t) {
    if (!t.qty.is_positive()) return;
    if (count_ == kCapacity && t.qty <= items_[kCapacity - 1].qty) return;
    size_t i = count_ < kCapacity ? count_++ : kCapacity - 1;
    for (; i > 0 && items_[i - 1].qty < t.qty; --i) items_[i] = items_[i - 1];
    items_[i] = t;
  }
  void merge(const TopTrades& o) {
    for (size_t i = 0; i < o.count_; ++i) offer(o.items_[i]);
  }
  const SizedTrade* begin() const { return items_.data(); }
  const SizedTrade* end() const { return items_.data() + count_; }

 private:
  std::array<SizedTrade, kCapacity> items_{};
  size_t count_ = 0;
};

/// Who traded in a bar, as the exact volume of each buyer and seller, folded from a log only
/// when read. Only bars around a pump are ever read, so a trade just logs its accounts; the
/// log is folded when read or when it reaches kMaxLogged (which bounds memory).
class BarAccounts {
 public:
  static constexpr size_t kMaxLogged = 1024;

  BarAccounts() = default;
  // Moves swap, so a moved-from log never points into the buffer it gave away.
  BarAccounts(BarAccounts&& o) noexcept { swap(o); }
  BarAccounts& operator=(BarAccounts&& o) noexcept {
    swap(o);
    return *this;
  }
  void swap(BarAccounts& o) noexcept {
    std::swap(buyers_, o.buyers_);
    std::swap(sellers_, o.sellers_);
    std::swap(log_, o.log_);
    std::swap(next_, o.next_);
    std::swap(end_, o.end_);
  }

  /// Keeps the buffers: the same few serve every bar.
  void clear() {
    buyers_.clear();
    sellers_.clear();
    next_ = log_.get();
  }
  void note(const Event& t) {
    if ((t.buyer.value | t.seller.value) == 0) return;  // one test for both: no accounts
    if (next_ == end_) return note_making_room(t);
    *next_++ = {t.buyer, t.seller, t.qty};
  }
  /// The largest buyers and sellers.
  TopAccounts buyers() {
    fold();
    return buyers_.top();
  }
  TopAccounts sellers() {
    fold();
    return sellers_.top();
  }

 private:
  struct Logged {
    AccountId buyer, seller;
    Quantity qty;
  };

  void fold() {
    for (const Logged* l = log_.get(); l != next_; ++l) {
      if (l->buyer) buyers_.add(l->buyer, l->qty);
      if (l->seller) sellers_.add(l->seller, l->qty);
    }
    next_ = log_.get();
  }
  // Out of line, so the per-trade path calls nothing and saves no registers. A full log is
  // folded; a shorter one grows.
  [[gnu::noinline]] void note_making_room(const Event& t) {
    size_t room = static_cast<size_t>(end_ - log_.get());
    if (room == kMaxLogged) {
      fold();
    } else {
      size_t bigger = room == 0 ? 64 : room * 2;
      auto log = std::make_unique<Logged[]>(bigger);
      next_ = std::copy(log_.get(), next_, log.get());
      end_ = log.get() + bigger;
      log_ = std::move(log);
    }
    *next_++ = {t.buyer, t.seller, t.qty};
  }
  AccountVolumes buyers_, sellers_;  // the trades before the log
  // The log, in a plain buffer rather than a vector: one compare per trade finds room. Moving
  // the buffer keeps these pointers valid; kMaxLogged is a power of two, so doubling from 64
  // reaches it.
  std::unique_ptr<Logged[]> log_;
  Logged* next_ = nullptr;
  Logged* end_ = nullptr;
};

/// What the rule needs from inside a bar beyond OHLCV: where the extremes happened, in which
/// order, the largest aggressive trades and who traded.
struct BarMarks {
  TradeMark high;             // first trade at the bar's high
  TradeMark low;              // first trade at the bar's low
  TradeMark low_before_high;  // lowest trade up to the high trade: where an in-bar rise starts
  TradeMark low_after_high;   // lowest trade after the high trade: where an in-bar fall ends
  // The largest trade by aggressor side, indexed by Side: the kUnknown entry is never read.
  std::array<SizedTrade, 3> largest{};
  const SizedTrade& largest_buy() const { return largest[static_cast<size_t>(Side::kBuy)]; }
  const SizedTrade& largest_sell() const { return largest[static_cast<size_t>(Side::kSell)]; }
  BarAccounts accounts;

  // Resets only what the next bar reads (clearing the whole ~1 KB costs more than a trade).
  void start(const Event& t, const Flow& bar_so_far) {
    largest = {};
    accounts.clear();
    high.mark(t, bar_so_far);
    low = low_before_high = low_after_high = high;
    note_size_and_accounts(t);
  }

  /// `bar` includes `t`; its flow is only summed when a mark needs it.
  template <class OpenBar>
  void update(const Event& t, const OpenBar& bar) {
    if (t.price > high.price) {
      Flow upto = bar.flow();
      high.mark(t, upto);
      low_before_high = low;
      low_after_high.mark(t, upto);
    } else if (t.price < low_after_high.price) {
      Flow upto = bar.flow();
      low_after_high.mark(t, upto);
      if (t.price < low.price) low.mark(t, upto);
    }
    note_size_and_accounts(t);
  }

 private:
  void note_size_and_accounts(const Event& t) {
    // Indexed by side: the side is a coin toss to the branch predictor, so the only branch
    // left is on a new largest trade, which is rare.
    SizedTrade& l = largest[static_cast<size_t>(t.side)];
    if (t.qty > l.qty) {
      l.qty = t.qty;
      l.ref.set(t);
    }
    accounts.note(t);
  }
};

struct ClosedBar {
  Timestamp start;
  Flow flow;
  BarMarks marks;
};

/// The bar trades arrive in, as far as the rule reads bars: when it starts and its flow. The
/// extremes are in its marks, and the rule needs no OHLC or notional, so a trade costs one add
/// (volume is kept by side, indexed by the side itself, and summed when read).
class OpenBar {
 public:
  explicit OpenBar(Duration interval) : interval_(interval) {}

  bool is_open() const { return end_ != kNotOpen; }
  /// True when a trade at `t` joins the open bar (never when no bar is open).
  bool contains(Timestamp t) const { return t >= start_ && t < end_; }
  Timestamp start() const { return start_; }
  Timestamp end() const { return end_; }
  void add(const Event& t) { by_side_[static_cast<size_t>(t.side)] += t.qty.raw(); }
  Flow flow() const {
    int64_t buy = by_side_[static_cast<size_t>(Side::kBuy)];
    int64_t sell = by_side_[static_cast<size_t>(Side::kSell)];
    int64_t volume = by_side_[static_cast<size_t>(Side::kUnknown)] + buy + sell;
    return {Quantity::from_raw(volume), Quantity::from_raw(buy), Quantity::from_raw(sell)};
  }

  /// Opens the bar holding `t` (the open one being closed by the caller first).
  void open(Timestamp t) {
    start_ = t.floor_to(interval_);
    end_ = start_ + interval_;
    by_side_ = {};
  }
  void close() { start_ = end_ = kNotOpen; }

 private:
  // No time is before it, so contains() needs no separate test for an open bar.
  static constexpr Timestamp kNotOpen = Timestamp::min();

  Timestamp start_ = kNotOpen;
  Timestamp end_ = kNotOpen;
  std::array<int64_t, 3> by_side_{};  // raw quantities by Side::kUnknown, kBuy, kSell
  Duration interval_;
};

struct BarVolume {
  Timestamp start;
  Quantity volume;
};

constexpr Timestamp kNoLimitBefore = Timestamp::min();
constexpr Timestamp kNoLimitAfter = Timestamp::max();

bool within(Timestamp t, Timestamp from, Timestamp to) {
  return t >= from && t <= to;
}

/// The volume, evidence and accounts of one phase. `bars` counts the traded bars it covers.
struct Phase {
  Flow flow;
  int64_t bars = 0;
  TopTrades buys, sells;
  TopAccounts buyers, sellers;

  void take_buys(ClosedBar& b, Timestamp from, Timestamp to) {
    if (within(b.marks.largest_buy().ref.ts, from, to)) buys.offer(b.marks.largest_buy());
    buyers.merge(b.marks.accounts.buyers());
  }
  void take_sells(ClosedBar& b, Timestamp from, Timestamp to) {
    if (within(b.marks.largest_sell().ref.ts, from, to)) sells.offer(b.marks.largest_sell());
    sellers.merge(b.marks.accounts.sellers());
  }
};

/// The few accounts that bought most of a pump, when trades carry accounts: a group that buys
/// the price up and then sells into the fall is what a pump and dump is, whatever the volume.
struct Group {
  std::array<AccountId, kGroupSize> accounts{};
  size_t count = 0;
  Quantity bought;  // in the pump's bars

  static Group largest_buyers(const TopAccounts& buyers) {
    size_t found = 0;
    TopAccounts::Entries top = buyers.sorted(found);
    Group g;
    for (; g.count < std::min(found, kGroupSize); ++g.count) {
      g.accounts[g.count] = top[g.count].account;
      g.bought += top[g.count].qty;
    }
    return g;
  }
  /// What the group sold among `sellers`.
  Quantity sold(const TopAccounts& sellers) const {
    size_t found = 0;
    TopAccounts::Entries top = sellers.sorted(found);
    Quantity total;
    for (size_t i = 0; i < found; ++i) {
      if (std::find(accounts.begin(), accounts.begin() + static_cast<std::ptrdiff_t>(count),
                    top[i].account) != accounts.begin() + static_cast<std::ptrdiff_t>(count)) {
        total += top[i].qty;
      }
    }
    return total;
  }
};

// At most 1: accounts are attributed per bar, a phase's volume to the trade.
double share_of(Quantity part, Quantity whole) {
  return whole.is_positive() ? std::min(part.to_double() / whole.to_double(), 1.0) : 0.0;
}

/// A confirmed pump and what has happened since its peak.
struct Episode {
  TradeMark low, peak, trough;
  Timestamp peak_bar, trough_bar;
  Timestamp deadline;  // bars starting at or after it are outside the dump window
  double baseline = 0;
  int64_t baseline_bars = 0;
  Phase pump;                    // low trade .. peak trade
  Phase after_peak;              // after the peak trade, through the last closed bar
  Phase dump;                    // after the peak trade .. trough trade
  bool peak_bar_dumped = false;  // trades followed the peak inside the peak bar
  bool qualified = false;        // the dump meets giveback and sell share
  Group group;                   // the pump's largest buyers
  bool by_group = false;         // the pump's volume is short of volume_ratio: its group must dump

  double group_buy_share() const { return share_of(group.bought, pump.flow.volume); }
  /// Pump volume per traded bar over the baseline.
  double pump_ratio() const {
    return pump.flow.volume.to_double() / static_cast<double>(pump.bars) / baseline;
  }
  double group_sell_share(const Phase& fall) const {
    return share_of(group.sold(fall.sellers), fall.flow.volume);
  }

  double rise() const {
    return (peak.price.to_double() - low.price.to_double()) / low.price.to_double();
  }
  double giveback_to(Price trough_price) const {
    return (peak.price.to_double() - trough_price.to_double()) /
           (peak.price.to_double() - low.price.to_double());
  }
  int64_t dump_bars() const { return dump.bars + (peak_bar_dumped ? 1 : 0); }
};

/// Turns finished episodes into alerts.
class AlertWriter {
 public:
  AlertWriter(const Universe& universe, AlertSink& sink) : universe_(universe), sink_(sink) {}
  void write(SymbolId symbol, const PumpParams& p, const Episode& e) const;

 private:
  void add_accounts(const Episode& e, Alert& alert) const;
  const Universe& universe_;
  AlertSink& sink_;
};

/// One symbol's bars, baseline and open episode.
class SymbolTracker {
 public:
  SymbolTracker(SymbolId symbol, const PumpParams& params, const AlertWriter& writer)
      : symbol_(symbol),
        params_(params),
        writer_(&writer),
        bar_(params.bar_interval),
        bars_(static_cast<size_t>(params.max_pump_bars)),
        volumes_(static_cast<size_t>(params.baseline_bars + params.max_pump_bars)) {
    baseline_scratch_.reserve(volumes_.capacity());
    candidates_.reserve(bars_.capacity());
  }

  void on_trade(const Event& t) {
    if (!bar_.contains(t.ts)) return on_trade_opening_bar(t);
    bar_.add(t);
    marks_.update(t, bar_);
  }

  void advance_to(Timestamp watermark) {
    if (bar_.is_open() && watermark >= bar_.end()) close_bar();
    // Any bar still open, or yet to come, starts at or after the first bar start >= deadline.
    if (episode_ && watermark >= first_bar_at_or_after(episode_->deadline)) end_episode();
  }

  void finish() {
    if (bar_.is_open()) close_bar();
    if (episode_) end_episode();
  }

 private:
  Duration interval() const { return params_.bar_interval; }
  Timestamp first_bar_at_or_after(Timestamp t) const {
    return (t - Duration::nanos(1)).floor_to(interval()) + interval();
  }

  // Out of line, so the per-trade path above calls nothing and saves no registers.
  // A trade outside the open bar (normally after it; before it only when a watermark was
  // wrong) closes it and opens its own.
  [[gnu::noinline]] void on_trade_opening_bar(const Event& t) {
    if (bar_.is_open()) close_bar();
    bar_.open(t.ts);
    bar_.add(t);
    marks_.start(t, bar_.flow());
  }

  void close_bar() {
    Flow flow = bar_.flow();
    volumes_.push({bar_.start(), flow.volume});
    ClosedBar& slot = bars_.push_slot();
    slot.start = bar_.start();
    slot.flow = flow;
    bar_.close();
    // A move copies the marks but swaps the account logs (see BarAccounts): marks_ gets the
    // slot's stale log buffer, which the next bar's start resets.
    slot.marks = std::move(marks_);
    ClosedBar& b = bars_.back();
    if (episode_ && !continue_episode(*episode_, b)) end_episode();
    // A group's pump not yet dumped gives way to one on heavy volume, as if it were not there.
    if (!episode_ || (episode_->by_group && !episode_->qualified))
      look_for_pump(episode_.has_value());
  }

  void end_episode() {
    const Episode& e = *episode_;
    if (e.qualified) writer_->write(symbol_, params_, e);
    // A group's pump that came to nothing leaves the bars to the pumps volume shows.
    if (e.qualified || !e.by_group)
      fresh_from_ = (e.qualified ? e.trough_bar : e.peak_bar) + interval();
    episode_.reset();
  }

  // Feeds a bar to the open episode; false when the bar is not part of it (the episode ends).
  bool continue_episode(Episode& e, ClosedBar& b) {
    if (b.start >= e.deadline) return false;
    if (b.marks.high.price > e.peak.price) {
      if (e.qualified) return false;  // the price recovered past the peak: the dump is over
      extend_peak(e, b);
      return true;
    }
    if (b.marks.low.price < e.trough.price) {
      Phase candidate = e.after_peak;
      candidate.take_sells(b, kNoLimitBefore, b.marks.low.ref.ts);
      candidate.flow += b.marks.low.upto;
      ++candidate.bars;
      if (e.qualified && !dump_qualifies(e, b.marks.low.price, candidate)) return false;
      e.trough = b.marks.low;
      e.trough_bar = b.start;
      e.dump = candidate;
      e.qualified = dump_qualifies(e, e.trough.price, e.dump);
    } else if (e.qualified) {
      return false;  // no lower trough: the qualified dump is complete
    }
    e.after_peak.take_buys(b, kNoLimitBefore, kNoLimitAfter);
    e.after_peak.take_sells(b, kNoLimitBefore, kNoLimitAfter);
    e.after_peak.flow += b.flow;
    ++e.after_peak.bars;
    return true;
  }

  bool dump_qualifies(const Episode& e, Price trough, const Phase& dump) const {
    return e.giveback_to(trough) >= params_.min_giveback &&
           dump.flow.sell_share() >= params_.min_sell_share &&
           (!e.by_group || e.group_sell_share(dump) >= params_.min_group_share);
  }

  // A higher high before the dump qualified: the pump absorbs everything since the old peak.
  void extend_peak(Episode& e, ClosedBar& b) {
    e.pump.flow += e.after_peak.flow;
    e.pump.bars += e.after_peak.bars;
    e.pump.buys.merge(e.after_peak.buys);
    e.pump.buyers.merge(e.after_peak.buyers);
    e.pump.take_buys(b, kNoLimitBefore, b.marks.high.ref.ts);
    e.group = Group::largest_buyers(e.pump.buyers);
    // Grown to heavy volume, the pump no longer needs its group.
    e.by_group = e.by_group && e.pump_ratio() < params_.volume_ratio;
    e.pump.flow += b.marks.high.upto;
    ++e.pump.bars;
    start_after_peak(e, b);
  }

  void start_after_peak(Episode& e, ClosedBar& b) {
    const BarMarks& m = b.marks;
    e.peak = m.high;
    e.peak_bar = b.start;
    e.deadline = b.start + params_.dump_window;
    e.after_peak = Phase{};
    e.after_peak.flow = b.flow - m.high.upto;
    e.peak_bar_dumped = e.after_peak.flow.volume.is_positive();
    e.trough = m.low_after_high;
    e.trough_bar = b.start;
    e.dump = Phase{};
    e.dump.flow = m.low_after_high.upto - m.high.upto;
    // The peak bar's sellers count for the dump only when trades followed the peak in it.
    if (e.peak_bar_dumped) {
      e.after_peak.take_sells(b, m.high.ref.ts, kNoLimitAfter);
      e.dump.take_sells(b, m.high.ref.ts, m.low_after_high.ref.ts);
    }
    e.qualified = dump_qualifies(e, e.trough.price, e.dump);
  }

  // The newest bar is a possible peak. Candidate lows are the suffix minima of the bars in the
  // pump window (each lower than every low after it); the lowest, largest rise, is tried first.
  // A pump on heavy volume is looked for first, so that a group's weaker pump never takes the
  // place of one that volume alone shows; then, unless `heavy_only`, a group's.
  void look_for_pump(bool heavy_only) {
    const size_t newest = bars_.size() - 1;
    const ClosedBar& top = bars_[newest];
    Timestamp earliest =
        std::max(top.start - interval() * (params_.max_pump_bars - 1), fresh_from_);
    if (top.start < earliest) return;
    candidates_.clear();
    candidates_.push_back(newest);
    Price lowest = top.marks.low_before_high.price;
    for (size_t k = newest; k-- > 0;) {
      const ClosedBar& b = bars_[k];
      if (b.start < earliest) break;
      if (b.marks.low.price < lowest) {
        lowest = b.marks.low.price;
        candidates_.push_back(k);
      }
    }
    if (try_candidates(false) || heavy_only) return;
    if (params_.min_group_share > 0) try_candidates(true);
  }

  // A few accounts bought most of the pump, and on their own as much a bar as the whole
  // symbol usually trades: where a pump has only a handful of trades, their buyers are
  // "most of it" by default, and that is no group's doing.
  bool group_drove(const Group& group, const Phase& pump, double baseline) const {
    const double bought_per_bar = group.bought.to_double() / static_cast<double>(pump.bars);
    return share_of(group.bought, pump.flow.volume) >= params_.min_group_share &&
           bought_per_bar >= baseline;
  }

  bool try_candidates(bool by_group) {
    const size_t newest = bars_.size() - 1;
    const ClosedBar& top = bars_[newest];
    for (auto it = candidates_.rbegin(); it != candidates_.rend(); ++it) {
      const TradeMark& low = *it == newest ? top.marks.low_before_high : bars_[*it].marks.low;
      if (!low.price.is_positive()) continue;
      double rise =
          (top.marks.high.price.to_double() - low.price.to_double()) / low.price.to_double();
      if (rise < params_.min_rise) return false;  // later candidates start higher: smaller rises
      if (try_pump(*it, low, by_group)) return true;
    }
    return false;
  }

  // A pump from `low` to the newest bar's high: on heavy volume, or (`by_group`) short of it
  // but bought mostly by a few accounts, whose dump must then be theirs too (dump_qualifies).
  bool try_pump(size_t first, const TradeMark& low, bool by_group) {
    const size_t newest = bars_.size() - 1;
    ClosedBar& top = bars_[newest];
    auto [baseline, baseline_bars] = baseline_before(bars_[first].start);
    if (baseline_bars < params_.min_baseline_bars || baseline <= 0) return false;

    Phase pump;
    pump.flow = first == newest ? top.marks.high.upto - low.before()
                                : bars_[first].flow - low.before() + top.marks.high.upto;
    for (size_t k = first + 1; k < newest; ++k) pump.flow += bars_[k].flow;
    pump.bars = static_cast<int64_t>(newest - first + 1);
    double ratio = pump.flow.volume.to_double() / static_cast<double>(pump.bars) / baseline;
    if (pump.flow.buy_share() < params_.min_buy_share) return false;
    if ((ratio >= params_.volume_ratio) == by_group) return false;

    for (size_t k = first; k <= newest; ++k) {
      pump.take_buys(bars_[k], low.ref.ts, top.marks.high.ref.ts);
    }
    Group group = Group::largest_buyers(pump.buyers);
    if (by_group && !group_drove(group, pump, baseline)) return false;
    Episode& e = episode_.emplace();
    e.group = group;
    e.by_group = by_group;
    e.low = low;
    e.baseline = baseline;
    e.baseline_bars = baseline_bars;
    e.pump = pump;
    start_after_peak(e, top);
    return true;
  }

  struct Baseline {
    double median;
    int64_t bars;
  };
  // Median volume of the traded bars in the baseline_bars slots before `pump_start`.
  Baseline baseline_before(Timestamp pump_start) {
    Timestamp from = pump_start - interval() * params_.baseline_bars;
    baseline_scratch_.clear();
    for (size_t k = volumes_.size(); k-- > 0;) {
      const BarVolume& v = volumes_[k];
      if (v.start < from) break;
      if (v.start < pump_start) baseline_scratch_.push_back(v.volume.raw());
    }
    size_t n = baseline_scratch_.size();
    if (n == 0) return {0, 0};
    auto mid = baseline_scratch_.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(baseline_scratch_.begin(), mid, baseline_scratch_.end());
    double upper = static_cast<double>(*mid);
    double median = upper;
    if (n % 2 == 0)
      median = (upper + static_cast<double>(*std::max_element(baseline_scratch_.begin(), mid))) / 2;
    return {median / static_cast<double>(kFixedScale), static_cast<int64_t>(n)};
  }

  SymbolId symbol_;
  PumpParams params_;
  const AlertWriter* writer_;
  OpenBar bar_;
  BarMarks marks_;
  RecentRing<ClosedBar> bars_;     // the pump window
  RecentRing<BarVolume> volumes_;  // the pump window and the baseline before it
  std::vector<int64_t> baseline_scratch_;
  std::vector<size_t> candidates_;
  std::optional<Episode> episode_;
  Timestamp fresh_from_ = Timestamp::min();  // a new pump's low must be in a bar from here on
};

// --- Alert text ---------------------------------------------------------------------------

std::string span_text(Duration d) {
  double s = d.to_seconds();
  if (s < 1) return "under 1 s";
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

Severity severity_of(const PumpParams& p, double rise, double giveback) {
  if (rise >= 3 * p.min_rise && giveback >= 0.8) return Severity::kCritical;
  if (rise >= 2 * p.min_rise) return Severity::kHigh;
  return Severity::kMedium;
}

// 50 at the thresholds, rising with each piece of evidence towards 100.
double score_of(const PumpParams& p, const Episode& e, double pump_ratio) {
  double rise = unit_share((e.rise() / p.min_rise - 1) / 3);
  double giveback = unit_share((e.giveback_to(e.trough.price) - p.min_giveback) /
                               std::max(1 - p.min_giveback, 0.1));
  double volume = p.volume_ratio > 0 ? unit_share((pump_ratio / p.volume_ratio - 1) / 3) : 1.0;
  double buys =
      unit_share((e.pump.flow.buy_share() - p.min_buy_share) / std::max(1 - p.min_buy_share, 0.01));
  double sells = unit_share((e.dump.flow.sell_share() - p.min_sell_share) /
                            std::max(1 - p.min_sell_share, 0.01));
  double strength = 0.3 * rise + 0.25 * giveback + 0.25 * volume + 0.1 * buys + 0.1 * sells;
  return 50 + 50 * strength;
}

int64_t slots_between(Timestamp first_bar, Timestamp last_bar, Duration interval) {
  return (last_bar - first_bar).count() / interval.count() + 1;
}

void AlertWriter::write(SymbolId symbol, const PumpParams& p, const Episode& e) const {
  std::string_view name = universe_.symbol_name(symbol);
  double rise = e.rise();
  double giveback = e.giveback_to(e.trough.price);
  double fall = (e.peak.price.to_double() - e.trough.price.to_double()) / e.peak.price.to_double();
  double pump_ratio = e.pump_ratio();
  double dump_ratio = e.dump.flow.volume.to_double() /
                      static_cast<double>(std::max<int64_t>(e.dump_bars(), 1)) / e.baseline;

  Alert alert;
  alert.rule = std::string(kRuleName);
  alert.symbol = std::string(name);
  alert.start = e.low.ref.ts;
  alert.end = e.trough.ref.ts;
  alert.id = make_alert_id(kRuleName, name, alert.start, alert.end,
                           e.low.ref.text() + "/" + e.peak.ref.text() + "/" + e.trough.ref.text());
  alert.severity = severity_of(p, rise, giveback);
  alert.score = score_of(p, e, pump_ratio);
  add_accounts(e, alert);

  Timestamp low_bar = e.low.ref.ts.floor_to(p.bar_interval);
  JsonObjectWriter json;
  json.field("pump_start", e.low.ref.ts.to_iso8601())
      .field("peak_time", e.peak.ref.ts.to_iso8601())
      .field("trough_time", e.trough.ref.ts.to_iso8601())
      .raw("start_price", e.low.price.to_string())
      .raw("peak_price", e.peak.price.to_string())
      .raw("trough_price", e.trough.price.to_string())
      .field("rise_pct", rise * 100)
      .field("fall_pct", fall * 100)
      .field("giveback", giveback)
      .field("baseline_volume", e.baseline)
      .field("baseline_bars", e.baseline_bars)
      .field("pump_volume_ratio", pump_ratio)
      .field("dump_volume_ratio", dump_ratio)
      .raw("pump_volume", e.pump.flow.volume.to_string())
      .raw("pump_buy_volume", e.pump.flow.buy.to_string())
      .raw("pump_sell_volume", e.pump.flow.sell.to_string())
      .field("pump_buy_share", e.pump.flow.buy_share())
      .raw("dump_volume", e.dump.flow.volume.to_string())
      .raw("dump_buy_volume", e.dump.flow.buy.to_string())
      .raw("dump_sell_volume", e.dump.flow.sell.to_string())
      .field("dump_sell_share", e.dump.flow.sell_share())
      .field("pump_bars", slots_between(low_bar, e.peak_bar, p.bar_interval))
      .field("dump_bars", slots_between(e.peak_bar, e.trough_bar, p.bar_interval))
      .field("bar_interval", p.bar_interval.to_string())
      .field("group_accounts", static_cast<int64_t>(e.group.count))
      .field("group_buy_share", e.group_buy_share())
      .field("group_sell_share", e.group_sell_share(e.dump))
      .field("by_group", e.by_group);
  alert.metrics_json = std::move(json).finish();

  alert.why = fmt::format(
      "{} rose {:.1f}% in {} on {:.1f}x normal volume ({:.0f}% buys), then gave back {:.0f}% of "
      "the rise within {} on {:.0f}% sells",
      name, rise * 100, span_text(e.peak.ref.ts - e.low.ref.ts), pump_ratio,
      e.pump.flow.buy_share() * 100, giveback * 100, span_text(e.trough.ref.ts - e.peak.ref.ts),
      e.dump.flow.sell_share() * 100);
  if (e.by_group) {
    alert.why += fmt::format(
        "; {} accounts bought {:.0f}% of the pump's volume and sold {:.0f}% of the dump's",
        e.group.count, e.group_buy_share() * 100, e.group_sell_share(e.dump) * 100);
  }

  // The turning points first, then the largest aggressive trades of each phase, once each.
  std::vector<TradeRef> refs{e.low.ref, e.peak.ref, e.trough.ref};
  for (const SizedTrade& t : e.pump.buys) refs.push_back(t.ref);
  for (const SizedTrade& t : e.dump.sells) refs.push_back(t.ref);
  for (size_t i = 0; i < refs.size(); ++i) {
    bool seen = std::any_of(refs.begin(), refs.begin() + static_cast<std::ptrdiff_t>(i),
                            [&](const TradeRef& r) { return r.same(refs[i]); });
    if (!seen) alert.add_evidence("trade", refs[i].text());
  }
  sink_.emit(std::move(alert));
}

// The top buyers of the pump, then the top sellers of the dump (when trades carry accounts).
void AlertWriter::add_accounts(const Episode& e, Alert& alert) const {
  constexpr size_t kPerPhase = 3;
  for (const TopAccounts* phase : {&e.pump.buyers, &e.dump.sellers}) {
    size_t count = 0;
    auto entries = phase->sorted(count);
    for (size_t i = 0; i < std::min(count, kPerPhase); ++i) {
      std::string account(universe_.account_name(entries[i].account));
      if (std::find(alert.accounts.begin(), alert.accounts.end(), account) ==
          alert.accounts.end()) {
        alert.accounts.push_back(std::move(account));
      }
    }
  }
}

// --- The detector -------------------------------------------------------------------------

class PumpAndDumpDetector final : public Detector {
 public:
  explicit PumpAndDumpDetector(const DetectorContext& context)
      : context_(context), writer_(context.universe, context.sink) {}

  // The class is final: on_event below is called directly, and inlined.
  void on_events(std::span<const Event> events) override {
    for (const Event& e : events) on_event(e);
  }

  bool reads_trades_only() const override { return true; }

  void on_event(const Event& event) override {
    if (!event.is_trade()) return;
    SymbolTracker* tracker = trackers_.find(event.symbol);
    if (tracker == nullptr) return on_first_trade(event);
    tracker->on_trade(event);
  }

  void advance_to(Timestamp watermark) override {
    trackers_.for_each([&](SymbolId, SymbolTracker& t) { t.advance_to(watermark); });
  }

  void finish() override {
    trackers_.for_each([](SymbolId, SymbolTracker& t) { t.finish(); });
  }

 private:
  // Out of the per-trade path, which finds known symbols by a plain index and calls nothing.
  [[gnu::noinline]] void on_first_trade(const Event& event) {
    SymbolId symbol = event.symbol;
    SymbolTracker& t = trackers_.get(symbol, [this](SymbolId s) { return make_tracker(s); });
    t.on_trade(event);
  }

  SymbolTracker make_tracker(SymbolId symbol) const {
    const ParamValues& values = context_.config.for_symbol(context_.universe.symbol_name(symbol));
    return SymbolTracker(symbol, PumpParams::from(values), writer_);
  }

  DetectorContext context_;
  AlertWriter writer_;
  PerSymbol<SymbolTracker> trackers_;
};

std::unique_ptr<Detector> make_pump_and_dump(const DetectorContext& context) {
  // Reject inconsistent settings now rather than on a symbol's first trade.
  PumpParams::from(context.config.values);
  for (const auto& [symbol, values] : context.config.per_symbol) PumpParams::from(values);
  return std::make_unique<PumpAndDumpDetector>(context);
}

}  // namespace

RuleInfo pump_and_dump_rule() {
  return {kRuleName, "price pumped on heavy buying, then dumped on selling (one alert per episode)",
          "trades with aggressor side (accounts optional)", param_specs(), &make_pump_and_dump};
}

}  // namespace tw
