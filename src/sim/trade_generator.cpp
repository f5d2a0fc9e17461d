#include "sim/trade_generator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "util/format.hpp"

namespace tw {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMicro = 1'000;
constexpr double kTwoPi = 6.283185307179586;

// Ordinary flow: side persistence (a buy is followed by a buy 60 % of the time, balanced in the
// long run) and the spread of trade sizes (log-normal, heavy right tail).
constexpr double kSideStickiness = 0.6;
constexpr double kSizeSigma = 1.2;
// GARCH(1,1) on 1-minute log returns: persistence 0.98 (half-life of about half an hour).
constexpr double kGarchAlpha = 0.06;
constexpr double kGarchBeta = 0.92;
// Volatility stays within [1/3, 2.5] times its long-run level, so calm or wild spells never
// reach the size of an injected pump.
constexpr double kMinVarianceRatio = 1.0 / 9;
constexpr double kMaxVarianceRatio = 6.25;
// Trade arrivals speed up with volatility, within these bounds.
constexpr double kMinVolumeFactor = 0.6;
constexpr double kMaxVolumeFactor = 1.8;
// Ordinary flow keeps clear of accidental round trips over this window.
constexpr Duration kRecentFillWindow = Duration::seconds(30);

// Injected episodes.
constexpr double kSameInstantShare = 0.35;  // round trips with both legs at one instant
constexpr double kWashSizeSigma = 0.8;      // wash legs are larger than the median trade
constexpr double kWashSizeScale = 2.0;
constexpr double kSelfTradeSizeScale = 1.5;
constexpr double kPumpSizeSigma = 0.5;  // pump flow sizes: same mean, less spread
constexpr int64_t kNoTime = INT64_MAX / 4;

int64_t floor_to_micros(int64_t ns) {
  int64_t q = ns / kNanosPerMicro;
  if (ns % kNanosPerMicro < 0) --q;
  return q * kNanosPerMicro;
}

int64_t seconds_to_micros_ns(double seconds) {
  if (!(seconds < 1e9)) return kNoTime;
  return std::llround(seconds * 1e6) * kNanosPerMicro;
}

double intraday_factor(int64_t ns) {
  // Crypto trades around the clock; activity peaks with the US/European overlap (15:00 UTC).
  constexpr int64_t kDay = 86'400 * kNanosPerSecond;
  int64_t of_day = ns % kDay;
  if (of_day < 0) of_day += kDay;
  double hour = static_cast<double>(of_day) / (3600.0 * kNanosPerSecond);
  return 1 + 0.3 * std::cos(kTwoPi * (hour - 15) / 24);
}

[[noreturn]] void bad_option(const std::string& name, const std::string& rule,
                             const std::string& got) {
  throw std::invalid_argument("generator option '" + name + "' " + rule + " (got " + got + ")");
}

void check_range(const char* name, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi)) {
    bad_option(name, "must be between " + format_number(lo) + " and " + format_number(hi),
               format_number(value));
  }
}

void check_duration(const char* name, Duration d, Duration max) {
  if (d < Duration() || d > max) {
    bad_option(name, "must be between 0s and " + max.to_string(), std::to_string(d.count()) + "ns");
  }
}

const GeneratorOptions& validated(const GeneratorOptions& options) {
  validate(options);
  return options;
}

double fills_per_window(const std::vector<sim::SymbolSpec>& specs, double activity) {
  double per_second = 0;
  for (const sim::SymbolSpec& spec : specs) per_second += spec.trades_per_second * activity;
  // Headroom for the busy hours and the injected flow.
  return 2 * per_second * static_cast<double>(kRecentFillWindow.count()) / kNanosPerSecond;
}

int64_t parse_start(const std::string& start) {
  auto ts = Timestamp::parse_iso8601(start);
  if (!ts || *ts < kEarliestSaneTime || *ts >= kLatestSaneTime) {
    bad_option("start", "must be an ISO-8601 time between 1990 and 2100", "'" + start + "'");
  }
  return floor_to_micros(ts->nanos());
}

}  // namespace

std::string_view event_type_name(TradeKind kind) {
  switch (kind) {
    case TradeKind::kTrade:
      return "TRADE";
    case TradeKind::kWash:
      return "WASH";
    case TradeKind::kSelfTrade:
      return "SELF_TRADE";
    case TradeKind::kPump:
      return "PUMP";
    case TradeKind::kDump:
      return "DUMP";
  }
  return "TRADE";
}

std::string_view rule_name(EpisodeKind kind) {
  return kind == EpisodeKind::kPumpAndDump ? "pump_and_dump" : "wash.round_trip";
}

std::string_view kind_name(EpisodeKind kind) {
  switch (kind) {
    case EpisodeKind::kRoundTrip:
      return "round_trip";
    case EpisodeKind::kSelfTrade:
      return "self_trade";
    case EpisodeKind::kPumpAndDump:
      return "pump_and_dump";
  }
  return "round_trip";
}

void validate(const GeneratorOptions& o) {
  check_range("symbols", o.symbols, 1, 10'000);
  check_range("accounts", o.accounts, 1, 1'000'000);
  check_range("hours", o.hours, 0, 100'000);
  if (o.hours == 0 && o.rows == 0) {
    bad_option("hours", "must be above 0 unless a row cap ('rows') is given", "0");
  }
  parse_start(o.start);
  check_range("activity", o.activity, 1e-6, 1e4);
  check_range("wash_per_hour", o.wash_per_hour, 0, 1e5);
  check_range("self_trades_per_hour", o.self_trades_per_hour, 0, 1e5);
  check_range("pump_dumps_per_hour", o.pump_dumps_per_hour, 0, 1e3);
  check_range("linked_wash_share", o.linked_wash_share, 0, 1);
  check_duration("wash_max_delay", o.wash_max_delay, Duration::minutes(10));
  check_duration("pump_warmup", o.pump_warmup, Duration::hours(24 * 366));
  check_duration("pump_cooldown", o.pump_cooldown, Duration::hours(24 * 366));
}

/// The hidden state of one instrument: its efficient price, volatility regime, flow and the
/// pump episode running on it, if any.
struct TradeGenerator::SymbolState {
  SymbolState(const sim::SymbolSpec& s, sim::Rng r) : spec(&s), rng(r) {}
  const sim::SymbolSpec* spec;
  sim::Rng rng;         // ordinary flow only: episodes draw elsewhere, so they do not shift it
  double log_mid = 0;   // log of the efficient price, without any manipulation
  double variance = 0;  // of the current minute's log return
  double long_run_variance = 0;
  double minute_return = 0;
  int second_of_minute = 0;
  int64_t next_step_ns = 0;  // the efficient price moves once per second
  double rate = 0;           // ordinary trades per second right now
  Side last_side = Side::kBuy;
  Price last_price;  // of the latest row on the symbol, 0 before the first

  // The pump-and-dump episode on this symbol.
  bool pumping = false;
  int64_t pump_start = 0, pump_peak = 0, pump_end = 0;
  double log_rise = 0, giveback = 0, pump_multiple = 0, dump_multiple = 0;
  EpisodeLabel pump_label;
};

TradeGenerator::TradeGenerator(const GeneratorOptions& options, bool linked_accounts)
    : options_(validated(options)),
      specs_(sim::make_symbol_specs(options.symbols)),
      account_names_(sim::make_account_names(options.accounts)),
      episode_rng_(options.seed, 1),
      recent_(kRecentFillWindow, fills_per_window(specs_, options.activity)) {
  start_ns_ = parse_start(options.start);
  end_ns_ = options.hours > 0 ? start_ns_ + seconds_to_micros_ns(options.hours * 3600) : kNoTime;

  // Heterogeneous activity: Zipf weights over a seeded shuffle of the accounts, so a handful of
  // accounts make a large share of the trades and which ones depends on the seed.
  sim::Rng setup(options.seed, 2);
  const uint32_t n = static_cast<uint32_t>(options.accounts);
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  for (uint32_t i = n; i > 1; --i) std::swap(order[i - 1], order[setup.below(i)]);
  std::vector<double> weights(n);
  for (uint32_t rank = 0; rank < n; ++rank) weights[order[rank]] = 1.0 / (rank + 1);
  activity_ = std::make_unique<sim::AliasSampler>(weights);

  for (uint32_t i = n; i > 1; --i) std::swap(order[i - 1], order[setup.below(i)]);
  const uint32_t manipulators = std::max(1u, n / 50);
  manipulators_.assign(order.begin(), order.begin() + manipulators);
  if (linked_accounts && n >= 2) {
    // Owner groups of two or three accounts, disjoint, from the same shuffle.
    uint32_t next = manipulators < n ? manipulators : 0;
    for (uint32_t g = 0; g < std::max(1u, n / 50) && next + 2 <= n; ++g) {
      uint32_t size = std::min(n - next, 2 + setup.below(2));
      owner_groups_.emplace_back(order.begin() + next, order.begin() + next + size);
      next += size;
    }
  }

  state_.reserve(specs_.size());
  for (uint32_t i = 0; i < specs_.size(); ++i) {
    const sim::SymbolSpec& spec = specs_[i];
    SymbolState& s = state_.emplace_back(spec, sim::Rng(options.seed, 100 + i));
    s.log_mid = std::log(spec.start_price.to_double());
    s.long_run_variance = spec.minute_volatility * spec.minute_volatility;
    s.variance = s.long_run_variance;
    s.next_step_ns = start_ns_ + kNanosPerSecond;
    s.rate = spec.trades_per_second * options.activity * intraday_factor(start_ns_);
  }

  for (uint32_t i = 0; i < specs_.size(); ++i) {
    schedule(start_ns_ + exp_gap_ns(state_[i].rng, state_[i].rate), Job::kBackground, i);
    schedule(start_ns_ + exp_gap_ns(episode_rng_, options.wash_per_hour / 3600), Job::kWashStart,
             i);
    schedule(start_ns_ + exp_gap_ns(episode_rng_, options.self_trades_per_hour / 3600),
             Job::kSelfTradeStart, i);
    schedule_next_pump(i, start_ns_ + options.pump_warmup.count());
  }
}

TradeGenerator::~TradeGenerator() = default;

int64_t TradeGenerator::exp_gap_ns(sim::Rng& rng, double per_second) const {
  double draw = rng.exponential();
  if (!(per_second > 0)) return kNoTime;
  return seconds_to_micros_ns(draw / per_second);
}

void TradeGenerator::schedule(int64_t ns, Job job, uint32_t index) {
  if (ns >= end_ns_ || ns >= kNoTime) return;
  queue_.push(Scheduled{ns, next_seq_++, job, index});
}

void TradeGenerator::schedule_next_pump(uint32_t symbol, int64_t after_ns) {
  // A uniform idle gap (mean 1/rate) rather than an exponential one: fewer runs without any
  // episode and fewer back-to-back ones.
  double rate = options_.pump_dumps_per_hour;
  double gap_hours = rate > 0 ? episode_rng_.uniform(0, 2 / rate) : 0;
  if (rate > 0)
    schedule(after_ns + seconds_to_micros_ns(gap_hours * 3600), Job::kPumpStart, symbol);
}

bool TradeGenerator::next(SimTrade& row) {
  while (ready_count_ == 0) {
    if (queue_.empty() || queue_.top().ns >= end_ns_) return false;
    Scheduled item = queue_.top();
    queue_.pop();
    dispatch(item);
  }
  row = ready_[ready_head_];
  ready_head_ = (ready_head_ + 1) % ready_.size();
  --ready_count_;
  record(row);
  return true;
}

void TradeGenerator::dispatch(const Scheduled& item) {
  switch (item.job) {
    case Job::kBackground:
      on_background(item.index, item.ns);
      break;
    case Job::kWashStart:
      on_wash_start(item.index, item.ns);
      break;
    case Job::kSelfTradeStart:
      on_self_trade(item.index, item.ns);
      break;
    case Job::kPumpStart:
      on_pump_start(item.index, item.ns);
      break;
    case Job::kPumpFlow:
      on_pump_flow(item.index, item.ns);
      break;
    case Job::kPumpEnd:
      on_pump_end(item.index, item.ns);
      break;
    case Job::kWashLeg:
      on_wash_leg(item.index);
      break;
  }
}

void TradeGenerator::emit(const SimTrade& row) {
  if (ready_count_ == ready_.size()) throw std::logic_error("trade generator: ready rows overflow");
  ready_[(ready_head_ + ready_count_) % ready_.size()] = row;
  ++ready_count_;
  if (row.kind != TradeKind::kTrade) {
    recent_.add(row.account, row.symbol, row.side, row.qty.raw(), row.ts);
  }
}

// ---- the efficient price and the quotes around it ----

void TradeGenerator::advance(SymbolState& s, int64_t ns) {
  while (s.next_step_ns <= ns) {
    double step = std::sqrt(s.variance / 60) * s.rng.normal();
    s.log_mid += step;
    s.minute_return += step;
    if (++s.second_of_minute == 60) {
      double r = s.minute_return;
      double omega = s.long_run_variance * (1 - kGarchAlpha - kGarchBeta);
      s.variance = std::clamp(omega + kGarchAlpha * r * r + kGarchBeta * s.variance,
                              kMinVarianceRatio * s.long_run_variance,
                              kMaxVarianceRatio * s.long_run_variance);
      s.minute_return = 0;
      s.second_of_minute = 0;
      double volume_factor = std::clamp(std::sqrt(s.variance / s.long_run_variance),
                                        kMinVolumeFactor, kMaxVolumeFactor);
      s.rate = s.spec->trades_per_second * options_.activity * intraday_factor(s.next_step_ns) *
               volume_factor;
    }
    s.next_step_ns += kNanosPerSecond;
  }
}

double TradeGenerator::level_offset(const SymbolState& s, int64_t ns) const {
  if (!s.pumping || ns < s.pump_start) return 0;
  if (ns < s.pump_peak) {
    double u =
        static_cast<double>(ns - s.pump_start) / static_cast<double>(s.pump_peak - s.pump_start);
    return s.log_rise * u;
  }
  // The dump falls fast at first and flattens out (1 - (1 - v)^2).
  double v = std::min(
      1.0, static_cast<double>(ns - s.pump_peak) / static_cast<double>(s.pump_end - s.pump_peak));
  return s.log_rise * (1 - s.giveback * v * (2 - v));
}

double TradeGenerator::mid_price(const SymbolState& s, int64_t ns) const {
  return std::exp(s.log_mid + level_offset(s, ns));
}

Price TradeGenerator::to_ticks(const SymbolState& s, double price) const {
  const Price tick = s.spec->tick;
  int64_t ticks = std::max<int64_t>(1, std::llround(price / tick.to_double()));
  return Price::from_raw(ticks * tick.raw());
}

Price TradeGenerator::quote(const SymbolState& s, Side side, int64_t ns) const {
  const sim::SymbolSpec& spec = *s.spec;
  auto bid = std::max<int64_t>(1, static_cast<int64_t>(mid_price(s, ns) / spec.tick.to_double()));
  int64_t ticks = side == Side::kBuy ? bid + spec.spread_ticks : bid;
  return Price::from_raw(ticks * spec.tick.raw());
}

Quantity TradeGenerator::draw_quantity(SymbolState& s, sim::Rng& rng, double size_sigma,
                                       double scale, int64_t ns) const {
  const sim::SymbolSpec& spec = *s.spec;
  double median_lots = spec.median_notional * scale / (mid_price(s, ns) * spec.lot.to_double());
  double lots = std::round(median_lots * rng.log_normal(0, size_sigma));
  double max_lots = 1e17 / static_cast<double>(spec.lot.raw());
  return Quantity::from_raw(static_cast<int64_t>(std::clamp(lots, 1.0, max_lots)) * spec.lot.raw());
}

// ---- ordinary flow ----

void TradeGenerator::on_background(uint32_t symbol, int64_t ns) {
  SymbolState& s = state_[symbol];
  advance(s, ns);
  SimTrade row;
  row.ts = Timestamp::from_nanos(ns);
  row.symbol = symbol;
  row.side = s.rng.chance(kSideStickiness) ? s.last_side : opposite(s.last_side);
  s.last_side = row.side;
  row.account = activity_->sample(s.rng);
  row.qty = draw_quantity(s, s.rng, kSizeSigma, 1.0, ns);
  // An ordinary account never mirrors one of its own recent fills (same size, other side):
  // such a pair would be an unlabelled round trip.
  while (recent_.contains(row.account, symbol, opposite(row.side), row.qty.raw(), row.ts)) {
    row.qty += specs_[symbol].lot;
  }
  recent_.add(row.account, symbol, row.side, row.qty.raw(), row.ts);
  row.price = quote(s, row.side, ns);
  emit(row);
  schedule(ns + exp_gap_ns(s.rng, s.rate), Job::kBackground, symbol);
}

// ---- wash round trips and self-trades ----

uint32_t TradeGenerator::draw_manipulator() {
  return manipulators_[episode_rng_.below(static_cast<uint32_t>(manipulators_.size()))];
}

std::vector<uint32_t> TradeGenerator::draw_distinct_accounts(uint32_t count) {
  std::vector<uint32_t> picked;
  const uint32_t n = static_cast<uint32_t>(account_names_.size());
  while (picked.size() < std::min(count, n)) {
    uint32_t a = episode_rng_.below(n);
    if (std::find(picked.begin(), picked.end(), a) == picked.end()) picked.push_back(a);
  }
  return picked;
}

EpisodeLabel TradeGenerator::new_label(EpisodeKind kind, uint32_t symbol, int64_t ns) {
  EpisodeLabel label;
  label.episode = ++episodes_;
  label.kind = kind;
  label.symbol = symbol;
  label.start = label.end = Timestamp::from_nanos(ns);
  return label;
}

void TradeGenerator::on_wash_start(uint32_t symbol, int64_t ns) {
  schedule(ns + exp_gap_ns(episode_rng_, options_.wash_per_hour / 3600), Job::kWashStart, symbol);
  SymbolState& s = state_[symbol];
  advance(s, ns);
  const bool linked = !owner_groups_.empty() && episode_rng_.chance(options_.linked_wash_share);
  const int64_t max_delay = options_.wash_max_delay.count();
  int64_t delay = 0;
  if (linked) {
    delay = floor_to_micros(
        static_cast<int64_t>(episode_rng_.uniform() * static_cast<double>(max_delay)));
  } else if (!episode_rng_.chance(kSameInstantShare)) {
    double lo = std::min(0.2e9, static_cast<double>(max_delay) / 2);
    delay = floor_to_micros(
        static_cast<int64_t>(episode_rng_.uniform(lo, static_cast<double>(max_delay))));
  }
  if (ns + delay >= end_ns_) return;  // no room for the second leg before the end
  EpisodeLabel label = new_label(EpisodeKind::kRoundTrip, symbol, ns);
  if (linked) {
    label.owner_group =
        static_cast<int>(episode_rng_.below(static_cast<uint32_t>(owner_groups_.size())));
    const std::vector<uint32_t>& group = owner_groups_[static_cast<size_t>(label.owner_group)];
    uint32_t first = episode_rng_.below(static_cast<uint32_t>(group.size()));
    uint32_t second = (first + 1 + episode_rng_.below(static_cast<uint32_t>(group.size() - 1))) %
                      static_cast<uint32_t>(group.size());
    label.accounts = {group[first], group[second]};
  } else {
    label.accounts = {draw_manipulator()};
  }
  label.first_side = episode_rng_.chance(0.5) ? Side::kBuy : Side::kSell;
  label.quantity = draw_quantity(s, episode_rng_, kWashSizeSigma, kWashSizeScale, ns);
  label.price = to_ticks(s, mid_price(s, ns));
  label.price2 = label.price;
  if (delay > 0 && episode_rng_.chance(0.5)) {
    // "Nearly" the same price: one tick away, either way.
    const Price tick = specs_[symbol].tick;
    label.price2 =
        episode_rng_.chance(0.5) || label.price <= tick ? label.price + tick : label.price - tick;
  }

  SimTrade leg;
  leg.ts = Timestamp::from_nanos(ns);
  leg.symbol = symbol;
  leg.account = label.accounts.front();
  leg.side = label.first_side;
  leg.qty = label.quantity;
  leg.price = label.price;
  leg.kind = TradeKind::kWash;
  leg.episode = label.episode;
  SimTrade second = leg;
  second.ts = Timestamp::from_nanos(ns + delay);
  second.account = label.accounts.back();
  second.side = opposite(leg.side);
  second.price = label.price2;
  second.closes_episode = true;
  open_.push_back(std::move(label));
  emit(leg);
  if (delay == 0) {
    emit(second);
    return;
  }
  auto slot = std::find_if(legs_.begin(), legs_.end(), [](const PendingLeg& p) { return !p.used; });
  if (slot == legs_.end()) slot = legs_.insert(legs_.end(), PendingLeg{});
  *slot = PendingLeg{second, true};
  schedule(ns + delay, Job::kWashLeg, static_cast<uint32_t>(slot - legs_.begin()));
}

void TradeGenerator::on_wash_leg(uint32_t slot) {
  PendingLeg& leg = legs_[slot];
  advance(state_[leg.row.symbol], leg.row.ts.nanos());
  leg.used = false;
  emit(leg.row);
}

void TradeGenerator::on_self_trade(uint32_t symbol, int64_t ns) {
  schedule(ns + exp_gap_ns(episode_rng_, options_.self_trades_per_hour / 3600),
           Job::kSelfTradeStart, symbol);
  SymbolState& s = state_[symbol];
  advance(s, ns);
  EpisodeLabel label = new_label(EpisodeKind::kSelfTrade, symbol, ns);
  label.accounts = {draw_manipulator()};
  label.quantity = draw_quantity(s, episode_rng_, kWashSizeSigma, kSelfTradeSizeScale, ns);
  label.price = label.price2 = to_ticks(s, mid_price(s, ns));
  label.first_side = Side::kBuy;

  SimTrade buy;
  buy.ts = Timestamp::from_nanos(ns);
  buy.symbol = symbol;
  buy.account = label.accounts.front();
  buy.side = Side::kBuy;
  buy.qty = label.quantity;
  buy.price = label.price;
  buy.kind = TradeKind::kSelfTrade;
  buy.episode = label.episode;
  SimTrade sell = buy;
  sell.side = Side::kSell;
  sell.closes_episode = true;
  open_.push_back(std::move(label));
  emit(buy);
  emit(sell);
}

// ---- pump and dump ----

void TradeGenerator::on_pump_start(uint32_t symbol, int64_t ns) {
  SymbolState& s = state_[symbol];
  int64_t pump_ns = seconds_to_micros_ns(episode_rng_.uniform(2, 5) * 60);
  int64_t dump_ns = seconds_to_micros_ns(episode_rng_.uniform(5, 15) * 60);
  double rise = episode_rng_.uniform(0.06, 0.15);
  double giveback = episode_rng_.uniform(0.65, 1.0);
  double pump_multiple = episode_rng_.uniform(3, 6);
  double dump_multiple = episode_rng_.uniform(1, 2);
  uint32_t ring_size = 3 + episode_rng_.below(4);
  if (ns + pump_ns + dump_ns >= end_ns_) return;  // would not finish: the symbol stays clean
  advance(s, ns);

  s.pumping = true;
  s.pump_start = ns;
  s.pump_peak = ns + pump_ns;
  s.pump_end = s.pump_peak + dump_ns;
  s.log_rise = std::log1p(rise);
  s.giveback = giveback;
  s.pump_multiple = pump_multiple;
  s.dump_multiple = dump_multiple;

  EpisodeLabel& label = s.pump_label = new_label(EpisodeKind::kPumpAndDump, symbol, ns);
  label.accounts = draw_distinct_accounts(ring_size);
  label.base_price = s.last_price.is_positive() ? s.last_price : to_ticks(s, mid_price(s, ns));
  label.peak_price = label.low_price = label.base_price;
  label.peak_time = label.start;
  label.pump_end = Timestamp::from_nanos(s.pump_peak);
  label.target_rise = rise;
  label.target_giveback = giveback;
  label.volume_multiple = pump_multiple;

  schedule(ns + exp_gap_ns(episode_rng_, pump_multiple * s.rate), Job::kPumpFlow, symbol);
  schedule(s.pump_end, Job::kPumpEnd, symbol);
}

void TradeGenerator::on_pump_flow(uint32_t symbol, int64_t ns) {
  SymbolState& s = state_[symbol];
  advance(s, ns);
  const bool pumping = ns < s.pump_peak;
  const std::vector<uint32_t>& ring = s.pump_label.accounts;
  SimTrade row;
  row.ts = Timestamp::from_nanos(ns);
  row.symbol = symbol;
  row.side = pumping ? Side::kBuy : Side::kSell;
  row.kind = pumping ? TradeKind::kPump : TradeKind::kDump;
  row.account = ring[episode_rng_.below(static_cast<uint32_t>(ring.size()))];
  // Same mean size as ordinary flow, so the volume multiple is the rate multiple.
  double scale = std::exp((kSizeSigma * kSizeSigma - kPumpSizeSigma * kPumpSizeSigma) / 2);
  row.qty = draw_quantity(s, episode_rng_, kPumpSizeSigma, scale, ns);
  row.price = quote(s, row.side, ns);
  row.episode = s.pump_label.episode;
  emit(row);
  int64_t next = ns + exp_gap_ns(episode_rng_, flow_multiple(s, ns) * s.rate);
  if (next < s.pump_end) schedule(next, Job::kPumpFlow, symbol);
}

double TradeGenerator::flow_multiple(const SymbolState& s, int64_t ns) const {
  if (ns < s.pump_peak) return s.pump_multiple;
  // Selling is heaviest right after the peak (1.5x the average) and fades to 0.5x.
  double v = static_cast<double>(ns - s.pump_peak) / static_cast<double>(s.pump_end - s.pump_peak);
  return s.dump_multiple * (1.5 - std::min(1.0, v));
}

void TradeGenerator::on_pump_end(uint32_t symbol, int64_t ns) {
  SymbolState& s = state_[symbol];
  advance(s, ns);
  // What was not given back stays in the price: fold it into the efficient price.
  s.log_mid += level_offset(s, ns);
  s.pumping = false;
  s.pump_label.end = Timestamp::from_nanos(ns);
  done_.push_back(std::move(s.pump_label));
  s.pump_label = EpisodeLabel{};
  schedule_next_pump(symbol, ns + options_.pump_cooldown.count());
}

// ---- labels ----

void TradeGenerator::record_pump_price(SymbolState& s, const SimTrade& row) {
  EpisodeLabel& label = s.pump_label;
  if (row.price > label.peak_price) {
    label.peak_price = label.low_price = row.price;
    label.peak_time = row.ts;
  } else if (row.price < label.low_price) {
    label.low_price = row.price;
  }
}

void TradeGenerator::record(const SimTrade& row) {
  SymbolState& s = state_[row.symbol];
  s.last_price = row.price;
  if (s.pumping && row.ts.nanos() >= s.pump_start) record_pump_price(s, row);
  if (row.episode == 0) return;
  if (row.kind == TradeKind::kPump || row.kind == TradeKind::kDump) {
    EpisodeLabel& label = s.pump_label;
    ++label.rows;
    label.end = row.ts;
    (row.kind == TradeKind::kPump ? label.pump_volume : label.dump_volume) += row.qty;
    return;
  }
  auto it = std::find_if(open_.begin(), open_.end(),
                         [&](const EpisodeLabel& l) { return l.episode == row.episode; });
  if (it == open_.end()) return;
  if (it->rows == 0) it->start = row.ts;
  ++it->rows;
  it->end = row.ts;
  if (row.closes_episode) complete(row.episode);
}

void TradeGenerator::complete(uint32_t episode) {
  auto it = std::find_if(open_.begin(), open_.end(),
                         [&](const EpisodeLabel& l) { return l.episode == episode; });
  done_.push_back(std::move(*it));
  open_.erase(it);
}

bool TradeGenerator::next_label(EpisodeLabel& label) {
  if (done_head_ == done_.size()) {
    done_.clear();
    done_head_ = 0;
    return false;
  }
  label = std::move(done_[done_head_++]);
  return true;
}

void TradeGenerator::close_open_episodes() {
  for (EpisodeLabel& label : open_) {
    label.truncated = true;
    // A round trip whose first leg never reached the tape left no trace: nothing to label.
    if (label.rows != 0) done_.push_back(std::move(label));
  }
  open_.clear();
  for (SymbolState& s : state_) {
    if (!s.pumping) continue;
    s.pumping = false;
    s.pump_label.truncated = true;  // its end is the last injected row on the tape
    done_.push_back(std::move(s.pump_label));
  }
  for (PendingLeg& leg : legs_) leg.used = false;
}

}  // namespace tw
