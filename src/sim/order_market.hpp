// An order-level simulated market: agents trading through a matching engine per symbol.
//
// Each symbol has a fair value that follows a random walk (its volatility set by the regime)
// and a MatchingBook. Events come as a Poisson stream per symbol; each is one agent's action:
//  - market makers (accounts MM..) pull their two quotes and quote again around the fair value,
//    a few ticks wide (wider in the thin regime, where they are few);
//  - noise traders (accounts T....) rest limit orders at or behind their side's best price,
//    cancel them later, or take the touch with small immediate-only orders;
//  - momentum traders buy after a rise of the last prices and sell after a fall;
//  - mean-reversion traders trade against a departure of the mid from its slow average;
//  - now and then an informed trader takes several levels towards the fair value.
// Every action goes through the matching engine, so fills happen at resting prices in
// price-time priority; the agents use the venue's self-match prevention by beneficial owner, so
// an owner's accounts never trade with each other by chance. Accounts are grouped under beneficial
// owners (owners()). Regimes: calm, volatile, thin (one maker, wide spreads), and session (a day
// from 09:30 to 16:00 New York time, busiest at the open and the close). The same options give the
// same events.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/event.hpp"
#include "model/universe.hpp"
#include "sim/episodes.hpp"
#include "sim/matching_book.hpp"
#include "sim/random.hpp"

namespace tw::sim {

enum class Regime : uint8_t { kCalm, kVolatile, kThin, kSession };

/// "calm", "volatile", "thin" or "session"; false for another word.
bool parse_regime(std::string_view word, Regime& out);
std::string_view regime_name(Regime regime);
/// Every regime's name, in the order of the enum.
std::vector<std::string> regime_names();

struct OrderMarketOptions {
  uint32_t symbols = 5;
  uint32_t traders = 200;  // noise, momentum, mean-reversion and informed accounts together
  double hours = 1;        // the session regime runs 09:30-16:00 whatever this says
  uint64_t seed = 1;
  Regime regime = Regime::kCalm;
  std::string date = "2025-01-06";  // the day (New York) the market trades on
  double activity = 1;              // multiplies every symbol's event rate
  /// Injected episodes per symbol and hour, of kinds drawn from `inject` (none when empty).
  double episodes_per_hour = 2;
  std::vector<ManipulationKind> inject;
  /// No episode in the first `warmup` (the rules' baselines fill), none starts in the last
  /// `tail` (it would be cut short), and each symbol rests `gap` at least between two.
  Duration warmup = Duration::minutes(30);
  Duration tail = Duration::minutes(20);
  Duration gap = Duration::minutes(2);
};

/// What the agents of a regime do: rates per symbol and second, volatility, spreads.
struct RegimeParams {
  double actions_per_second;
  double volatility;  // of the fair value, relative, per square root of a second
  uint32_t makers;    // per symbol
  int64_t half_spread_ticks;
  double informed_share;  // of actions
  double momentum_share;
};
RegimeParams regime_params(Regime regime);

class OrderMarket {
 public:
  /// Throws std::invalid_argument for no symbols, no traders, a bad date or no time.
  explicit OrderMarket(const OrderMarketOptions& options);

  /// Appends the events of the next action to `out` (none when the action changed nothing);
  /// false once the market's time is over.
  bool step(std::vector<Event>& out);

  const Universe& universe() const { return universe_; }
  /// (account, owner) for every account that shares its beneficial owner with another.
  const std::vector<std::pair<std::string, std::string>>& owners() const { return owners_; }
  /// The labels of the episodes finished so far, in order of their end; taken, they are gone.
  std::vector<InjectedLabel> take_labels();
  Timestamp start() const { return open_; }
  Timestamp end() const { return end_; }

 private:
  struct Symbol {
    Symbol(SymbolId symbol, MatchingBook matching) : id(symbol), book(std::move(matching)) {}
    SymbolId id;
    MatchingBook book;
    double fair = 0;  // in ticks
    Timestamp next_at;
    std::vector<std::array<uint64_t, 2>> maker_quotes;  // per maker: its bid's and ask's ids
    std::vector<uint64_t> noise_orders;                 // resting, or filled since
    double fast = 0, slow = 0;                          // averages of trade prices, in ticks
    double mid_average = 0;                             // slow average of the mid, in ticks
    int64_t withdrawn_ticks = 0;  // liquidity withdrawn: the makers quote this much wider
    double volume_rate = 0;       // shares a second, over the last ten minutes or so
    Timestamp volume_at;          // of the last execution counted in it
    std::unique_ptr<Episode> episode;
    Timestamp next_episode;                   // when the next episode starts, while none runs
    Timestamp marking_at = Timestamp::max();  // when its marking of the close starts
  };
  class SymbolVenue;
  void act(Symbol& s, Timestamp now, std::vector<Event>& out);
  /// The episode of `s` acts at its time; when it is over, its label is kept and the next one
  /// scheduled.
  void act_episode(Symbol& s, std::vector<Event>& out);
  void schedule_episode(Symbol& s, Timestamp after);
  void start_episode(Symbol& s, ManipulationKind kind, Timestamp now, std::vector<Event>& out);
  void pull_near_touch(Symbol& s, int64_t ticks, Timestamp now, std::vector<Event>& out);
  void requote(Symbol& s, Timestamp now, std::vector<Event>& out);
  void rest_noise_order(Symbol& s, Timestamp now, std::vector<Event>& out);
  void cancel_noise_order(Symbol& s, Timestamp now, std::vector<Event>& out);
  void take(Symbol& s, Side side, int64_t qty, int64_t reach_ticks, AccountId who, Timestamp now,
            std::vector<Event>& out);
  void note_trades(Symbol& s, const std::vector<Event>& out, size_t from);
  void note_volume(Symbol& s, const Event& execution);
  double rate_factor(Timestamp now) const;
  int64_t lot_size(double mean_lots);
  AccountId random_trader();
  uint32_t smp_group_of(AccountId account) const;
  void make_owners();

  OrderMarketOptions options_;
  RegimeParams params_;
  Universe universe_;
  Rng rng_;
  std::vector<Symbol> symbols_;
  std::vector<AccountId> makers_;
  std::vector<AccountId> traders_;
  std::vector<std::pair<std::string, std::string>> owners_;
  Timestamp end_;
  Timestamp open_, close_;                         // of the session regime's day
  Timestamp last_start_;                           // no episode starts after it
  std::vector<ManipulationKind> scheduled_kinds_;  // the kinds drawn at random times
  uint64_t next_order_ = 0;
  uint64_t next_match_ = 0;
  uint64_t next_episode_ = 0;
  uint32_t next_manipulator_ = 0, next_manipulator_owner_ = 0;
  std::vector<InjectedLabel> labels_;
};

}  // namespace tw::sim
