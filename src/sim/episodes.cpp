#include "sim/episodes.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tw::sim {
namespace {

// A wash-volume episode is two accounts of one owner trading with each other: self-trades, which
// wash.round_trip reports rightly, though the volume is wash.volume_anomaly's to find.
constexpr std::array<ManipulationInfo, 12> kKinds{{
    {ManipulationKind::kSelfTrade, "self_trade", "wash.round_trip", ""},
    {ManipulationKind::kRoundTrip, "round_trip", "wash.round_trip", ""},
    {ManipulationKind::kCollusiveRing, "collusive_ring", "wash.collusive_ring", ""},
    {ManipulationKind::kWashVolume, "wash_volume", "wash.volume_anomaly", "wash.round_trip"},
    {ManipulationKind::kPumpAndDump, "pump_and_dump", "pump_and_dump", ""},
    {ManipulationKind::kSpoofing, "spoofing", "spoofing", ""},
    {ManipulationKind::kLayering, "layering", "layering", ""},
    {ManipulationKind::kQuoteStuffing, "quote_stuffing", "quote_stuffing", ""},
    {ManipulationKind::kMomentumIgnition, "momentum_ignition", "momentum_ignition", ""},
    {ManipulationKind::kExcessiveSpread, "excessive_spread", "excessive_spread", ""},
    {ManipulationKind::kOrderToTradeRatio, "order_to_trade_ratio", "order_to_trade_ratio", ""},
    {ManipulationKind::kMarkingTheClose, "marking_the_close", "marking_the_close", ""},
}};

constexpr double kRetrySeconds = 0.2;  // waiting for a spread to trade inside
constexpr double kGiveUpSeconds = 120;

bool two_sided(const MatchingBook& book) {
  return book.has_bid() && book.has_ask();
}

// The seller rests inside the spread and the buyer takes it at once: a trade between the two
// that no third party comes between, as prearranged trades are; at `agreed` when it is given
// (non-zero). False when no such price is inside the spread now; else the price it traded at.
int64_t transfer(Venue& v, AccountId seller, AccountId buyer, int64_t qty, int64_t agreed) {
  const MatchingBook& book = v.book();
  if (!two_sided(book) || book.best_ask() - book.best_bid() < 2) return 0;
  int64_t price = agreed;
  if (agreed == 0) {
    const int64_t inside = book.best_ask() - book.best_bid() - 1;
    price =
        book.best_bid() + 1 + static_cast<int64_t>(v.rng().below(static_cast<uint32_t>(inside)));
  } else if (agreed <= book.best_bid() || agreed >= book.best_ask()) {
    return 0;
  }
  v.send(seller, Side::kSell, price, qty, false);
  v.send(buyer, Side::kBuy, price, qty, true);
  return price;
}

/// Accounts of `count` distinct new owners.
std::vector<AccountId> accounts_of_new_owners(Venue& v, size_t count) {
  std::vector<AccountId> accounts;
  for (size_t i = 0; i < count; ++i) accounts.push_back(v.new_account(v.new_owner()));
  return accounts;
}

InjectedLabel label_of(ManipulationKind kind, uint64_t number, SymbolId symbol,
                       std::vector<AccountId> accounts) {
  InjectedLabel label;
  label.episode = number;
  label.kind = kind;
  label.symbol = symbol;
  label.accounts = std::move(accounts);
  return label;
}

/// Episodes made of transfers between accounts: `steps` transfers (seller, buyer, size), each
/// some seconds after the one before. Self-trades, round trips, rings and wash volume differ in
/// who trades with whom, how much and how often.
class Transfers final : public Episode {
 public:
  struct Step {
    AccountId seller, buyer;
    int64_t qty;
  };
  struct Pace {
    double min_gap, max_gap;  // seconds between two steps
    bool one_price;           // every step at the first one's price, as colluders agree
    size_t needed;            // steps without which there is no manipulation to find
  };
  Transfers(InjectedLabel label, std::vector<Step> steps, Pace pace)
      : Episode(std::move(label)), steps_(std::move(steps)), pace_(pace) {}

  bool act(Venue& v) override {
    const Step& step = steps_[next_];
    const int64_t price =
        transfer(v, step.seller, step.buyer, step.qty, pace_.one_price ? agreed_ : 0);
    if (price == 0) {
      waited_ += kRetrySeconds;
      wait(v, kRetrySeconds);
      if (waited_ < kGiveUpSeconds) return true;
      if (next_ < pace_.needed) abandon();
      return false;
    }
    agreed_ = price;
    mark(v);
    waited_ = 0;
    wait(v, v.rng().uniform(pace_.min_gap, pace_.max_gap));
    return ++next_ < steps_.size();
  }

 private:
  std::vector<Step> steps_;
  Pace pace_;
  size_t next_ = 0;
  double waited_ = 0;
  int64_t agreed_ = 0;
};

std::unique_ptr<Episode> self_trade(uint64_t number, SymbolId symbol, Venue& v) {
  const std::string owner = v.new_owner();
  const AccountId a = v.new_account(owner), b = v.new_account(owner);
  std::vector<Transfers::Step> steps;
  const int64_t qty = v.typical_size() * (1 + v.rng().below(4));
  for (uint32_t i = 0, n = 1 + v.rng().below(3); i < n; ++i) {
    steps.push_back(i % 2 == 0 ? Transfers::Step{a, b, qty} : Transfers::Step{b, a, qty});
  }
  return std::make_unique<Transfers>(label_of(ManipulationKind::kSelfTrade, number, symbol, {a, b}),
                                     std::move(steps), Transfers::Pace{1, 5, false, 1});
}

// A sells to B and B sells the same quantity back within seconds: no change of position.
std::unique_ptr<Episode> round_trip(uint64_t number, SymbolId symbol, Venue& v) {
  const std::vector<AccountId> ab = accounts_of_new_owners(v, 2);
  const int64_t qty = v.typical_size() * (1 + v.rng().below(4));
  return std::make_unique<Transfers>(
      label_of(ManipulationKind::kRoundTrip, number, symbol, ab),
      std::vector<Transfers::Step>{{ab[0], ab[1], qty}, {ab[1], ab[0], qty}},
      Transfers::Pace{3, 30, true, 2});
}

// The same quantity passed around three or four owners, one to three laps.
std::unique_ptr<Episode> collusive_ring(uint64_t number, SymbolId symbol, Venue& v) {
  const std::vector<AccountId> ring = accounts_of_new_owners(v, 3 + v.rng().below(2));
  const int64_t qty = v.typical_size() * (2 + v.rng().below(4));
  std::vector<Transfers::Step> steps;
  for (uint32_t lap = 0, laps = 1 + v.rng().below(3); lap < laps; ++lap) {
    for (size_t i = 0; i < ring.size(); ++i) {
      steps.push_back({ring[i], ring[(i + 1) % ring.size()], qty});
    }
  }
  const size_t lap = ring.size();
  return std::make_unique<Transfers>(
      label_of(ManipulationKind::kCollusiveRing, number, symbol, ring), std::move(steps),
      Transfers::Pace{1, 4, true, lap});
}

// Two accounts of one owner trade large sizes back and forth for a minute or two: volume far
// above the symbol's normal.
std::unique_ptr<Episode> wash_volume(uint64_t number, SymbolId symbol, Venue& v) {
  const std::string owner = v.new_owner();
  const AccountId a = v.new_account(owner), b = v.new_account(owner);
  std::vector<Transfers::Step> steps;
  for (uint32_t i = 0, n = 120 + v.rng().below(120); i < n; ++i) {
    const int64_t qty = v.typical_size() * (10 + v.rng().below(16));
    steps.push_back(i % 2 == 0 ? Transfers::Step{a, b, qty} : Transfers::Step{b, a, qty});
  }
  const size_t needed = steps.size() / 2;  // a volume far above normal
  return std::make_unique<Transfers>(
      label_of(ManipulationKind::kWashVolume, number, symbol, {a, b}), std::move(steps),
      Transfers::Pace{0.3, 0.7, false, needed});
}

// A ring buys hard while the market's belief rises with it (the pump), then sells into the
// fall it lets happen (the dump).
class PumpAndDump final : public Episode {
 public:
  PumpAndDump(uint64_t number, SymbolId symbol, Venue& v)
      : Episode(label_of(ManipulationKind::kPumpAndDump, number, symbol,
                         accounts_of_new_owners(v, 3 + v.rng().below(3)))),
        pump_seconds_(v.rng().uniform(120, 240)),
        dump_seconds_(v.rng().uniform(300, 600)),
        rise_ticks_(v.fair() * v.rng().uniform(0.05, 0.09)),
        giveback_(v.rng().uniform(0.7, 1.0)),
        volume_multiple_(v.rng().uniform(3, 6)) {}

  bool act(Venue& v) override {
    if (!two_sided(v.book())) {
      wait(v, kRetrySeconds);
      return true;
    }
    if (!started_) {
      started_ = true;
      began_ = v.now();
      usual_volume_ = std::max(v.volume_per_second(), 10.0);
    }
    const double elapsed = (v.now() - began_).to_seconds();
    const bool pumping = elapsed < pump_seconds_;
    if (!pumping && elapsed >= pump_seconds_ + dump_seconds_) return false;
    const double gap = pumping ? v.rng().uniform(0.4, 1.0) : v.rng().uniform(0.8, 2.0);
    const double share = gap / (pumping ? pump_seconds_ : dump_seconds_);
    v.shift_fair(pumping ? rise_ticks_ * share : -rise_ticks_ * giveback_ * share);
    const AccountId who =
        label_.accounts[v.rng().below(static_cast<uint32_t>(label_.accounts.size()))];
    // The ring brings several times the symbol's usual volume, in a busy market as in a quiet
    // one, taking several levels at a time.
    const double shares = volume_multiple_ * usual_volume_ * gap;
    const int64_t lots = std::llround(shares / static_cast<double>(v.typical_size()));
    const int64_t qty = v.typical_size() * std::max<int64_t>(1, lots);
    if (pumping) {
      v.send(who, Side::kBuy, v.book().best_ask() + reach(v.book()), qty, true);
    } else {
      v.send(who, Side::kSell, v.book().best_bid() - reach(v.book()), qty, true);
    }
    mark(v);
    wait(v, gap);
    return true;
  }

 private:
  // Ticks through the touch: more where the makers quote wider, as the book is thinner there.
  static int64_t reach(const MatchingBook& book) {
    return 5 + 2 * (book.best_ask() - book.best_bid());
  }
  double pump_seconds_, dump_seconds_, rise_ticks_, giveback_;
  double volume_multiple_;   // the ring's volume over the symbol's usual
  double usual_volume_ = 0;  // shares a second before it began
  bool started_ = false;
  Timestamp began_;
};

/// The best price of `side`, and one tick behind it.
int64_t behind_best(const MatchingBook& book, Side side, int64_t ticks) {
  return side == Side::kBuy ? book.best_bid() - ticks : book.best_ask() + ticks;
}

// Whether order `id`, of `size` when placed, still rests with 90% of it at least: a spoof or a
// layer is pulled mostly unfilled (one the market filled is neither).
bool mostly_unfilled(const Venue& v, uint64_t id, int64_t size) {
  return v.book().resting_qty(id) * 10 >= size * 9;
}

// Sells (for a spoof bid) at the best bid while the spoof rests one tick behind it, so that the
// trade goes to others' orders; nothing when the spoof's price has become the best.
bool trade_against(Venue& v, AccountId who, Side spoof_side, int64_t spoof_price) {
  const MatchingBook& book = v.book();
  if (!two_sided(book)) return false;
  const int64_t best = spoof_side == Side::kBuy ? book.best_bid() : book.best_ask();
  if (best == spoof_price) return false;
  v.send(who, opposite(spoof_side), best, v.typical_size(), true);
  return true;
}

// One large order one tick behind the best, two or three trades on the other side while it
// rests, then the order pulled within seconds.
class Spoofing final : public Episode {
 public:
  Spoofing(uint64_t number, SymbolId symbol, Venue& v)
      : Episode(
            label_of(ManipulationKind::kSpoofing, number, symbol, {v.new_account(v.new_owner())})),
        side_(v.rng().chance(0.5) ? Side::kBuy : Side::kSell),
        planned_trades_(2 + v.rng().below(2)) {}

  bool act(Venue& v) override {
    const AccountId who = label_.accounts[0];
    if (spoof_ == 0) {
      if (!two_sided(v.book())) {
        wait(v, kRetrySeconds);
        return true;
      }
      price_ = behind_best(v.book(), side_, 1);
      size_ = v.typical_size() * (15 + v.rng().below(16));
      spoof_ = v.send(who, side_, price_, size_, false);
      mark(v);
      placed_ = v.now();
      wait(v, v.rng().uniform(0.3, 1.0));
      return true;
    }
    if (traded_ < planned_trades_ && (v.now() - placed_).to_seconds() < 7) {
      if (trade_against(v, who, side_, price_)) {
        ++traded_;
        mark(v);
      }
      wait(v, v.rng().uniform(0.3, 1.5));
      return true;
    }
    // A spoof is pulled mostly unfilled, after trades against it: one the market filled, or
    // that got no trades, is no spoof.
    const bool unfilled = mostly_unfilled(v, spoof_, size_);
    v.cancel(spoof_);
    mark(v);
    if (traded_ < 2 || !unfilled) abandon();
    return false;
  }

 private:
  Side side_;
  uint32_t planned_trades_, traded_ = 0;
  uint64_t spoof_ = 0;
  int64_t price_ = 0, size_ = 0;
  Timestamp placed_;
};

// Orders at several prices behind the best that outweigh the side's visible book (its ten best
// levels) by half again, a trade on the other side, then all of them pulled together.
class Layering final : public Episode {
 public:
  Layering(uint64_t number, SymbolId symbol, Venue& v)
      : Episode(
            label_of(ManipulationKind::kLayering, number, symbol, {v.new_account(v.new_owner())})),
        side_(v.rng().chance(0.5) ? Side::kBuy : Side::kSell),
        layers_(3 + v.rng().below(3)) {}

  bool act(Venue& v) override {
    const AccountId who = label_.accounts[0];
    if (!two_sided(v.book()) && orders_.empty()) {
      wait(v, kRetrySeconds);
      return true;
    }
    if (orders_.size() < layers_) {
      place(v, who);
    } else if (!traded_ && tries_ < kTries) {
      traded_ = trade_against(v, who, side_, first_price_);
      ++tries_;
      if (traded_) mark(v);
      wait(v, traded_ ? v.rng().uniform(0.5, 3.0) : kRetrySeconds);
      return true;
    } else {
      filled_ |= !mostly_unfilled(v, orders_[pulled_], size_);
      v.cancel(orders_[pulled_]);
      if (traded_) mark(v);
      if (++pulled_ == orders_.size()) {
        // Layering is a trade against layers pulled mostly unfilled.
        if (!traded_ || filled_) abandon();
        return false;
      }
      wait(v, v.rng().uniform(0.05, 0.2));
      return true;
    }
    return true;
  }

 private:
  void place(Venue& v, AccountId who) {
    const MatchingBook& book = v.book();
    if (orders_.empty()) {
      const int64_t depth = book.depth(side_, kVisibleLevels);
      size_ = std::max(3 * v.typical_size(), depth * 3 / 2 / static_cast<int64_t>(layers_));
      first_price_ = behind_best(book, side_, 1);
    }
    const auto level = static_cast<int64_t>(orders_.size());
    const int64_t price = side_ == Side::kBuy ? first_price_ - level : first_price_ + level;
    orders_.push_back(v.send(who, side_, price, size_, false));
    mark(v);
    wait(v, v.rng().uniform(0.1, 0.6));
  }

  static constexpr uint32_t kTries = 40;  // 8 s of waiting for a trade against the layers
  static constexpr size_t kVisibleLevels = 10;
  Side side_;
  size_t layers_;
  std::vector<uint64_t> orders_;
  int64_t size_ = 0, first_price_ = 0;
  bool traded_ = false, filled_ = false;
  uint32_t tries_ = 0;
  size_t pulled_ = 0;
};

/// Orders far from the touch, each pulled as the next is sent: `messages` of them, `gap` seconds
/// apart. Quote stuffing sends a burst of hundreds a second; an order-to-trade excess the same
/// over many minutes.
class Churn final : public Episode {
 public:
  Churn(InjectedLabel label, uint32_t orders, double min_gap, double max_gap)
      : Episode(std::move(label)), orders_(orders), min_gap_(min_gap), max_gap_(max_gap) {}

  bool act(Venue& v) override {
    if (last_ != 0) v.cancel(last_);
    if (sent_ == orders_ || !two_sided(v.book())) {
      if (sent_ == orders_) {
        mark(v);
        return false;
      }
      wait(v, kRetrySeconds);
      return true;
    }
    const Side side = v.rng().chance(0.5) ? Side::kBuy : Side::kSell;
    const int64_t away = 20 + v.rng().below(20);
    last_ =
        v.send(label_.accounts[0], side, std::max<int64_t>(1, behind_best(v.book(), side, away)),
               v.typical_size(), false);
    ++sent_;
    mark(v);
    wait(v, v.rng().uniform(min_gap_, max_gap_));
    return true;
  }

 private:
  uint32_t orders_, sent_ = 0;
  double min_gap_, max_gap_;
  uint64_t last_ = 0;
};

// A few hundred messages a second for about two seconds, under the 1,000 messages an
// order-to-trade excess needs.
std::unique_ptr<Episode> quote_stuffing(uint64_t number, SymbolId symbol, Venue& v) {
  return std::make_unique<Churn>(
      label_of(ManipulationKind::kQuoteStuffing, number, symbol, {v.new_account(v.new_owner())}),
      350 + v.rng().below(100), 0.004, 0.008);
}

// 1,200 to 1,600 orders over ten to fifteen minutes, none meant to trade.
std::unique_ptr<Episode> order_to_trade_ratio(uint64_t number, SymbolId symbol, Venue& v) {
  return std::make_unique<Churn>(label_of(ManipulationKind::kOrderToTradeRatio, number, symbol,
                                          {v.new_account(v.new_owner())}),
                                 650 + v.rng().below(150), 0.8, 1.4);
}

// Six to eight orders that sweep the other side within seconds and move the price about half a
// percent; the makers, whose belief did not move, bring it back; the account sells into that.
class MomentumIgnition final : public Episode {
 public:
  MomentumIgnition(uint64_t number, SymbolId symbol, Venue& v)
      : Episode(label_of(ManipulationKind::kMomentumIgnition, number, symbol,
                         {v.new_account(v.new_owner())})),
        side_(v.rng().chance(0.5) ? Side::kBuy : Side::kSell),
        sweeps_(6 + v.rng().below(3)) {}

  bool act(Venue& v) override {
    const MatchingBook& book = v.book();
    if (!two_sided(book)) {
      wait(v, kRetrySeconds);
      return true;
    }
    const bool buy = side_ == Side::kBuy;
    if (done_ == 0) start_ = buy ? book.best_ask() : book.best_bid();
    if (done_ < sweeps_) {
      const double step = 0.006 * static_cast<double>(done_ + 1) / sweeps_;
      const auto move = std::max<int64_t>(done_ + 1, std::llround(start_ * step));
      const int64_t target = buy ? start_ + move : start_ - move;
      // What is left rests at the target, as the new best: the next sweep starts from there
      // even where the book is thin.
      sweeps_sent_.push_back(
          v.send(label_.accounts[0], side_, target, size_through(book, target), false));
      ++done_;
      mark(v);
      wait(v, done_ < sweeps_ ? v.rng().uniform(0.3, 1.0) : v.rng().uniform(5, 15));
      return true;
    }
    for (uint64_t id : sweeps_sent_) v.cancel(id);
    if (two_sided(book)) {
      v.send(label_.accounts[0], opposite(side_), buy ? book.best_bid() : book.best_ask(),
             v.typical_size() * 3, true);
    }
    mark(v);
    return false;
  }

 private:
  // All that rests on the other side up to `target`, and a lot more.
  int64_t size_through(const MatchingBook& book, int64_t target) const {
    const bool buy = side_ == Side::kBuy;
    int64_t total = 100;
    for (int64_t p = buy ? book.best_ask() : book.best_bid(); buy ? p <= target : p >= target;
         p += buy ? 1 : -1) {
      total += book.size_at(opposite(side_), p);
    }
    return total;
  }

  Side side_;
  uint32_t sweeps_, done_ = 0;
  int64_t start_ = 0;
  std::vector<uint64_t> sweeps_sent_;
};

// The makers step away for one to three minutes and the touch empties: a market condition, so
// the label names no account.
class ExcessiveSpread final : public Episode {
 public:
  ExcessiveSpread(uint64_t number, SymbolId symbol, Venue& v)
      : Episode(label_of(ManipulationKind::kExcessiveSpread, number, symbol, {})),
        seconds_(v.rng().uniform(60, 180)) {}

  bool act(Venue& v) override {
    if (!on_) {
      // As wide as 30 basis points of the price, and never under 8 ticks.
      v.withdraw_liquidity(true, std::max<int64_t>(8, std::llround(v.fair() * 0.003)));
      on_ = true;
      mark(v);
      wait(v, seconds_);
      return true;
    }
    v.withdraw_liquidity(false, 0);
    mark(v);
    return false;
  }

 private:
  double seconds_;
  bool on_ = false;
};

// Buys hard in the last minutes before the close while the market's belief rises with it, so
// that the close prints high; after the close the belief falls back, and the after-hours
// trades show the give-back.
class MarkingTheClose final : public Episode {
 public:
  MarkingTheClose(uint64_t number, SymbolId symbol, Venue& v)
      : Episode(label_of(ManipulationKind::kMarkingTheClose, number, symbol,
                         {v.new_account(v.new_owner())})),
        rise_ticks_(v.fair() * v.rng().uniform(0.02, 0.035)),
        giveback_(v.rng().uniform(0.7, 1.0)) {}

  bool act(Venue& v) override {
    if (pushing_seconds_ == 0)
      pushing_seconds_ = std::max(60.0, (v.close() - v.now()).to_seconds());
    if (v.now() < v.close()) {
      const double gap = v.rng().uniform(1, 2);
      v.shift_fair(rise_ticks_ * gap / pushing_seconds_);
      if (two_sided(v.book())) {
        v.send(label_.accounts[0], Side::kBuy, v.book().best_ask() + 1,
               v.typical_size() * (5 + v.rng().below(6)), true);
        mark(v);
      }
      wait(v, gap);
      return true;
    }
    // After the close: the belief gives back over ten minutes.
    if (reverting_seconds_ >= kRevertSeconds) return false;
    v.shift_fair(-rise_ticks_ * giveback_ * kRevertStep / kRevertSeconds);
    reverting_seconds_ += kRevertStep;
    wait(v, kRevertStep);
    return true;
  }

 private:
  static constexpr double kRevertSeconds = 600, kRevertStep = 5;
  double rise_ticks_, giveback_;
  double pushing_seconds_ = 0, reverting_seconds_ = 0;
};

}  // namespace

std::span<const ManipulationInfo> manipulation_kinds() {
  return kKinds;
}

const ManipulationInfo& manipulation_info(ManipulationKind kind) {
  return kKinds[static_cast<size_t>(kind)];
}

bool parse_manipulation(std::string_view name, ManipulationKind& out) {
  for (const ManipulationInfo& k : kKinds) {
    if (k.name == name) {
      out = k.kind;
      return true;
    }
  }
  return false;
}

void Episode::wait(const Venue& venue, double seconds) {
  next_at_ = venue.now() + whole_micros(seconds);
}

void Episode::mark(const Venue& venue) {
  if (label_.start == Timestamp{}) label_.start = venue.now();
  label_.end = venue.now();
}

std::unique_ptr<Episode> make_episode(ManipulationKind kind, uint64_t number, SymbolId symbol,
                                      Venue& venue) {
  switch (kind) {
    case ManipulationKind::kSelfTrade:
      return self_trade(number, symbol, venue);
    case ManipulationKind::kRoundTrip:
      return round_trip(number, symbol, venue);
    case ManipulationKind::kCollusiveRing:
      return collusive_ring(number, symbol, venue);
    case ManipulationKind::kWashVolume:
      return wash_volume(number, symbol, venue);
    case ManipulationKind::kPumpAndDump:
      return std::make_unique<PumpAndDump>(number, symbol, venue);
    case ManipulationKind::kSpoofing:
      return std::make_unique<Spoofing>(number, symbol, venue);
    case ManipulationKind::kLayering:
      return std::make_unique<Layering>(number, symbol, venue);
    case ManipulationKind::kQuoteStuffing:
      return quote_stuffing(number, symbol, venue);
    case ManipulationKind::kMomentumIgnition:
      return std::make_unique<MomentumIgnition>(number, symbol, venue);
    case ManipulationKind::kExcessiveSpread:
      return std::make_unique<ExcessiveSpread>(number, symbol, venue);
    case ManipulationKind::kOrderToTradeRatio:
      return order_to_trade_ratio(number, symbol, venue);
    case ManipulationKind::kMarkingTheClose:
      return std::make_unique<MarkingTheClose>(number, symbol, venue);
  }
  return nullptr;
}

}  // namespace tw::sim
