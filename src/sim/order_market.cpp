#include "sim/order_market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "model/new_york_time.hpp"

namespace tw::sim {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
constexpr size_t kNoiseOrdersPerSymbol = 400;  // the oldest is pulled beyond this
// The session regime trades on after its close, thinly, as US equities' after-hours do.
constexpr Duration kAfterHours = Duration::minutes(30);
constexpr double kAfterHoursFactor = 0.15;
constexpr double kVolumeSeconds = 600;   // the time scale of a symbol's usual volume
constexpr int64_t kTypicalOrder = 300;   // shares: the noise traders' mean size
constexpr int64_t kAllOfIt = INT64_MAX;  // a cancel's size that pulls the whole order

struct RegimeEntry {
  Regime regime;
  std::string_view name;
  RegimeParams params;
};
// Rates per symbol: a liquid name sees some tens of order messages a second.
constexpr std::array<RegimeEntry, 4> kRegimes{{
    {Regime::kCalm, "calm", {20, 0.00012, 4, 1, 0.01, 0.05}},
    {Regime::kVolatile, "volatile", {30, 0.0005, 4, 3, 0.02, 0.10}},
    {Regime::kThin, "thin", {6, 0.00015, 1, 6, 0.01, 0.05}},
    {Regime::kSession, "session", {20, 0.00015, 4, 1, 0.01, 0.05}},
}};

}  // namespace

bool parse_regime(std::string_view word, Regime& out) {
  for (const RegimeEntry& r : kRegimes) {
    if (r.name == word) {
      out = r.regime;
      return true;
    }
  }
  return false;
}

std::string_view regime_name(Regime regime) {
  return kRegimes[static_cast<size_t>(regime)].name;
}

std::vector<std::string> regime_names() {
  std::vector<std::string> names;
  for (const RegimeEntry& r : kRegimes) names.emplace_back(r.name);
  return names;
}

RegimeParams regime_params(Regime regime) {
  return kRegimes[static_cast<size_t>(regime)].params;
}

// What an episode does on its symbol goes through the market's own matching engine, ids and
// random numbers, at the episode's time.
class OrderMarket::SymbolVenue final : public Venue {
 public:
  SymbolVenue(OrderMarket& market, Symbol& symbol, Timestamp now, std::vector<Event>& out)
      : market_(market), symbol_(symbol), now_(now), out_(out) {}

  Timestamp now() const override { return now_; }
  const MatchingBook& book() const override { return symbol_.book; }
  Rng& rng() override { return market_.rng_; }
  uint64_t send(AccountId who, Side side, int64_t price_ticks, int64_t qty,
                bool immediate_only) override {
    const OrderRequest order{++market_.next_order_, who, side, price_ticks, qty, immediate_only};
    symbol_.book.submit(order, now_, out_);
    return order.id;
  }
  void cancel(uint64_t id) override { symbol_.book.cancel(id, kAllOfIt, now_, out_); }
  int64_t typical_size() const override { return kTypicalOrder; }
  AccountId new_account(std::string_view owner) override {
    const std::string name = fmt::format("X{:04}", ++market_.next_manipulator_);
    if (!owner.empty()) {
      market_.universe_.set_owner(name, owner);
      market_.owners_.emplace_back(name, owner);
    }
    return market_.universe_.account(name);
  }
  std::string new_owner() override {
    return fmt::format("XOWN{:03}", ++market_.next_manipulator_owner_);
  }
  void shift_fair(double ticks) override { symbol_.fair = std::max(1.0, symbol_.fair + ticks); }
  double fair() const override { return symbol_.fair; }
  double volume_per_second() const override { return symbol_.volume_rate; }
  Timestamp close() const override {
    return market_.options_.regime == Regime::kSession ? market_.close_ : Timestamp::max();
  }
  void withdraw_liquidity(bool on, int64_t ticks) override {
    symbol_.withdrawn_ticks = on ? ticks : 0;
    if (on) market_.pull_near_touch(symbol_, ticks, now_, out_);
  }

 private:
  OrderMarket& market_;
  Symbol& symbol_;
  Timestamp now_;
  std::vector<Event>& out_;
};

OrderMarket::OrderMarket(const OrderMarketOptions& options)
    : options_(options), params_(regime_params(options.regime)), rng_(options.seed, 0x0de7) {
  if (options.symbols == 0) throw std::invalid_argument("an order market needs symbols");
  if (options.traders < 10) throw std::invalid_argument("an order market needs 10 traders or more");
  int64_t year = 0;
  unsigned month = 0, day = 0;
  if (!parse_civil_date(options.date, year, month, day)) {
    throw std::invalid_argument(fmt::format("date '{}' is not YYYY-MM-DD", options.date));
  }
  open_ = from_new_york_time(year, month, day, (9 * 60 + 30) * kNanosPerMinute);
  close_ = from_new_york_time(year, month, day, 16 * 60 * kNanosPerMinute);
  const bool session = options.regime == Regime::kSession;
  end_ = session ? close_ + kAfterHours
                 : open_ + Duration::nanos(static_cast<int64_t>(options.hours * 3600 * 1e9));
  if (!(end_ > open_)) throw std::invalid_argument("an order market needs time: hours > 0");
  last_start_ = (session ? close_ : end_) - options.tail;
  for (ManipulationKind kind : options.inject) {
    if (kind != ManipulationKind::kMarkingTheClose) scheduled_kinds_.push_back(kind);
  }
  const bool marks_close =
      session && std::find(options.inject.begin(), options.inject.end(),
                           ManipulationKind::kMarkingTheClose) != options.inject.end();
  for (uint32_t m = 0; m < params_.makers; ++m) {
    makers_.push_back(universe_.account(fmt::format("MM{:02}", m + 1)));
  }
  for (uint32_t t = 0; t < options.traders; ++t) {
    traders_.push_back(universe_.account(fmt::format("T{:04}", t + 1)));
  }
  make_owners();
  for (uint32_t i = 0; i < options.symbols; ++i) {
    const SymbolId id = universe_.symbol(fmt::format("SIM{:02}", i + 1));
    Symbol& s = symbols_.emplace_back(
        id, MatchingBook(id, Price::from_raw(kFixedScale / 100), &next_match_));
    s.fair = std::round(rng_.uniform(2000, 20000));  // $20-$200 in cents
    s.fast = s.slow = s.mid_average = s.fair;
    s.maker_quotes.assign(params_.makers, {0, 0});
    s.next_at = open_;
    schedule_episode(s, open_ + options.warmup - options.gap);
    // Half the symbols, at random, are pushed up in the last 5-8 minutes.
    if (marks_close && rng_.chance(0.5)) {
      s.marking_at = close_ - whole_micros(rng_.uniform(300, 480));
    }
  }
}

// One trader in ten shares its beneficial owner with the next one.
void OrderMarket::make_owners() {
  for (uint32_t t = 0; t + 1 < traders_.size(); t += 10) {
    const std::string owner = fmt::format("OWN{:03}", t / 10 + 1);
    for (uint32_t k : {t, t + 1}) {
      const std::string account(universe_.account_name(traders_[k]));
      universe_.set_owner(account, owner);
      owners_.emplace_back(account, owner);
    }
  }
}

bool OrderMarket::step(std::vector<Event>& out) {
  Symbol* next = nullptr;
  Timestamp at = Timestamp::max();
  bool episode = false;
  for (Symbol& s : symbols_) {
    if (s.next_at < at) at = s.next_at, next = &s, episode = false;
    if (s.episode && s.episode->next_at() < at)
      at = s.episode->next_at(), next = &s, episode = true;
  }
  if (!(at < end_)) return false;
  Symbol& s = *next;
  if (episode) {
    act_episode(s, out);
    return true;
  }
  const Timestamp now = s.next_at;
  if (!s.episode && !(now < s.marking_at)) {
    s.marking_at = Timestamp::max();
    start_episode(s, ManipulationKind::kMarkingTheClose, now, out);
  } else if (!s.episode && !(now < s.next_episode) && now < last_start_) {
    start_episode(s, scheduled_kinds_[rng_.below(static_cast<uint32_t>(scheduled_kinds_.size()))],
                  now, out);
  }
  act(s, now, out);
  const double rate = params_.actions_per_second * options_.activity * rate_factor(now);
  const double wait = rng_.exponential() / rate;
  s.next_at = now + whole_micros(wait);
  // The fair value moves with the square root of the time that passed.
  s.fair *= std::exp(params_.volatility * std::sqrt(wait) * rng_.normal());
  return true;
}

void OrderMarket::start_episode(Symbol& s, ManipulationKind kind, Timestamp now,
                                std::vector<Event>& out) {
  SymbolVenue venue(*this, s, now, out);
  s.episode = make_episode(kind, ++next_episode_, s.id, venue);
  s.episode->start_at(now);
}

void OrderMarket::act_episode(Symbol& s, std::vector<Event>& out) {
  const Timestamp now = s.episode->next_at();
  SymbolVenue venue(*this, s, now, out);
  const size_t before = out.size();
  const bool going = s.episode->act(venue);
  note_trades(s, out, before);
  if (going) return;
  if (s.episode->label().start != Timestamp{}) labels_.push_back(s.episode->label());
  s.withdrawn_ticks = 0;
  s.episode.reset();
  schedule_episode(s, now);
}

// Episodes of one symbol follow each other, `gap` and an exponential wait apart.
void OrderMarket::schedule_episode(Symbol& s, Timestamp after) {
  if (scheduled_kinds_.empty() || options_.episodes_per_hour <= 0) {
    s.next_episode = Timestamp::max();
    return;
  }
  const double wait = rng_.exponential() * 3600 / options_.episodes_per_hour;
  s.next_episode = after + options_.gap + whole_micros(wait);
}

void OrderMarket::pull_near_touch(Symbol& s, int64_t ticks, Timestamp now,
                                  std::vector<Event>& out) {
  if (!s.book.has_bid() || !s.book.has_ask()) return;
  const int64_t mid = (s.book.best_bid() + s.book.best_ask()) / 2;
  for (uint64_t id : s.book.orders_between(Side::kBuy, mid - ticks, INT64_MAX)) {
    s.book.cancel(id, kAllOfIt, now, out);
  }
  for (uint64_t id : s.book.orders_between(Side::kSell, 0, mid + ticks)) {
    s.book.cancel(id, kAllOfIt, now, out);
  }
}

std::vector<InjectedLabel> OrderMarket::take_labels() {
  std::vector<InjectedLabel> taken;
  taken.swap(labels_);
  return taken;
}

// The session regime is busiest at the open and at the close (about 3x), as equity days are.
double OrderMarket::rate_factor(Timestamp now) const {
  if (options_.regime != Regime::kSession) return 1;
  if (!(now < close_)) return kAfterHoursFactor;
  const double since_open = static_cast<double>((now - open_).count()) / kNanosPerMinute;
  const double to_close = static_cast<double>((close_ - now).count()) / kNanosPerMinute;
  return 1 + 2 * std::exp(-since_open / 20) + 2 * std::exp(-to_close / 20);
}

void OrderMarket::act(Symbol& s, Timestamp now, std::vector<Event>& out) {
  const size_t before = out.size();
  const double roll = rng_.uniform();
  const double informed = params_.informed_share, momentum = params_.momentum_share;
  if (roll < 0.35 || !s.book.has_bid() || !s.book.has_ask()) {
    requote(s, now, out);
  } else if (roll < 0.60) {
    rest_noise_order(s, now, out);
  } else if (roll < 0.80) {
    cancel_noise_order(s, now, out);
  } else if (roll < 0.80 + informed) {
    const Side side =
        s.fair > (s.book.best_bid() + s.book.best_ask()) / 2.0 ? Side::kBuy : Side::kSell;
    take(s, side, lot_size(30), 3, random_trader(), now, out);
  } else if (roll < 0.80 + informed + momentum) {
    const double trend = s.fast - s.slow;
    if (std::abs(trend) >= 1) {
      take(s, trend > 0 ? Side::kBuy : Side::kSell, lot_size(3), 1, random_trader(), now, out);
    }
  } else if (roll < 0.80 + informed + 2 * momentum) {
    const double mid = (s.book.best_bid() + s.book.best_ask()) / 2.0;
    if (std::abs(mid - s.mid_average) >= 3) {
      take(s, mid > s.mid_average ? Side::kSell : Side::kBuy, lot_size(3), 0, random_trader(), now,
           out);
    }
  } else {
    take(s, rng_.chance(0.5) ? Side::kBuy : Side::kSell, lot_size(2), 0, random_trader(), now, out);
  }
  note_trades(s, out, before);
}

// A maker pulls its quotes and quotes again around the fair value, never through the other
// side's best (a maker adds liquidity; it does not take it).
void OrderMarket::requote(Symbol& s, Timestamp now, std::vector<Event>& out) {
  const uint32_t maker = rng_.below(static_cast<uint32_t>(makers_.size()));
  std::array<uint64_t, 2>& quotes = s.maker_quotes[maker];
  for (uint64_t id : quotes) {
    if (id != 0) s.book.cancel(id, kAllOfIt, now, out);
  }
  const int64_t half =
      params_.half_spread_ticks + static_cast<int64_t>(rng_.below(2)) + s.withdrawn_ticks;
  int64_t bid = static_cast<int64_t>(std::floor(s.fair)) - half + 1;
  int64_t ask = static_cast<int64_t>(std::ceil(s.fair)) + half - 1;
  if (s.book.has_ask()) bid = std::min(bid, s.book.best_ask() - 1);
  if (s.book.has_bid()) ask = std::max(ask, s.book.best_bid() + 1);
  if (ask <= bid) ask = bid + 1;
  const int64_t size = lot_size(8);  // the same on both sides, as a maker quotes
  for (int side = 0; side < 2; ++side) {
    OrderRequest order{
        ++next_order_, makers_[maker], side == 0 ? Side::kBuy : Side::kSell, side == 0 ? bid : ask,
        size,          false,          smp_group_of(makers_[maker])};
    quotes[side] = order.price_ticks > 0 ? order.id : 0;
    s.book.submit(order, now, out);
  }
}

// At or a few ticks behind the side's best; now and then one tick better, when the spread
// leaves room.
void OrderMarket::rest_noise_order(Symbol& s, Timestamp now, std::vector<Event>& out) {
  const Side side = rng_.chance(0.5) ? Side::kBuy : Side::kSell;
  const bool buy = side == Side::kBuy;
  const int64_t best = buy ? s.book.best_bid() : s.book.best_ask();
  int64_t behind = 0;
  while (behind < 20 && rng_.chance(0.55)) ++behind;
  int64_t price = buy ? best - behind : best + behind;
  const bool room = s.book.best_ask() - s.book.best_bid() > 1 && s.withdrawn_ticks == 0;
  if (behind == 0 && room && rng_.chance(0.3)) {
    price += buy ? 1 : -1;
  }
  const AccountId who = random_trader();
  OrderRequest order{++next_order_, who, side, price, lot_size(3), false, smp_group_of(who)};
  s.book.submit(order, now, out);
  if (s.noise_orders.size() >= kNoiseOrdersPerSymbol) {
    s.book.cancel(s.noise_orders.front(), kAllOfIt, now, out);
    s.noise_orders.erase(s.noise_orders.begin());
  }
  s.noise_orders.push_back(order.id);
}

// Pulls a random resting noise order, whole or in part; most are pulled soon after they were
// placed, as real order flow does.
void OrderMarket::cancel_noise_order(Symbol& s, Timestamp now, std::vector<Event>& out) {
  if (s.noise_orders.empty()) return;
  const auto n = static_cast<uint32_t>(s.noise_orders.size());
  const uint32_t pick = rng_.chance(0.7) ? n - 1 - rng_.below(std::min(n, 8u)) : rng_.below(n);
  const uint64_t id = s.noise_orders[pick];
  const int64_t left = s.book.resting_qty(id);
  const bool part = left > 1 && rng_.chance(0.2);
  if (left > 0) s.book.cancel(id, part ? left / 2 : left, now, out);
  if (!part) {
    s.noise_orders[pick] = s.noise_orders.back();
    s.noise_orders.pop_back();
  }
}

void OrderMarket::take(Symbol& s, Side side, int64_t qty, int64_t reach_ticks, AccountId who,
                       Timestamp now, std::vector<Event>& out) {
  const bool buy = side == Side::kBuy;
  const int64_t price = buy ? s.book.best_ask() + reach_ticks : s.book.best_bid() - reach_ticks;
  OrderRequest order{++next_order_,    who, side, std::max<int64_t>(price, 1), qty, true,
                     smp_group_of(who)};
  s.book.submit(order, now, out);
}

void OrderMarket::note_trades(Symbol& s, const std::vector<Event>& out, size_t from) {
  for (size_t i = from; i < out.size(); ++i) {
    if (out[i].kind != EventKind::kOrderExecute) continue;
    const double ticks = static_cast<double>(out[i].price.raw()) / (kFixedScale / 100.0);
    s.fast += 0.2 * (ticks - s.fast);
    s.slow += 0.02 * (ticks - s.slow);
    note_volume(s, out[i]);
  }
  if (s.book.has_bid() && s.book.has_ask()) {
    s.mid_average += 0.01 * ((s.book.best_bid() + s.book.best_ask()) / 2.0 - s.mid_average);
  }
}

// Shares traded per second, averaged over the last ten minutes or so (an exponential decay).
void OrderMarket::note_volume(Symbol& s, const Event& execution) {
  const double since = (execution.ts - s.volume_at).to_seconds();
  s.volume_rate = s.volume_rate * std::exp(-since / kVolumeSeconds) +
                  static_cast<double>(execution.qty.raw() / kFixedScale) / kVolumeSeconds;
  s.volume_at = execution.ts;
}

// Whole lots of 100 shares, log-normal around `mean_lots`.
int64_t OrderMarket::lot_size(double mean_lots) {
  const double lots = rng_.log_normal(std::log(mean_lots) - 0.5, 1.0);
  return 100 * std::max<int64_t>(1, static_cast<int64_t>(std::llround(lots)));
}

// The market's own agents keep their owner's accounts from trading with each other, as firms
// do with a venue's self-match prevention; manipulators do not (Venue::send).
uint32_t OrderMarket::smp_group_of(AccountId account) const {
  return universe_.owner_of(account).value + 1;
}

AccountId OrderMarket::random_trader() {
  return traders_[rng_.below(static_cast<uint32_t>(traders_.size()))];
}

}  // namespace tw::sim
