// Manipulation injected into the order market: each kind of episode, and its ground truth.
//
// An episode acts on one symbol through a Venue, that is through the symbol's matching engine
// like any other agent, so it pays the spread and moves the book; its label tells the rule that
// should find it, its accounts and its event-time window (first to last manipulative action).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "model/event.hpp"
#include "sim/matching_book.hpp"
#include "sim/random.hpp"

namespace tw::sim {

enum class ManipulationKind : uint8_t {
  kSelfTrade,
  kRoundTrip,
  kCollusiveRing,
  kWashVolume,
  kPumpAndDump,
  kSpoofing,
  kLayering,
  kQuoteStuffing,
  kMomentumIgnition,
  kExcessiveSpread,
  kOrderToTradeRatio,
  kMarkingTheClose,  // the session regime alone: it needs a close and trading after it
};

struct ManipulationInfo {
  ManipulationKind kind;
  std::string_view name;  // as labels and --inject name it
  std::string_view rule;  // the rule that should find it
  std::string_view also;  // another rule right to fire on it, when there is one (or empty)
};
std::span<const ManipulationInfo> manipulation_kinds();
const ManipulationInfo& manipulation_info(ManipulationKind kind);
/// False for a name no kind has.
bool parse_manipulation(std::string_view name, ManipulationKind& out);

/// The ground truth of one injected episode.
struct InjectedLabel {
  uint64_t episode = 0;
  ManipulationKind kind = ManipulationKind::kSelfTrade;
  SymbolId symbol;
  std::vector<AccountId> accounts;  // empty when the episode is a market condition
  Timestamp start, end;
};

/// What an episode may do on its symbol.
class Venue {
 public:
  virtual ~Venue() = default;
  virtual Timestamp now() const = 0;
  virtual const MatchingBook& book() const = 0;
  virtual Rng& rng() = 0;
  /// Sends an order through the matching engine; returns its id.
  virtual uint64_t send(AccountId who, Side side, int64_t price_ticks, int64_t qty,
                        bool immediate_only) = 0;
  /// Pulls what is left of order `id` (nothing when it no longer rests).
  virtual void cancel(uint64_t id) = 0;
  /// The size of an ordinary order of this market, in shares.
  virtual int64_t typical_size() const = 0;
  /// A fresh account, under beneficial owner `owner` when one is named.
  virtual AccountId new_account(std::string_view owner) = 0;
  virtual std::string new_owner() = 0;
  /// Moves the symbol's fair value (in ticks): the market's belief, that makers follow.
  virtual void shift_fair(double ticks) = 0;
  virtual double fair() const = 0;
  /// Liquidity withdrawn: the makers quote far away and nobody improves the touch; on, the
  /// orders within `ticks` of the mid are pulled at once.
  virtual void withdraw_liquidity(bool on, int64_t ticks) = 0;
  /// Shares the symbol traded per second over the last ten minutes or so.
  virtual double volume_per_second() const = 0;
  /// The session's close, Timestamp::max() in a market without one.
  virtual Timestamp close() const = 0;
};

/// A wait of `seconds` in whole microseconds, at least one: the market's times are whole
/// microseconds, as its CSV writes them, so that the file tells them exactly.
inline Duration whole_micros(double seconds) {
  return Duration::nanos(std::max<int64_t>(1, std::llround(seconds * 1e6)) * 1'000);
}

/// One injected episode: acts at next_at() until it says it is over.
class Episode {
 public:
  explicit Episode(InjectedLabel label) : label_(std::move(label)) {}
  virtual ~Episode() = default;
  /// Acts at next_at(); false once the episode is over and its label complete.
  virtual bool act(Venue& venue) = 0;
  Timestamp next_at() const { return next_at_; }
  void start_at(Timestamp t) { next_at_ = t; }
  const InjectedLabel& label() const { return label_; }

 protected:
  /// Acts again `seconds` from now.
  void wait(const Venue& venue, double seconds);
  /// Stretches the label's window over now: a manipulative action happened.
  void mark(const Venue& venue);
  /// The manipulation did not come about (the market never gave it the trade it needed): the
  /// episode ends without a label, as there is nothing a rule could be asked to find.
  void abandon() { label_.start = label_.end = Timestamp{}; }

  InjectedLabel label_;
  Timestamp next_at_;
};

/// An episode of `kind` numbered `number` on `symbol`, its accounts made in `venue`.
std::unique_ptr<Episode> make_episode(ManipulationKind kind, uint64_t number, SymbolId symbol,
                                      Venue& venue);

}  // namespace tw::sim
