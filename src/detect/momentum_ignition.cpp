#include "detect/momentum_ignition.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "detect/account_volumes.hpp"
#include "detect/symbol_rule.hpp"
#include "util/format.hpp"
#include "util/growable_ring.hpp"

namespace tw {
namespace {

// Parameter names, shared by the specs and the code that reads them.
constexpr const char* kMinMoveBps = "min_move_bps";
constexpr const char* kIgnitionWindow = "ignition_window";
constexpr const char* kReversalWindow = "reversal_window";
constexpr const char* kMinReversalShare = "min_reversal_share";
constexpr const char* kMinAggressiveTrades = "min_aggressive_trades";
constexpr const char* kMinAggressiveShare = "min_aggressive_share";
constexpr const char* kMaxHeldTrades = "max_held_trades";
constexpr const char* kRequireInitiatorReversal = "require_initiator_reversal";
constexpr const char* kMinInitiatorShare = "min_initiator_share";
constexpr const char* kMinInitiatorOrders = "min_initiator_orders";

/// Most accounts an episode names (the initiators of its cycles).
constexpr size_t kMaxNamedAccounts = 8;
/// Evidence ids a cycle's burst may take, so that its reversal trades are shown as well.
constexpr uint64_t kMaxBurstEvidence = kMaxEvidenceIds / 2;
/// A move this many times the smallest one scores full marks for its size.
constexpr double kFullMoveMultiple = 3;
/// Trades a symbol's ring holds room for at first.
constexpr size_t kInitialHeld = 16;

std::vector<ParamSpec> param_specs() {
  return {
      {kMinMoveBps, ParamType::kNumber, "30",
       "smallest move of the burst, in basis points of the price it started from", 0.01, 10000},
      {kIgnitionWindow, ParamType::kDuration, "10s",
       "the burst moves the price within this time, from its starting trade to its peak"},
      {kReversalWindow, ParamType::kDuration, "1m",
       "the reversal is looked for in the trades within this time of the peak; a cycle starting "
       "within it of the previous cycle's end joins that cycle's episode"},
      {kMinReversalShare, ParamType::kNumber, "0.5",
       "smallest share of the move given back after the peak (0.5 = 50%)", 0.01, 1},
      {kMinAggressiveTrades, ParamType::kInteger, "5",
       "least trades in the burst whose aggressor pushed in the move's direction (prints of "
       "one side at one instant count once: one order sweeping the book)",
       1, 1e6},
      {kMinAggressiveShare, ParamType::kNumber, "0.7",
       "smallest share of the burst's volume whose aggressor pushed in the move's direction", 0, 1},
      {kMaxHeldTrades, ParamType::kInteger, "4096",
       "most recent trades a symbol holds (the ignition window, and an open cycle from its "
       "start): bounds memory; a cycle that outgrows it is judged on what it holds",
       16, 1 << 20},
      {kRequireInitiatorReversal, ParamType::kBool, "true",
       "when the burst's aggressors are known, report only cycles whose initiator (its owner) "
       "trades the other side within the reversal window of the peak"},
      {kMinInitiatorShare, ParamType::kNumber, "0.5",
       "when the burst's aggressors are known, the smallest share of the burst's aggressive "
       "volume in the move's direction that the initiator's owner sent (0: any largest "
       "aggressor)",
       0, 1},
      {kMinInitiatorOrders, ParamType::kInteger, "3",
       "when the burst's aggressors are known, the least aggressive orders the initiator's owner "
       "sends in the burst (a sweep's prints count once): a series of orders, not one large "
       "order walking the book",
       1, 1e6},
  };
}

constexpr size_t index_of(Side s) {
  return static_cast<size_t>(s);
}

/// Volume (raw) and aggressive trades by aggressor side, and prints, summed over a symbol's
/// trades modulo 2^64: the flow of any run of held trades is the difference of two running
/// sums, exact while the run's own volume fits in 64 bits. An order sweeping the book prints
/// once per resting order it takes, all at one instant: consecutive prints of one aggressor
/// side at one instant are one aggressive trade.
struct RunningFlow {
  std::array<uint64_t, 3> volume{};  // indexed by Side: kUnknown, kBuy, kSell
  std::array<uint64_t, 3> aggressive{};
  uint64_t prints = 0;

  void add(Side side, Quantity qty, bool same_sweep) {
    volume[index_of(side)] += static_cast<uint64_t>(qty.raw());
    aggressive[index_of(side)] += same_sweep ? 0 : 1;
    ++prints;
  }
  RunningFlow since(const RunningFlow& earlier) const {
    RunningFlow run;
    for (size_t i = 0; i < volume.size(); ++i) {
      run.volume[i] = volume[i] - earlier.volume[i];
      run.aggressive[i] = aggressive[i] - earlier.aggressive[i];
    }
    run.prints = prints - earlier.prints;
    return run;
  }
  int64_t aggressive_by(Side side) const {
    return static_cast<int64_t>(aggressive[index_of(side)]);
  }
  double volume_share(Side side) const {
    double total = static_cast<double>(volume[0] + volume[1] + volume[2]);
    return total > 0 ? static_cast<double>(volume[index_of(side)]) / total : 0;
  }
};

/// A trade the symbol still holds.
struct HeldTrade {
  Timestamp ts;
  Price price;
  Quantity qty;
  Side side = Side::kUnknown;
  AccountId buyer, seller;
  EventRef ref;
  RunningFlow through;  // the symbol's flow up to and including this trade

  /// The account of the side that initiated the trade, when known.
  AccountId aggressor() const { return side == Side::kBuy ? buyer : seller; }
};

/// A finished cycle: burst, peak and reversal, with what the alert reports of it.
struct Cycle {
  Side direction = Side::kUnknown;
  Timestamp start, peak_time, end;  // the burst's starting trade, its peak, the trough
  Price from, peak, trough;
  double move_bps = 0;
  double reversal_share = 0;  // of the move, given back at the trough
  int64_t burst_trades = 0;
  int64_t aggressive_trades = 0;  // in the move's direction, a sweep counting once
  double aggressive_share = 0;    // of the burst's volume
  int64_t reversal_trades = 0;
  AccountId initiator;              // the burst's largest known aggressor
  Quantity initiator_burst_qty;     // sent by the initiator's owner, in the move's direction
  double initiator_share = 0;       // of the burst's aggressive volume in the move's direction
  int64_t initiator_orders = 0;     // the initiator's owner's aggressive orders in the burst
  Quantity initiator_reversal_qty;  // traded by the initiator's owner on the other side
  double score = 0;

  bool initiator_reversed() const { return initiator_reversal_qty.is_positive(); }
};

/// Cycles that follow each other closely: one alert.
struct Episode {
  bool open = false;
  Timestamp start, end;
  int64_t cycles = 0;
  Cycle strongest;
  std::vector<EventRef> evidence;  // reserved for kMaxEvidenceIds: filling it never allocates
  uint64_t evidence_total = 0;
  std::array<AccountId, kMaxNamedAccounts> accounts{};
  size_t account_count = 0;

  void name(AccountId account) {
    if (!account) return;
    for (size_t i = 0; i < account_count; ++i) {
      if (accounts[i] == account) return;
    }
    if (account_count < accounts.size()) accounts[account_count++] = account;
  }
};

/// Momentum ignition on one symbol: trades are held over the ignition window in a ring, with
/// the window's lowest and highest prices in two monotonic queues. A burst starts at the
/// window's extreme; once it qualifies, the cycle follows its peak and then its reversal.
class MomentumIgnition {
 public:
  static constexpr std::string_view kRule = "momentum_ignition";

  struct Params {
    double min_move_bps = 0;
    Duration ignition_window;
    Duration reversal_window;
    double min_reversal_share = 0;
    int64_t min_aggressive_trades = 0;
    double min_aggressive_share = 0;
    size_t max_held_trades = 0;
    bool require_initiator_reversal = false;
    double min_initiator_share = 0;
    int64_t min_initiator_orders = 0;

    static Params read(const ParamValues& v, std::string_view where) {
      Params p;
      p.min_move_bps = v.number(kMinMoveBps);
      p.ignition_window = v.duration(kIgnitionWindow);
      p.reversal_window = v.duration(kReversalWindow);
      p.min_reversal_share = v.number(kMinReversalShare);
      p.min_aggressive_trades = v.integer(kMinAggressiveTrades);
      p.min_aggressive_share = v.number(kMinAggressiveShare);
      p.max_held_trades = static_cast<size_t>(v.integer(kMaxHeldTrades));
      p.require_initiator_reversal = v.flag(kRequireInitiatorReversal);
      p.min_initiator_share = v.number(kMinInitiatorShare);
      p.min_initiator_orders = v.integer(kMinInitiatorOrders);
      // A burst is its starting trade and at least min_aggressive_trades more.
      if (static_cast<int64_t>(p.max_held_trades) <= p.min_aggressive_trades) {
        throw ConfigError(fmt::format("rules.{}.{}: {} must exceed {} ({})", where, kMaxHeldTrades,
                                      p.max_held_trades, kMinAggressiveTrades,
                                      p.min_aggressive_trades));
      }
      return p;
    }
  };

  MomentumIgnition(const SymbolScope& scope, const Params& params) : scope_(scope), p_(params) {
    episode_.evidence.reserve(kMaxEvidenceIds);
  }

  static constexpr bool kReadsTradesOnly = true;  // wants() takes trades alone
  /// Continuous trading's prints with a price and a size.
  static bool wants(const Event& e) {
    return e.is_trade() && (e.flags & event_flags::kAuction) == 0 && e.price.is_positive() &&
           e.qty.is_positive();
  }

  void on_event(const Event& e) {
    expire(e.ts);
    uint64_t n = hold(e);
    if (cycle_.phase == Phase::kWatching) return watch(n);
    follow(n);
  }

  void advance_to(Timestamp watermark) { expire(watermark); }
  /// Only an open cycle or episode can end with time.
  Timestamp due() const {
    return cycle_.phase == Phase::kWatching && !episode_.open ? Timestamp::max() : Timestamp::min();
  }

  void finish() {
    if (cycle_.phase != Phase::kWatching) end_cycle(last_held());
    if (episode_.open) emit();
  }

 private:
  enum class Phase : uint8_t { kWatching, kIgnited, kReversing };

  /// The cycle being followed, by the positions of its trades in the ring.
  struct OpenCycle {
    Phase phase = Phase::kWatching;
    Side direction = Side::kUnknown;
    uint64_t start = 0;  // the trade the burst moved away from
    uint64_t peak = 0;
    uint64_t trough = 0;     // the trade that gave back most since the peak (the peak at first)
    int64_t given_back = 0;  // raw price, at the trough
    AccountId initiator;     // the burst's largest known aggressor when it ignited
  };

  /// Who drove a burst: its largest known aggressor, and what that one's owner sent of the
  /// burst's aggressive volume in the move's direction.
  struct Initiator {
    AccountId account;
    Quantity qty;
    double share = 0;
    int64_t orders = 0;  // its aggressive orders in the burst: a sweep's prints count once
    Timestamp first_order;
  };

  /// What initiator_of has summed of the burst (start, last] in one direction, so that the
  /// same burst grown by a trade costs that trade, not a scan: a burst is asked about at each
  /// of its new extremes. The sums are those a fresh scan makes (the same adds, in order).
  struct InitiatorScan {
    uint64_t start = 0, last = 0;  // summed: (start, last]; last == start: nothing yet
    TopAccounts aggressors;
    Quantity pushed;
    OwnerId owner;  // whose part `initiator` sums, over (start, owner_last]
    uint64_t owner_last = 0;
    Initiator initiator;
    Timestamp last_order;

    /// Starts again unless (start, last] extends what is summed.
    void cover(uint64_t from, uint64_t to) {
      if (from == start && to >= last) return;
      start = last = owner_last = from;
      aggressors.clear();
      pushed = Quantity{};
      forget_owner();
    }
    void follow(OwnerId o) {
      if (o == owner) return;
      owner = o;
      owner_last = start;
      forget_owner();
    }
    void forget_owner() {
      initiator = Initiator{};
      last_order = Timestamp::min();
    }
  };

  // Ends what time `now` closes: a cycle whose reversal window is over, and an episode that
  // no later cycle can join any more.
  void expire(Timestamp now) {
    if (cycle_.phase != Phase::kWatching && now > trades_.at(cycle_.peak).ts + p_.reversal_window) {
      end_cycle(last_held());
    }
    if (episode_.open && episode_complete(now)) emit();
  }

  // A cycle joins the episode when its burst starts within the reversal window of the
  // episode's end; a burst starts at most the ignition window before the trade that makes it.
  bool episode_complete(Timestamp now) const {
    Timestamp last_join = episode_.end + p_.reversal_window;
    if (now <= last_join + p_.ignition_window) return false;
    return cycle_.phase == Phase::kWatching || trades_.at(cycle_.start).ts > last_join;
  }

  // Holds the trade, letting go of those older than the ignition window that no open cycle
  // needs; at the cap the oldest goes regardless. Returns the trade's position.
  uint64_t hold(const Event& e) {
    const Timestamp oldest_needed = e.ts - p_.ignition_window;
    const uint64_t keep_from =
        cycle_.phase == Phase::kWatching ? std::numeric_limits<uint64_t>::max() : cycle_.start;
    while (!trades_.empty() && trades_.begin_index() < keep_from &&
           trades_.front().ts < oldest_needed) {
      trades_.pop_front();
    }
    if (trades_.size() == p_.max_held_trades) make_room();
    const bool same_sweep =
        !trades_.empty() && trades_.back().ts == e.ts && trades_.back().side == e.side;
    HeldTrade& t = trades_.push_slot();
    t.ts = e.ts;
    t.price = e.price;
    t.qty = e.qty;
    t.side = e.side;
    t.buyer = e.buyer;
    t.seller = e.seller;
    t.ref = EventRef::of(e);
    flow_.add(e.side, e.qty, same_sweep);
    aggressors_known_ |= static_cast<bool>(t.aggressor());
    t.through = flow_;
    const uint64_t n = trades_.end_index() - 1;
    track_extremes(n);
    return n;
  }

  // Out of line: only a window or an open cycle of more than max_held_trades trades gets here.
  [[gnu::noinline]] void make_room() {
    if (cycle_.phase != Phase::kWatching && cycle_.start == trades_.begin_index()) {
      end_cycle(last_held());
    }
    trades_.pop_front();
  }

  // The queues hold the positions of the window's candidate lows (highs), oldest first, each
  // strictly higher (lower) than the one before: the front is the window's lowest (highest)
  // trade, the latest one when prices tie, which is where a move away from it starts.
  void track_extremes(uint64_t n) {
    forget_before(floor_, trades_.at(n).ts - p_.ignition_window);
    const Price price = trades_.at(n).price;
    while (!lows_.empty() && trades_.at(lows_.back()).price >= price) lows_.pop_back();
    lows_.push_slot() = n;
    while (!highs_.empty() && trades_.at(highs_.back()).price <= price) highs_.pop_back();
    highs_.push_slot() = n;
  }

  // Drops from the queues what can no longer start a burst: trades no longer held, before
  // `floor`, or before `window_start`.
  void forget_before(uint64_t floor, Timestamp window_start) {
    const uint64_t oldest = std::max(floor, trades_.begin_index());
    for (GrowableRing<uint64_t>* queue : {&lows_, &highs_}) {
      while (!queue->empty() &&
             (queue->front() < oldest || trades_.at(queue->front()).ts < window_start)) {
        queue->pop_front();
      }
    }
  }

  // No cycle is open: does the trade complete a burst up from the window's low, or down from
  // its high?
  void watch(uint64_t n) {
    for (Side direction : {Side::kBuy, Side::kSell}) {
      const uint64_t start = (direction == Side::kBuy ? lows_ : highs_).front();
      if (start != n && moved_enough(start, n, direction) && burst_qualifies(start, n, direction) &&
          one_owner_drives(start, n, direction)) {
        cycle_ = OpenCycle{Phase::kIgnited, direction, start, n, n, 0, AccountId{}};
        cycle_.initiator = initiator_of(start, n, direction).account;
        return;
      }
    }
  }

  // With the aggressors known, a burst that many takers made is the market's own and ignites
  // nothing: it may not hide, as the "reversal" of a cycle left open, an ignition that follows
  // it. Judged at the burst's new extremes only, so that a market burst is not scanned again
  // at each of its trades.
  bool one_owner_drives(uint64_t start, uint64_t last, Side direction) const {
    if (!aggressors_known_) return true;
    if ((direction == Side::kBuy ? highs_ : lows_).front() != last) return false;
    const Initiator initiator = initiator_of(start, last, direction);
    return !initiator.account || drives(initiator);
  }

  /// It sent most of the burst. Whether that was a series of orders is judged on the whole
  /// burst, once it has ended (initiator_clears): while it grows, its start may move past the
  /// first of them.
  bool drives(const Initiator& initiator) const {
    return initiator.share >= p_.min_initiator_share;
  }

  // Compared in exact products: a move of exactly min_move_bps qualifies.
  bool moved_enough(uint64_t start, uint64_t last, Side direction) const {
    const Price from = trades_.at(start).price;
    const double moved = static_cast<double>(signed_move(from, trades_.at(last).price, direction));
    return moved * 1e4 >= p_.min_move_bps * static_cast<double>(from.raw());
  }

  // The burst is the trades after `start` up to `last`.
  bool burst_qualifies(uint64_t start, uint64_t last, Side direction) const {
    RunningFlow burst = trades_.at(last).through.since(trades_.at(start).through);
    return burst.aggressive_by(direction) >= p_.min_aggressive_trades &&
           burst.volume_share(direction) >= p_.min_aggressive_share;
  }

  void follow(uint64_t n) {
    const int64_t past_peak =
        signed_move(trades_.at(cycle_.peak).price, trades_.at(n).price, cycle_.direction);
    if (past_peak > 0) return go_past_peak(n);
    if (-past_peak > cycle_.given_back) {
      cycle_.given_back = -past_peak;
      cycle_.trough = n;
    }
    if (cycle_.phase == Phase::kIgnited && reversed_enough()) cycle_.phase = Phase::kReversing;
  }

  bool reversed_enough() const {
    const double move = static_cast<double>(signed_move(
        trades_.at(cycle_.start).price, trades_.at(cycle_.peak).price, cycle_.direction));
    return static_cast<double>(cycle_.given_back) >= p_.min_reversal_share * move;
  }

  // A new peak extends the burst, or else the move has gone on, not reversed: the cycle ends
  // before this trade, which may start the next one.
  void go_past_peak(uint64_t n) {
    if (burst_qualifies(cycle_.start, n, cycle_.direction) && extends_burst(n)) {
      cycle_.phase = Phase::kIgnited;
      cycle_.peak = cycle_.trough = n;
      cycle_.given_back = 0;
      return;
    }
    end_cycle(n - 1);
    watch(n);
  }

  // A burst not yet reversed grows within the ignition window of its start. With the
  // aggressors known, it also grows while it is still its initiator's and the initiator's
  // orders span no more than the window, past a give-back too: the give-back was the book
  // refilling between its orders, and the initiator cannot be seen turning round before it
  // has stopped pushing (nor its series be cut short because the burst's low came earlier).
  bool extends_burst(uint64_t n) const {
    const Timestamp now = trades_.at(n).ts;
    if (cycle_.phase == Phase::kIgnited &&
        now - trades_.at(cycle_.start).ts <= p_.ignition_window) {
      return true;
    }
    if (!cycle_.initiator) return false;
    const Initiator initiator = initiator_of(cycle_.start, n, cycle_.direction);
    return initiator.account && owner_of(initiator.account) == owner_of(cycle_.initiator) &&
           drives(initiator) && now - initiator.first_order <= p_.ignition_window;
  }

  uint64_t last_held() const { return trades_.end_index() - 1; }

  // A reversed cycle, whose trades end at `last`, is judged; one that never reversed enough is
  // dropped. No later burst may start inside a judged cycle: its own reversal is not a new
  // ignition.
  void end_cycle(uint64_t last) {
    const bool reversed = cycle_.phase == Phase::kReversing;
    cycle_.phase = Phase::kWatching;
    if (!reversed) return;
    Cycle cycle = summarize(last);
    floor_ = cycle_.trough + 1;
    forget_before(floor_, Timestamp::min());
    if (initiator_clears(cycle)) add_to_episode(cycle, last);
  }

  // With the aggressors known, the market's own bursts are told from an ignition by who made
  // them: many takers, or one who does not turn round, against one owner who sends most of
  // the burst and then trades the other side. Without them the price pattern stands alone.
  bool initiator_clears(const Cycle& c) const {
    if (!c.initiator) return true;
    if (c.initiator_share < p_.min_initiator_share ||
        c.initiator_orders < p_.min_initiator_orders) {
      return false;
    }
    return !p_.require_initiator_reversal || c.initiator_reversed();
  }

  Cycle summarize(uint64_t last) const {
    const HeldTrade& start = trades_.at(cycle_.start);
    const HeldTrade& peak = trades_.at(cycle_.peak);
    const HeldTrade& trough = trades_.at(cycle_.trough);
    Cycle c;
    c.direction = cycle_.direction;
    c.start = start.ts;
    c.peak_time = peak.ts;
    c.end = trough.ts;
    c.from = start.price;
    c.peak = peak.price;
    c.trough = trough.price;
    const double move = static_cast<double>(signed_move(start.price, peak.price, c.direction));
    c.move_bps = move * 1e4 / static_cast<double>(start.price.raw());
    c.reversal_share = static_cast<double>(cycle_.given_back) / move;
    RunningFlow burst = peak.through.since(start.through);
    c.burst_trades = static_cast<int64_t>(burst.prints);
    c.aggressive_trades = burst.aggressive_by(c.direction);
    c.aggressive_share = burst.volume_share(c.direction);
    c.reversal_trades = static_cast<int64_t>(cycle_.trough - cycle_.peak);
    find_initiator(c, last);
    c.score = score_of(c);
    return c;
  }

  // The initiator of the burst (start, last] is its largest aggressor in the move's direction
  // (exact for up to TopAccounts::kCapacity accounts, approximate beyond); its owner's
  // accounts count as one. An owner's trades with itself change nobody's position: they push
  // nothing, whatever their aggressor side.
  Initiator initiator_of(uint64_t start, uint64_t last, Side direction) const {
    InitiatorScan& scan = scans_[index_of(direction)];
    scan.cover(start, last);
    for (uint64_t i = scan.last + 1; i <= last; ++i) {
      const HeldTrade& t = trades_.at(i);
      if (t.side != direction || with_itself(t)) continue;
      scan.pushed += t.qty;
      if (t.aggressor()) scan.aggressors.add(t.aggressor(), t.qty);
    }
    scan.last = last;
    size_t count = 0;
    TopAccounts::Entries top = scan.aggressors.sorted(count);
    if (count == 0) return Initiator{};
    const OwnerId owner = owner_of(top[0].account);
    scan.follow(owner);
    Initiator& found = scan.initiator;
    for (uint64_t i = scan.owner_last + 1; i <= last; ++i) {
      const HeldTrade& t = trades_.at(i);
      if (t.side != direction || with_itself(t) || !owned_by(t.aggressor(), owner)) continue;
      if (found.orders == 0) found.first_order = t.ts;
      found.qty += t.qty;
      found.orders += t.ts == scan.last_order ? 0 : 1;
      scan.last_order = t.ts;
    }
    scan.owner_last = last;
    Initiator initiator = found;
    initiator.account = top[0].account;
    initiator.share = initiator.qty.to_double() / scan.pushed.to_double();
    return initiator;
  }

  // What the initiator's owner traded on the other side within the reversal window of the
  // peak, up to `last`, is what it took out of the move, whenever in the window that came
  // (before or after the trough).
  void find_initiator(Cycle& c, uint64_t last) const {
    const Initiator initiator = initiator_of(cycle_.start, cycle_.peak, c.direction);
    if (!initiator.account) return;
    c.initiator = initiator.account;
    c.initiator_burst_qty = initiator.qty;
    c.initiator_share = initiator.share;
    c.initiator_orders = initiator.orders;
    const OwnerId owner = owner_of(c.initiator);
    for (uint64_t i = cycle_.peak + 1; i <= last && in_reversal_window(i); ++i) {
      if (owned_by(reversing_party(i, c.direction), owner)) {
        c.initiator_reversal_qty += trades_.at(i).qty;
      }
    }
  }

  OwnerId owner_of(AccountId account) const { return scope_.universe->owner_of(account); }
  bool owned_by(AccountId account, OwnerId owner) const {
    return account && owner_of(account) == owner;
  }
  bool with_itself(const HeldTrade& t) const {
    return t.buyer && t.seller && owner_of(t.buyer) == owner_of(t.seller);
  }
  bool in_reversal_window(uint64_t i) const {
    return trades_.at(i).ts <= trades_.at(cycle_.peak).ts + p_.reversal_window;
  }
  /// The party of trade `i` that trades against a move in `direction` (its seller for a
  /// rise), unless it traded with itself.
  AccountId reversing_party(uint64_t i, Side direction) const {
    const HeldTrade& t = trades_.at(i);
    if (with_itself(t)) return AccountId{};
    return direction == Side::kBuy ? t.seller : t.buyer;
  }

  // 50 at the thresholds to 100 for a move of kFullMoveMultiple times the smallest and a full
  // reversal, halved into [50, 75] for the price pattern alone and into [75, 100] when the
  // initiator is seen trading the other side into the reversal.
  double score_of(const Cycle& c) const {
    double pattern =
        (score_between(c.move_bps, p_.min_move_bps, kFullMoveMultiple * p_.min_move_bps) +
         score_between(c.reversal_share, p_.min_reversal_share, 1.0)) /
        2;
    return (c.initiator_reversed() ? 75 : 50) + (pattern - 50) / 2;
  }

  void add_to_episode(const Cycle& c, uint64_t last) {
    Episode& ep = episode_;
    if (ep.open && c.start - ep.end > p_.reversal_window) emit();
    if (!ep.open) {
      ep.open = true;
      ep.start = c.start;
      ep.cycles = 0;
      ep.evidence.clear();
      ep.evidence_total = 0;
      ep.account_count = 0;
    }
    ep.end = c.end;
    if (ep.cycles++ == 0 || c.score > ep.strongest.score) ep.strongest = c;
    ep.name(c.initiator);
    keep_evidence(cycle_.start + 1, cycle_.peak, kMaxBurstEvidence);
    keep_evidence(cycle_.peak + 1, cycle_.trough, kMaxEvidenceIds);
    if (c.initiator_reversed()) keep_late_reversal(c, last);
  }

  // The initiator's trades on the other side after the trough, up to `last`, are evidence too,
  // and the episode lasts until the last of them.
  void keep_late_reversal(const Cycle& c, uint64_t last) {
    Episode& ep = episode_;
    const OwnerId owner = owner_of(c.initiator);
    for (uint64_t i = cycle_.trough + 1; i <= last && in_reversal_window(i); ++i) {
      if (!owned_by(reversing_party(i, c.direction), owner)) continue;
      if (ep.evidence.size() < kMaxEvidenceIds) ep.evidence.push_back(trades_.at(i).ref);
      ++ep.evidence_total;
      ep.end = trades_.at(i).ts;
    }
  }

  // Trades [first, last], at most `most` of them, while the episode has room; all are counted.
  void keep_evidence(uint64_t first, uint64_t last, uint64_t most) {
    Episode& ep = episode_;
    for (uint64_t i = first; i <= last && i - first < most; ++i) {
      if (ep.evidence.size() == kMaxEvidenceIds) break;
      ep.evidence.push_back(trades_.at(i).ref);
    }
    ep.evidence_total += last + 1 - first;
  }

  void emit() {
    Episode& ep = episode_;
    ep.open = false;
    const Cycle& c = ep.strongest;
    const bool up = c.direction == Side::kBuy;
    Alert a = scope_.new_alert(ep.start, ep.end, up ? "up" : "down", c.score);
    for (size_t i = 0; i < ep.account_count; ++i) {
      a.accounts.emplace_back(scope_.account_name(ep.accounts[i]));
    }
    for (const EventRef& ref : ep.evidence) a.add_evidence("trade", ref.text());
    a.evidence_total = ep.evidence_total;
    a.metrics_json = metrics(ep);
    a.why = why(ep);
    scope_.sink->emit(std::move(a));
  }

  std::string metrics(const Episode& ep) const {
    const Cycle& c = ep.strongest;
    JsonObjectWriter m;
    m.field("direction", c.direction == Side::kBuy ? "up" : "down")
        .field("move_bps", c.move_bps)
        .field("start_price", c.from.to_double())
        .field("peak_price", c.peak.to_double())
        .field("trough_price", c.trough.to_double())
        .field("reversal_share", c.reversal_share)
        .field("burst_trades", c.burst_trades)
        .field("aggressive_trades", c.aggressive_trades)
        .field("aggressive_share", c.aggressive_share)
        .field("burst_s", (c.peak_time - c.start).to_seconds())
        .field("reversal_trades", c.reversal_trades)
        .field("reversal_s", (c.end - c.peak_time).to_seconds())
        .field("peak_time", c.peak_time.to_iso8601())
        .field("initiator", c.initiator ? scope_.account_name(c.initiator) : "")
        .field("initiator_burst_qty", c.initiator_burst_qty.to_double())
        .field("initiator_share", c.initiator_share)
        .field("initiator_orders", c.initiator_orders)
        .field("initiator_reversal_qty", c.initiator_reversal_qty.to_double())
        .field("initiator_reversed", c.initiator_reversed())
        .field("cycles", ep.cycles);
    return std::move(m).finish();
  }

  std::string why(const Episode& ep) const {
    const Cycle& c = ep.strongest;
    const bool up = c.direction == Side::kBuy;
    std::string who = "the aggressors' accounts are unknown";
    if (c.initiator) {
      std::string_view name = scope_.account_name(c.initiator);
      std::string share = format_rounded(100 * c.initiator_share, 1);
      who = c.initiator_reversed()
                ? fmt::format(
                      "the initiator {} ({}% of the aggressive volume) {} {} into the "
                      "reversal",
                      name, share, up ? "sold" : "bought", c.initiator_reversal_qty.to_string())
                : fmt::format(
                      "the initiator {} ({}% of the aggressive volume) did not trade the "
                      "other side",
                      name, share);
    }
    std::string cycles =
        ep.cycles > 1 ? fmt::format(" (the strongest of {} cycles)", ep.cycles) : "";
    return fmt::format(
        "{} {} {} bps from {} to {} in {} s on {} aggressive {} ({}% of the burst's volume), "
        "then gave back {}% of the move within {} s; {}{}.",
        scope_.name, up ? "rose" : "fell", format_rounded(c.move_bps, 1), c.from.to_string(),
        c.peak.to_string(), format_rounded((c.peak_time - c.start).to_seconds(), 1),
        c.aggressive_trades, up ? "buys" : "sells", format_rounded(100 * c.aggressive_share, 1),
        format_rounded(100 * c.reversal_share, 1),
        format_rounded((c.end - c.peak_time).to_seconds(), 1), who, cycles);
  }

  SymbolScope scope_;
  Params p_;
  // Sized for the few trades an ignition window holds (it grows, rarely, when more are): a
  // slot comes round again soon enough to be in the cache.
  GrowableRing<HeldTrade> trades_{kInitialHeld};  // positions count the symbol's trades from 0
  GrowableRing<uint64_t> lows_{kInitialHeld};     // positions of the window's candidate lows
  GrowableRing<uint64_t> highs_{kInitialHeld};
  RunningFlow flow_;
  uint64_t floor_ = 0;             // the first position that may start a burst
  bool aggressors_known_ = false;  // some trade of the symbol named its aggressor's account
  OpenCycle cycle_;
  Episode episode_;
  mutable std::array<InitiatorScan, 3> scans_;  // by index_of(direction)
};

}  // namespace

RuleInfo momentum_ignition_rule() {
  return {MomentumIgnition::kRule,
          "A burst of aggressive trades on one side moves the price within a short window and "
          "is reversed soon after; stronger when the burst's initiator trades the other side "
          "into the reversal",
          "trades (aggressor side); accounts optional", param_specs(),
          &make_symbol_rule<MomentumIgnition>};
}

}  // namespace tw
