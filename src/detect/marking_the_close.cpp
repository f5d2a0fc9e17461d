#include "detect/marking_the_close.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "detect/account_volumes.hpp"
#include "detect/symbol_rule.hpp"
#include "model/new_york_time.hpp"
#include "util/format.hpp"
#include "util/recent_ring.hpp"

namespace tw {
namespace {

// Parameter names, shared by the specs and the code that reads them.
constexpr const char* kCloseTime = "close_time";
constexpr const char* kNewYorkTime = "new_york_time";
constexpr const char* kClosingWindow = "closing_window";
constexpr const char* kReferenceWindow = "reference_window";
constexpr const char* kMinMovePct = "min_move_pct";
constexpr const char* kReversalWindow = "reversal_window";
constexpr const char* kMinReversalShare = "min_reversal_share";
constexpr const char* kMinMoverShare = "min_mover_share";
constexpr const char* kMoverReversalShare = "mover_reversal_share";

constexpr Duration kDay = Duration::hours(24);
/// Accounts an alert names: the largest on the side of the move.
constexpr size_t kNamedAccounts = 3;
/// A move this many times the smallest one scores full marks for its size.
constexpr double kFullMoveMultiple = 3;

std::vector<ParamSpec> param_specs() {
  return {
      {kCloseTime, ParamType::kDuration, "16h",
       "the session close as a time of day (\"16h\"; \"1050m\" for 17:30; \"24h\" is "
       "midnight), in New York time or UTC"},
      {kNewYorkTime, ParamType::kBool, "true",
       "close_time is New York time (US daylight saving followed); false: UTC, for 24-hour "
       "markets with a daily reference time"},
      {kClosingWindow, ParamType::kDuration, "10m",
       "the closing window: trades in this time up to the close (inclusive) make the close"},
      {kReferenceWindow, ParamType::kDuration, "30m",
       "the period just before the closing window whose VWAP the close is compared with"},
      {kMinMovePct, ParamType::kNumber, "1",
       "smallest distance of the closing price from the reference VWAP, in percent", 0.001, 1000},
      {kReversalWindow, ParamType::kDuration, "30m",
       "the reversal is the VWAP of the trades in this time from the first trade after the "
       "close (after-hours, or the next open)"},
      {kMinReversalShare, ParamType::kNumber, "0.5",
       "smallest share of the close's move that the reversal VWAP gives back (0.5 = 50%)", 0.01, 1},
      {kMinMoverShare, ParamType::kNumber, "0.2",
       "when trades name their aggressors: the share of the closing window's aggressive volume "
       "on the move's side from which its largest aggressor (the mover) is named as the one who "
       "moved the close (0.2 = 20%; 1 names one only when it took all of it)",
       0.01, 1},
      {kMoverReversalShare, ParamType::kNumber, "0.25",
       "smallest share of the move the reversal VWAP gives back when a mover is named: who "
       "moved the close is then known, so less of the price's fall-back is needed to show the "
       "close was not the market's own price (min_reversal_share when that is smaller)",
       0.01, 1},
  };
}

/// A volume-weighted average price summed exactly: a price times a quantity needs up to 126
/// bits (__extension__: GCC/Clang's 128-bit type is not ISO C++).
class Vwap {
 public:
  void add(Price price, Quantity qty) {
    notional_ += static_cast<Int128>(price.raw()) * qty.raw();
    volume_ += qty.raw();
  }
  void clear() { notional_ = volume_ = 0; }
  bool empty() const { return volume_ == 0; }
  /// Rounded to the nearest raw unit; only when not empty.
  Price price() const {
    return Price::from_raw(static_cast<int64_t>((notional_ + volume_ / 2) / volume_));
  }
  double volume() const { return static_cast<double>(volume_) / kFixedScale; }

 private:
  __extension__ using Int128 = __int128;
  Int128 notional_ = 0;
  Int128 volume_ = 0;
};

/// The last kMaxEvidenceIds trades offered (oldest overwritten first), and how many were.
class LastTrades {
 public:
  void add(const Event& e) {
    kept_.push(EventRef::of(e));
    ++offered_;
  }
  void clear() {
    kept_.clear();
    offered_ = 0;
  }
  uint64_t offered() const { return offered_; }
  /// Oldest first.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (size_t i = 0; i < kept_.size(); ++i) fn(kept_[i]);
  }

 private:
  RecentRing<EventRef> kept_{kMaxEvidenceIds};
  uint64_t offered_ = 0;
};

/// One session's trades as far as the rule reads them: the reference VWAP and the closing
/// window, with the trades that moved the price up and down, and who bought and sold.
struct Session {
  bool active = false;
  Timestamp reference_start, window_start, close;
  Vwap reference;
  Price last_reference_price;
  int64_t window_trades = 0;
  Quantity window_volume;
  Price close_price;                // the window's last trade
  LastTrades up_ticks, down_ticks;  // window trades above (below) the trade before them
  AccountVolumes buyers, sellers;   // in the closing window
  // Aggressive volume of the closing window by side (all of it, and per known aggressor):
  // who took liquidity the move's way is who moved the close.
  AccountVolumes aggressive_buyers, aggressive_sellers;
  Quantity aggressive_buy_volume, aggressive_sell_volume;

  void start(Timestamp ref_start, Timestamp win_start, Timestamp close_at) {
    active = true;
    reference_start = ref_start;
    window_start = win_start;
    close = close_at;
    reference.clear();
    window_trades = 0;
    window_volume = Quantity{};
    up_ticks.clear();
    down_ticks.clear();
    buyers.clear();
    sellers.clear();
    aggressive_buyers.clear();
    aggressive_sellers.clear();
    aggressive_buy_volume = aggressive_sell_volume = Quantity{};
  }
};

/// A close that moved away from the reference VWAP, waiting for its reversal.
struct MarkedClose {
  bool open = false;
  Side direction = Side::kUnknown;  // kBuy: the close was marked up
  Timestamp window_start, close;
  Price reference_vwap, last_reference_price, close_price;
  double reference_volume = 0;
  double move_pct = 0;  // unsigned, of the reference VWAP
  int64_t window_trades = 0;
  Quantity window_volume;
  LastTrades movers;          // the window's trades that moved the price the move's way
  TopAccounts side_accounts;  // buyers of a close marked up, sellers of one marked down
  AccountVolume mover;        // the largest aggressor the move's way; no account when none
  double mover_share = 0;     // of the window's aggressive volume the move's way
  // After the close: the trades of the reversal window, once the first one is seen.
  Vwap after;
  int64_t after_trades = 0;
  Timestamp last_after, observe_until;

  bool observed() const { return after_trades > 0; }
};

/// Marking the close on one symbol. A session is followed from its reference period to its
/// close; a close that moved far enough from the reference VWAP is then held until the
/// reversal window after the close has been seen (or the next session's reference period or
/// the end of the input comes first).
class MarkingTheClose {
 public:
  static constexpr std::string_view kRule = "marking_the_close";

  struct Params {
    Duration close_time;
    bool new_york_time = true;
    Duration closing_window;
    Duration reference_window;
    double min_move_pct = 0;
    Duration reversal_window;
    double min_reversal_share = 0;
    double min_mover_share = 0;
    double mover_reversal_share = 0;

    static Params read(const ParamValues& v, std::string_view where) {
      Params p;
      p.close_time = v.duration(kCloseTime);
      p.new_york_time = v.flag(kNewYorkTime);
      p.closing_window = v.duration(kClosingWindow);
      p.reference_window = v.duration(kReferenceWindow);
      p.min_move_pct = v.number(kMinMovePct);
      p.reversal_window = v.duration(kReversalWindow);
      p.min_reversal_share = v.number(kMinReversalShare);
      p.min_mover_share = v.number(kMinMoverShare);
      p.mover_reversal_share = v.number(kMoverReversalShare);
      if (p.close_time > kDay) {
        throw ConfigError(fmt::format("rules.{}.{}: {} is not a time of day (at most 24h)", where,
                                      kCloseTime, p.close_time.to_string()));
      }
      // A session's reference period must start after the previous session's close.
      if (p.closing_window + p.reference_window >= kDay) {
        throw ConfigError(fmt::format("rules.{}.{}: {} + {} must be shorter than a day", where,
                                      kReferenceWindow, kClosingWindow, kReferenceWindow));
      }
      return p;
    }
  };

  MarkingTheClose(const SymbolScope& scope, const Params& params) : scope_(scope), p_(params) {}

  static constexpr bool kReadsTradesOnly = true;  // wants() takes trades alone
  /// Prints with a price and a size.
  static bool wants(const Event& e) {
    return e.is_trade() && e.price.is_positive() && e.qty.is_positive();
  }

  void on_event(const Event& e) {
    if (!session_.active || e.ts > session_.close) start_session(e.ts);
    if (marked_.open) follow_reversal(e);
    add_to_session(e);
    last_price_ = e.price;
  }

  void advance_to(Timestamp watermark) {
    if (session_.active && watermark > session_.close) end_session();
    if (marked_.open && marked_.observed() && watermark > marked_.observe_until) end_reversal();
  }

  /// The session ends past its close; a marked close, past its observation.
  Timestamp due() const {
    Timestamp due = Timestamp::max();
    if (session_.active) due = just_after(session_.close);
    if (marked_.open && marked_.observed()) due = std::min(due, just_after(marked_.observe_until));
    return due;
  }

  // The input ended: a session in its closing window closes on the last trade seen, and a
  // marked close with no trade after it is reported with its reversal not observed.
  void finish() {
    if (session_.active) end_session();
    if (marked_.open) end_reversal();
  }

 private:
  void start_session(Timestamp t) {
    if (session_.active) end_session();
    const Timestamp close = close_at_or_after(t);
    const Timestamp window_start = close - p_.closing_window;
    session_.start(window_start - p_.reference_window, window_start, close);
  }

  // The first session close at or after `t`. The close of a calendar day falls between that
  // day's start and 29 hours later (24h New York time in winter), so the day before `t`'s is
  // the earliest that can qualify.
  Timestamp close_at_or_after(Timestamp t) const {
    int64_t day = aligned_index(t, kDay) - 1;
    Timestamp close = close_on(day);
    while (close < t) close = close_on(++day);
    return close;
  }

  Timestamp close_on(int64_t day) const {
    if (!p_.new_york_time) return aligned_start(day, kDay) + p_.close_time;
    const CivilDate date = civil_from_days(day);
    return from_new_york_time(date.year, date.month, date.day, p_.close_time.count());
  }

  void add_to_session(const Event& e) {
    Session& s = session_;
    if (e.ts < s.reference_start) return;
    if (e.ts < s.window_start) {
      s.reference.add(e.price, e.qty);
      s.last_reference_price = e.price;
      return;
    }
    ++s.window_trades;
    s.window_volume += e.qty;
    s.close_price = e.price;
    if (last_price_.is_positive() && e.price != last_price_) {
      (e.price > last_price_ ? s.up_ticks : s.down_ticks).add(e);
    }
    if (e.buyer) s.buyers.add(e.buyer, e.qty);
    if (e.seller) s.sellers.add(e.seller, e.qty);
    add_aggressor(e);
  }

  void add_aggressor(const Event& e) {
    Session& s = session_;
    if (e.side == Side::kBuy) {
      s.aggressive_buy_volume += e.qty;
      if (e.buyer) s.aggressive_buyers.add(e.buyer, e.qty);
    } else if (e.side == Side::kSell) {
      s.aggressive_sell_volume += e.qty;
      if (e.seller) s.aggressive_sellers.add(e.seller, e.qty);
    }
  }

  // The close is judged: against the reference VWAP, and the window must itself have moved
  // the price that way (a close that only stayed where earlier trading left it is not marked).
  void end_session() {
    Session& s = session_;
    s.active = false;
    if (s.window_trades == 0 || s.reference.empty()) return;
    const Price vwap = s.reference.price();
    const Side direction = s.close_price >= vwap ? Side::kBuy : Side::kSell;
    const double distance = static_cast<double>(signed_move(vwap, s.close_price, direction));
    if (distance * 100 < p_.min_move_pct * static_cast<double>(vwap.raw())) return;
    if (signed_move(s.last_reference_price, s.close_price, direction) <= 0) return;
    mark(vwap, direction, distance);
  }

  void mark(Price vwap, Side direction, double distance) {
    // A later session's trades have already ended an earlier mark; this is only a safeguard.
    if (marked_.open) end_reversal();
    const Session& s = session_;
    MarkedClose& m = marked_;
    m.open = true;
    m.direction = direction;
    m.window_start = s.window_start;
    m.close = s.close;
    m.reference_vwap = vwap;
    m.last_reference_price = s.last_reference_price;
    m.close_price = s.close_price;
    m.reference_volume = s.reference.volume();
    m.move_pct = 100 * distance / static_cast<double>(vwap.raw());
    m.window_trades = s.window_trades;
    m.window_volume = s.window_volume;
    m.movers = direction == Side::kBuy ? s.up_ticks : s.down_ticks;
    m.side_accounts = (direction == Side::kBuy ? s.buyers : s.sellers).top();
    find_mover(direction);
    m.after.clear();
    m.after_trades = 0;
  }

  // The largest aggressor the move's way, named the mover when its share of that side's
  // aggressive volume reaches min_mover_share.
  void find_mover(Side direction) {
    const Session& s = session_;
    MarkedClose& m = marked_;
    const bool up = direction == Side::kBuy;
    const Quantity side_volume = up ? s.aggressive_buy_volume : s.aggressive_sell_volume;
    size_t count = 0;
    const TopAccounts::Entries top =
        (up ? s.aggressive_buyers : s.aggressive_sellers).top().sorted(count);
    m.mover = AccountVolume{};
    m.mover_share = 0;
    if (count == 0 || !side_volume.is_positive()) return;
    m.mover_share = top[0].qty.to_double() / side_volume.to_double();
    if (m.mover_share >= p_.min_mover_share) m.mover = top[0];
  }

  // Trades after the close, from the first one for the reversal window, until a trade opens
  // the reference period of a later session.
  void follow_reversal(const Event& e) {
    MarkedClose& m = marked_;
    const bool past_window = m.observed() && e.ts > m.observe_until;
    if (past_window || e.ts >= session_.reference_start) return end_reversal();
    if (!m.observed()) m.observe_until = e.ts + p_.reversal_window;
    m.after.add(e.price, e.qty);
    ++m.after_trades;
    m.last_after = e.ts;
  }

  // A reversal seen but too small clears the close; one not seen at all is reported, scored
  // lower (the input, or the symbol's trading, ended first).
  void end_reversal() {
    MarkedClose& m = marked_;
    m.open = false;
    const double share = reversal_share();
    if (m.observed() && share < least_reversal_share()) return;
    emit(share);
  }

  double least_reversal_share() const {
    return marked_.mover.account ? std::min(p_.mover_reversal_share, p_.min_reversal_share)
                                 : p_.min_reversal_share;
  }

  double reversal_share() const {
    const MarkedClose& m = marked_;
    if (!m.observed()) return 0;
    const double move =
        static_cast<double>(signed_move(m.reference_vwap, m.close_price, m.direction));
    return static_cast<double>(signed_move(m.after.price(), m.close_price, m.direction)) / move;
  }

  // 50 at the thresholds to 100 for a move of kFullMoveMultiple times the smallest and a full
  // reversal; without an observed reversal, half the move's part (25 to 50).
  double score_of(double share) const {
    const MarkedClose& m = marked_;
    const double move =
        score_between(m.move_pct, p_.min_move_pct, kFullMoveMultiple * p_.min_move_pct);
    if (!m.observed()) return move / 2;
    return (move + score_between(share, least_reversal_share(), 1.0)) / 2;
  }

  void emit(double share) {
    const MarkedClose& m = marked_;
    const Timestamp end = m.observed() ? m.last_after : m.close;
    Alert a = scope_.new_alert(m.window_start, end, m.direction == Side::kBuy ? "up" : "down",
                               score_of(share));
    size_t count = 0;
    const TopAccounts::Entries top = m.side_accounts.sorted(count);
    if (m.mover.account) a.accounts.emplace_back(scope_.account_name(m.mover.account));
    for (size_t i = 0; i < count && a.accounts.size() < kNamedAccounts; ++i) {
      if (top[i].account != m.mover.account) {
        a.accounts.emplace_back(scope_.account_name(top[i].account));
      }
    }
    m.movers.for_each([&](const EventRef& ref) { a.add_evidence("trade", ref.text()); });
    a.evidence_total = m.movers.offered();
    a.metrics_json = metrics(share, count > 0 ? top[0].qty.to_double() : 0);
    a.why = why(share, count > 0 ? top[0] : AccountVolume{});
    scope_.sink->emit(std::move(a));
  }

  std::string metrics(double share, double top_account_volume) const {
    const MarkedClose& m = marked_;
    JsonObjectWriter j;
    j.field("direction", m.direction == Side::kBuy ? "up" : "down")
        .field("close_time", m.close.to_iso8601())
        .field("close_price", m.close_price.to_double())
        .field("reference_vwap", m.reference_vwap.to_double())
        .field("reference_volume", m.reference_volume)
        .field("move_pct", m.move_pct)
        .field("pre_window_price", m.last_reference_price.to_double())
        .field("window_trades", m.window_trades)
        .field("window_volume", m.window_volume.to_double())
        .field("moving_trades", m.movers.offered())
        .field("top_account_share", m.window_volume.is_positive()
                                        ? top_account_volume / m.window_volume.to_double()
                                        : 0.0)
        .field("mover", m.mover.account ? scope_.account_name(m.mover.account) : "")
        .field("mover_share", m.mover_share)
        .field("reversal_observed", m.observed())
        .field("after_close_trades", m.after_trades)
        .field("after_close_vwap", m.observed() ? m.after.price().to_double() : 0.0)
        .field("reversal_share", share);
    return std::move(j).finish();
  }

  std::string why(double share, const AccountVolume& top) const {
    const MarkedClose& m = marked_;
    const bool up = m.direction == Side::kBuy;
    std::string reversal =
        m.observed()
            ? fmt::format("the {} of trading after the close (VWAP {}) gave back {}% of it",
                          p_.reversal_window.to_string(), m.after.price().to_string(),
                          format_rounded(100 * share, 2))
            : std::string("no trade after the close was seen, so the reversal was not observed");
    std::string who;
    if (m.mover.account) {
      who = fmt::format("; {} took {}% of the window's aggressive {}",
                        scope_.account_name(m.mover.account),
                        format_rounded(100 * m.mover_share, 2), up ? "buying" : "selling");
    } else if (top.account) {
      who = fmt::format("; top {} in the window: {} ({} of {})", up ? "buyer" : "seller",
                        scope_.account_name(top.account), top.qty.to_string(),
                        m.window_volume.to_string());
    }
    return fmt::format(
        "{} closed at {} at {}, {}% {} the {} VWAP of {} before its {} closing window, whose {} "
        "trades moved it from {}; {}{}.",
        scope_.name, m.close_price.to_string(), m.close.to_iso8601(), format_rounded(m.move_pct, 2),
        up ? "above" : "below", p_.reference_window.to_string(), m.reference_vwap.to_string(),
        p_.closing_window.to_string(), m.window_trades, m.last_reference_price.to_string(),
        reversal, who);
  }

  SymbolScope scope_;
  Params p_;
  Price last_price_;  // of the symbol's previous trade: which window trades moved the price
  Session session_;
  MarkedClose marked_;
};

}  // namespace

RuleInfo marking_the_close_rule() {
  return {MarkingTheClose::kRule,
          "Trades in the last minutes before a session's close push the closing price away from "
          "the VWAP of the period before, and the move is reversed after the close or at the "
          "next open",
          "trades; accounts optional (names the window's largest buyers or sellers)", param_specs(),
          &make_symbol_rule<MarkingTheClose>};
}

}  // namespace tw
