#include "detect/wash_round_trip.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "detect/fill_log.hpp"
#include "detect/per_symbol.hpp"
#include "detect/resting_age.hpp"
#include "util/format.hpp"
#include "util/growable_ring.hpp"
#include "util/hash.hpp"

namespace tw {
namespace {

constexpr std::string_view kRule = "wash.round_trip";

struct Params {
  Duration window;
  Duration reversal_window;
  Duration longest_window;  // the longer of the two
  double price_tolerance = 0;
  double quantity_tolerance = 0;
  bool exact_quantity = true;  // quantity_tolerance == 0
  uint32_t max_open_fills = 0;
  bool same_counterparty = true;
  double reversal_price_tolerance = 0;
  bool pair_resting_legs = false;
  bool swapped_roles = true;
  Duration max_resting_age;  // zero: not asked
  double min_notional = 0;
  double medium_notional = 0;
  double high_notional = 0;
  double critical_notional = 0;
  int64_t high_pairs = 0;
  int64_t critical_pairs = 0;

  static Params read(const ParamValues& v, std::string_view where) {
    Params p;
    p.window = v.duration("window");
    p.reversal_window = v.duration("reversal_window");
    p.longest_window = std::max(p.window, p.reversal_window);
    p.price_tolerance = v.number("price_tolerance");
    p.quantity_tolerance = v.number("quantity_tolerance");
    p.exact_quantity = p.quantity_tolerance == 0;
    p.max_open_fills = static_cast<uint32_t>(v.integer("max_open_fills"));
    p.same_counterparty = v.flag("same_counterparty");
    p.reversal_price_tolerance = v.number("reversal_price_tolerance");
    p.pair_resting_legs = v.flag("pair_resting_legs");
    p.swapped_roles = v.flag("swapped_roles");
    // Zero when not asked: the rule reads one value on each trade.
    p.max_resting_age = v.flag("prearranged_legs") ? v.duration("max_resting_age") : Duration{};
    p.min_notional = v.number("min_notional");
    p.medium_notional = v.number("medium_notional");
    p.high_notional = v.number("high_notional");
    p.critical_notional = v.number("critical_notional");
    p.high_pairs = v.integer("high_pairs");
    p.critical_pairs = v.integer("critical_pairs");
    if (!(p.medium_notional <= p.high_notional && p.high_notional <= p.critical_notional)) {
      throw ConfigError(std::string(where) +
                        ": medium_notional <= high_notional <= critical_notional is required");
    }
    if (p.high_pairs > p.critical_pairs) {
      throw ConfigError(std::string(where) + ": high_pairs <= critical_pairs is required");
    }
    return p;
  }
};

/// One side of one trade as one owner saw it.
struct Leg {
  Timestamp ts;
  Price price;
  Quantity qty;
  ExternalId id;
  uint64_t seq = 0;
  AccountId account;
};

constexpr int kBuys = 0;
constexpr int kSells = 1;

struct TradeRef {
  ExternalId id;
  uint64_t seq = 0;
};

// Appends how alerts name a trade: its id, or its line when it has none.
void append_trade_text(std::string& out, const TradeRef& t) {
  if (!t.id.empty()) {
    t.id.append_to(out);
  } else {
    out += "line:";
    out += std::to_string(t.seq);
  }
}

/// Consecutive round trips of one owner on one symbol, each within `window` of the last.
struct Episode {
  OwnerId owner;
  bool open = false;
  Timestamp start;
  Timestamp end;
  uint32_t pairs = 0;
  uint32_t self_trades = 0;
  Quantity buy_qty;
  Quantity sell_qty;
  double notional = 0;
  double max_price_gap_bps = 0;
  double max_time_gap_s = 0;
  std::string key;
  std::vector<AccountId> accounts;
  std::vector<TradeRef> evidence;  // at most kMaxEvidenceIds kept; evidence_total counts all
  uint64_t evidence_total = 0;

  void reset(OwnerId who) {
    owner = who;
    open = true;
    pairs = self_trades = 0;
    buy_qty = sell_qty = Quantity{};
    notional = max_price_gap_bps = max_time_gap_s = 0;
    key.clear();
    accounts.clear();  // clear() keeps capacity: reused episodes do not reallocate
    evidence.clear();
    evidence_total = 0;
  }

  void add_account(AccountId a) {
    if (std::find(accounts.begin(), accounts.end(), a) == accounts.end()) accounts.push_back(a);
  }

  void add_trade(const Leg& leg) {
    ++evidence_total;
    if (evidence.size() < kMaxEvidenceIds) evidence.push_back({leg.id, leg.seq});
  }
};

/// When an episode may close: `deadline` is its last pair + window at the time of pushing.
struct CloseEntry {
  Timestamp deadline;
  uint32_t episode = 0;
};

struct SymbolState {
  Params params;
  // How long a fill waits for its partner: `window` until a trade names both parties, after
  // which reversals may pair within reversal_window. Feeds naming one party keep fills no
  // longer than they did.
  Duration kept;
  // Nothing is due before next_close: one comparison per trade otherwise.
  Timestamp next_close = Timestamp::max();  // deadline of closing.front(), max when empty
  FillLog fills;
  std::string symbol;
  GrowableRing<CloseEntry> closing;
  std::vector<Episode> episodes;
  std::vector<uint32_t> free_episodes;
  std::unordered_map<uint32_t, uint32_t> open_episodes;  // owner -> index in episodes

  SymbolState(Params p, std::string_view name)
      : params(p), kept(p.window), fills(p.exact_quantity), symbol(name) {}
};

/// The most a raw value may differ from a reference under a relative tolerance: integer gaps
/// within it are exactly those within tolerance x reference.
int64_t slack(double tolerance, int64_t reference) {
  // floor() spelled as truncation plus a correction: the same value, without a libm call.
  double limit = tolerance * static_cast<double>(reference);
  auto truncated = static_cast<int64_t>(limit);
  return static_cast<double>(truncated) > limit ? truncated - 1 : truncated;
}

/// The waiting fill chosen to pair with a new one so far.
struct Match {
  int64_t qty_gap = 0;
  int64_t price_gap = 0;
  FillLog::Position fill = FillLog::kNone;
};

/// What one walk along a trade's chain found: the best partner, and the fills of its own
/// side (and quantity, when only equal quantities pair).
struct ChainScan {
  Match best;
  uint32_t own_count = 0;
  FillLog::Position oldest_own = FillLog::kNone;
};

class WashRoundTrip final : public Detector {
 public:
  explicit WashRoundTrip(const DetectorContext& ctx) : ctx_(ctx) {
    check_every_param_set(ctx.config, kRule, Params::read);
  }

  // The class is final: on_event below is called directly, and inlined.
  void on_events(std::span<const Event> events) override {
    for (const Event& e : events) on_event(e);
  }

  bool reads_trades_only() const override { return true; }

  [[gnu::always_inline]] void on_event(const Event& e) override {
    if (!e.is_trade()) return;
    // Read once: the compiler would reload them after any call that might write the event.
    AccountId buyer = e.buyer, seller = e.seller;
    // Tests on both ids at once: one id alone is zero on half the trades, at random, and
    // a short-circuit && would branch on it.
    if ((buyer.value | seller.value) == 0) return;
    SymbolState& st = states_.get(e.symbol, [&](SymbolId id) {
      std::string_view name = ctx_.universe.symbol_name(id);
      return SymbolState(Params::read(ctx_.config.for_symbol(name), kRule), name);
    });
    advance(st, e.ts);
    if (std::min(buyer.value, seller.value) != 0) {
      both_sides(st, e);
      return;
    }
    // One account known (as seed1 rows carry them): one owner, one fill. Buys and sells come
    // in no pattern, so the side is computed rather than branched on.
    AccountId account{buyer.value | seller.value};
    int side = static_cast<int>(!buyer);  // kBuys when there is a buyer
    add_fill(st, ctx_.universe.owner_of(account), side, e, account,
             FillContext{OwnerId{}, rested(e, side), roles_known(e), false});
  }

  // Fills leave the log here rather than on each trade: about one expires per trade, but how
  // many is random, and a loop over them mispredicted its exit on most trades.
  void advance_to(Timestamp watermark) override {
    states_.for_each([&](SymbolId, SymbolState& st) {
      advance(st, watermark);
      st.fills.expire_before(watermark - st.kept);
    });
  }

  void finish() override {
    states_.for_each([&](SymbolId, SymbolState& st) { close_before(st, Timestamp::max()); });
  }

 private:
  // Event time reached `now`: close the episodes that cannot grow any more.
  void advance(SymbolState& st, Timestamp now) {
    if (now > st.next_close) close_before(st, now);
  }

  // A trade with both accounts known: a self-trade when they share an owner, else a fill on
  // each side. Out of line: most feeds name one account per trade.
  [[gnu::noinline]] void both_sides(SymbolState& st, const Event& e) {
    OwnerId buy_owner = ctx_.universe.owner_of(e.buyer);
    OwnerId sell_owner = ctx_.universe.owner_of(e.seller);
    st.kept = st.params.longest_window;
    const bool waited = ctx_.books != nullptr && resting_order_waited(ctx_.books->find(e.symbol), e,
                                                                      st.params.max_resting_age);
    if (buy_owner == sell_owner) {
      // One owner's order taken by its own other order long after it was placed: two
      // decisions that met in the book (a self-match), not a trade arranged with itself.
      if (waited) return;
      Leg buy{e.ts, e.price, e.qty, e.id, e.seq, e.buyer};
      Leg sell = buy;
      sell.account = e.seller;
      record(st, buy_owner, buy, sell, /*self_trade=*/true);
      return;
    }
    const bool roles = roles_known(e);
    add_fill(st, buy_owner, kBuys, e, e.buyer,
             FillContext{sell_owner, rested(e, kBuys), roles, waited});
    add_fill(st, sell_owner, kSells, e, e.seller,
             FillContext{buy_owner, rested(e, kSells), roles, waited});
  }

  // One side (kBuys or kSells) of the trade `e`, for `account`: pairs it with the best
  // waiting fill of the owner's other side, or leaves it waiting. Most trades find no fill
  // that may pair in their chain, and go straight to the log.
  [[gnu::always_inline]] void add_fill(SymbolState& st, OwnerId owner, int side, const Event& e,
                                       AccountId account, FillContext context) {
    FillLog& log = st.fills;
    const Timestamp oldest = e.ts - st.kept;
    FillLog::Position& head = log.head(owner, e.qty);
    if (log.may_pair(head, oldest) &&
        paired_from_chain(st, owner, side, e, account, context, head)) {
      return;
    }
    log.add(e, owner, side, account, context, head, oldest);
  }

  // Walks the trade's chain: pairs the trade with the best partner (true), or else makes room
  // under the cap for it to wait. Out of line: few trades have a chain to walk.
  [[gnu::noinline]] bool paired_from_chain(SymbolState& st, OwnerId owner, int side, const Event& e,
                                           AccountId account, FillContext context,
                                           FillLog::Position& head) {
    ChainScan scan = scan_chain(st, owner, side, e, context, head);
    if (scan.best.fill != FillLog::kNone) {
      pair_up(st, owner, side, e, account, scan.best.fill);
      return true;
    }
    // A full side (of this quantity, when exact) drops its oldest fill: this bounds the work
    // per trade for one-way traders.
    if (scan.own_count >= st.params.max_open_fills) st.fills.key(scan.oldest_own).owner_side = 0;
    return false;
  }

  // Walks the trade's chain from `head`, newest first, up to the first fill too old to pair:
  // the owner's fills (of its quantity, when only equal quantities pair) are partners on the
  // other side and count against the cap on its own. Fills that paired or were dropped leave
  // the chain.
  static ChainScan scan_chain(SymbolState& st, OwnerId owner, int side, const Event& e,
                              FillContext context, FillLog::Position& head) {
    FillLog& log = st.fills;
    const uint32_t own = FillKey::of(owner, side);
    ChainScan scan;
    FillLog::Position before = FillLog::kNone;  // the fill kept before i in the chain
    const Timestamp oldest = e.ts - st.kept;
    for (FillLog::Position i = head; log.may_pair(i, oldest);) {
      FillKey& f = log.key(i);
      FillLog::Position next = log.next(i);
      if (f.owner_side == 0) {
        if (before == FillLog::kNone) {
          head = next;
        } else {
          log.link(before, next);
        }
        i = next;
        continue;
      }
      bool same_owner = (f.owner_side | 1) == (own | 1);
      if (same_owner && (!st.params.exact_quantity || f.qty == e.qty)) {
        if (f.owner_side == own) {
          ++scan.own_count;
          scan.oldest_own = i;  // newest first: the last seen is the oldest
        } else if (const FillContext& earlier = log.names(i).context;
                   may_pair(st.params, earlier, context)) {
          const bool reversal = earlier.counterparty.value != 0 && context.counterparty.value != 0;
          const Duration window = reversal ? st.params.reversal_window : st.params.window;
          if (f.ts >= e.ts - window) {
            consider(st.params, f, i, e.price, e.qty,
                     reversal ? st.params.reversal_price_tolerance : st.params.price_tolerance,
                     scan.best);
          }
        }
      }
      before = i;
      i = next;
    }
    return scan;
  }

  // Pairs the trade with the waiting fill `earlier`, which leaves its chain (used in one
  // pair only).
  [[gnu::noinline]] void pair_up(SymbolState& st, OwnerId owner, int side, const Event& e,
                                 AccountId account, FillLog::Position earlier) {
    Leg leg{e.ts, e.price, e.qty, e.id, e.seq, account};
    FillKey& k = st.fills.key(earlier);
    const FillNames& names = st.fills.names(earlier);
    Leg other{k.ts, k.price, k.qty, names.id, names.seq, names.account};
    k.owner_side = 0;
    const Leg& buy = side == kBuys ? leg : other;
    const Leg& sell = side == kBuys ? other : leg;
    record(st, owner, buy, sell, false);
  }

  // When both fills name the owner they traded with, a round trip is the trade reversed between
  // the same two owners (A sells to B, B sells back to A): buying from one party and selling to
  // another is trading, and market makers do it all day. A fill whose counterparty is not known
  // (a trade file naming one account) pairs with any.
  static bool may_reverse(const Params& p, OwnerId earlier, OwnerId now) {
    return !p.same_counterparty || earlier.value == 0 || now.value == 0 || earlier == now;
  }

  // Two fills of the owner's resting orders, one each way, are its quotes being taken on both
  // sides: market making, whoever took them, unless pair_resting_legs.
  static bool may_pair(const Params& p, const FillContext& earlier, const FillContext& now) {
    if (earlier.resting && now.resting && !p.pair_resting_legs) return false;
    if (!may_reverse(p, earlier.counterparty, now.counterparty)) return false;
    return earlier.counterparty.value == 0 || now.counterparty.value == 0 ||
           arranged_reversal(p, earlier, now);
  }

  // A trade reversed between two known parties is prearranged when each party placed the order
  // the other took once (swapped_roles): an owner that took the other's resting orders both
  // ways chose its counterparty, which merely quoted, as anyone trading against a market maker
  // does. And a leg whose resting order waited in the book (max_resting_age) was taken by
  // whoever came, not by a counter order that stood ready.
  static bool arranged_reversal(const Params& p, const FillContext& earlier,
                                const FillContext& now) {
    if (earlier.waited || now.waited) return false;
    const bool both_roles_known = earlier.roles_known && now.roles_known;
    return !p.swapped_roles || !both_roles_known || earlier.resting != now.resting;
  }

  // Whether the owner on `side` of the trade rested: the other side was the aggressor.
  static bool rested(const Event& e, int side) {
    return e.side == (side == kBuys ? Side::kSell : Side::kBuy);
  }
  static bool roles_known(const Event& e) { return e.side == Side::kBuy || e.side == Side::kSell; }

  // Greedy pairing: the waiting opposite fill closest in quantity, then in price, then the
  // oldest; none when none is within the tolerances (`price_tolerance`: the rule's, or its
  // reversal_price_tolerance for a trade reversed between two known parties). Prices are compared
  // against the earlier fill's price, quantities against the larger quantity. Makes fill `i` the
  // best match if it is within the tolerances and no worse than the best so far (fills come newest
  // first).
  static void consider(const Params& p, const FillKey& f, FillLog::Position i, Price new_price,
                       Quantity new_qty, double price_tolerance, Match& best) {
    int64_t price = new_price.raw(), qty = new_qty.raw();
    int64_t qty_gap = std::llabs(f.qty.raw() - qty);
    // Exact pairing has no slack (its candidates have equal quantities, without doubles).
    if (qty_gap != 0 && qty_gap > slack(p.quantity_tolerance, qty) &&
        qty_gap > slack(p.quantity_tolerance, f.qty.raw())) {
      return;
    }
    int64_t price_gap = std::llabs(f.price.raw() - price);
    if (price_gap > slack(price_tolerance, f.price.raw())) return;
    if (best.fill != FillLog::kNone &&
        std::tie(qty_gap, price_gap) > std::tie(best.qty_gap, best.price_gap)) {
      return;
    }
    best = Match{qty_gap, price_gap, i};
  }

  // Adds one buy/sell pair (or one self-trade, where both legs are the same print) to the
  // owner's open episode, opening one if needed.
  void record(SymbolState& st, OwnerId owner, const Leg& buy, const Leg& sell, bool self_trade) {
    const Leg& first = buy.ts <= sell.ts ? buy : sell;
    const Leg& last = buy.ts <= sell.ts ? sell : buy;
    auto [open, opened] = st.open_episodes.try_emplace(owner.value, 0);
    if (opened) open->second = open_episode(st, owner, buy, sell);
    uint32_t index = open->second;
    Episode& ep = st.episodes[index];
    ep.start = std::min(ep.start, first.ts);
    ep.end = std::max(ep.end, last.ts);
    ep.buy_qty += buy.qty;
    ep.sell_qty += sell.qty;
    ep.add_account(buy.account);
    ep.add_account(sell.account);
    ep.add_trade(first);
    if (self_trade) {
      ++ep.self_trades;
      ep.notional += notional(buy.price, buy.qty);
    } else {
      ++ep.pairs;
      ep.add_trade(last);
      ep.notional += notional(buy.price, buy.qty) + notional(sell.price, sell.qty);
      double gap =
          std::abs(buy.price.to_double() - sell.price.to_double()) / first.price.to_double() * 1e4;
      ep.max_price_gap_bps = std::max(ep.max_price_gap_bps, gap);
      ep.max_time_gap_s = std::max(ep.max_time_gap_s, (last.ts - first.ts).to_seconds());
    }
    if (st.closing.empty()) st.next_close = last.ts + st.params.window;
    st.closing.push_back(CloseEntry{last.ts + st.params.window, index});
  }

  uint32_t open_episode(SymbolState& st, OwnerId owner, const Leg& buy, const Leg& sell) {
    uint32_t index;
    if (!st.free_episodes.empty()) {
      index = st.free_episodes.back();
      st.free_episodes.pop_back();
    } else {
      index = static_cast<uint32_t>(st.episodes.size());
      st.episodes.emplace_back();
    }
    Episode& ep = st.episodes[index];
    ep.reset(owner);
    ep.start = Timestamp::max();
    ep.end = Timestamp::min();
    // The first pair's trades name the episode, so its id survives re-runs and re-cuts.
    ep.key = std::string(ctx_.universe.owner_name(owner));
    ep.key += '|';
    append_trade_text(ep.key, {buy.id, buy.seq});
    ep.key += '|';
    append_trade_text(ep.key, {sell.id, sell.seq});
    return index;
  }

  // Closes the episodes whose last pair + window is before `now`, in deadline order.
  [[gnu::noinline]] void close_before(SymbolState& st, Timestamp now) {
    while (!st.closing.empty() && st.closing.front().deadline < now) {
      CloseEntry entry = st.closing.front();
      st.closing.pop_front();
      Episode& ep = st.episodes[entry.episode];
      // Later pairs pushed later entries; only the entry matching the last pair closes it.
      if (!ep.open || ep.end + st.params.window != entry.deadline) continue;
      if (ep.notional >= st.params.min_notional) emit_alert(st, ep);
      ep.open = false;
      st.free_episodes.push_back(entry.episode);
      st.open_episodes.erase(ep.owner.value);
    }
    st.next_close = st.closing.empty() ? Timestamp::max() : st.closing.front().deadline;
  }

  // Kept out of line: alerts are rare next to trades, and building one is long.
  [[gnu::noinline, gnu::cold]] void emit_alert(const SymbolState& st, const Episode& ep) {
    ctx_.sink.emit(make_alert(st, ep));
  }

  static Severity severity_of(const Params& p, const Episode& ep) {
    int64_t repeats = ep.pairs + ep.self_trades;
    int level = ep.notional >= p.critical_notional ? 3
                : ep.notional >= p.high_notional   ? 2
                : ep.notional >= p.medium_notional ? 1
                                                   : 0;
    level = std::max(level, repeats >= p.critical_pairs ? 3 : repeats >= p.high_pairs ? 2 : 0);
    if (ep.self_trades > 0) level = std::max(level, 1);
    return static_cast<Severity>(level);
  }

  // 20 plus up to 30 for value (log scale, medium -> critical notional), up to 30 for
  // repetition (1 -> critical_pairs) and up to 20 for tightness: a pair at one price within a
  // second is what a wash looks like, one at the edge of the window and of the price tolerance
  // is what active traders produce by chance. The loosest pair sets the tightness.
  static double score_of(const Params& p, const Episode& ep) {
    double value_part = 1;
    if (p.critical_notional > p.medium_notional && p.medium_notional > 0) {
      value_part = ep.notional <= 0
                       ? 0
                       : unit_share(std::log10(ep.notional / p.medium_notional) /
                                    std::log10(p.critical_notional / p.medium_notional));
    }
    double repeats = ep.pairs + ep.self_trades;
    double repeat_part = p.critical_pairs > 1
                             ? unit_share((repeats - 1) / static_cast<double>(p.critical_pairs - 1))
                             : 1;
    double window_s = p.window.to_seconds();
    double time_part = window_s > 0 ? 1 - unit_share(ep.max_time_gap_s / window_s) : 1;
    double tolerance_bps = p.price_tolerance * 1e4;
    double price_part = tolerance_bps > 0 ? 1 - unit_share(ep.max_price_gap_bps / tolerance_bps)
                                          : (ep.max_price_gap_bps > 0 ? 0 : 1);
    return 20 + 30 * value_part + 30 * repeat_part + 10 * time_part + 10 * price_part;
  }

  // The alert's sentence, appended piece by piece into one reserved string (no format parsing).
  static std::string why_text(std::string_view owner, std::string_view symbol, const Episode& ep) {
    std::string out;
    out.reserve(256 + owner.size() + symbol.size());
    out += "Owner ";
    out += owner;
    out += " was on both sides of ";
    out += symbol;
    out += ' ';
    append_decimal(out, ep.pairs + ep.self_trades);
    out += " time(s) between ";
    out += ep.start.to_iso8601();
    out += " and ";
    out += ep.end.to_iso8601();
    out += " (";
    append_decimal(out, ep.pairs);
    out += " buy/sell pair(s), ";
    append_decimal(out, ep.self_trades);
    out += " self-trade(s); bought ";
    out += ep.buy_qty.to_string();
    out += ", sold ";
    out += ep.sell_qty.to_string();
    out += ", value ";
    append_number(out, std::round(ep.notional * 100) / 100);
    out += "; prices within ";
    append_number(out, std::round(ep.max_price_gap_bps * 100) / 100);
    out += " bps and ";
    append_number(out, ep.max_time_gap_s);
    out += " s).";
    return out;
  }

  static void append_decimal(std::string& out, uint32_t n) {
    char digits[10];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
  }

  Alert make_alert(const SymbolState& st, const Episode& ep) const {
    const Universe& u = ctx_.universe;
    Alert a;
    a.rule = kRule;
    a.symbol = st.symbol;
    a.start = ep.start;
    a.end = ep.end;
    a.id = make_alert_id(kRule, st.symbol, ep.start, ep.end, ep.key);
    a.severity = severity_of(st.params, ep);
    a.score = score_of(st.params, ep);
    std::string accounts_json = "[";
    accounts_json.reserve(16 * ep.accounts.size() + 2);
    a.accounts.reserve(ep.accounts.size());
    for (AccountId acc : ep.accounts) {
      if (accounts_json.size() > 1) accounts_json += ',';
      a.accounts.emplace_back(u.account_name(acc));
      append_json_string(accounts_json, a.accounts.back());
    }
    accounts_json += ']';
    JsonObjectWriter metrics;
    metrics.field("pairs", static_cast<int64_t>(ep.pairs))
        .field("self_trades", static_cast<int64_t>(ep.self_trades))
        .field("buy_qty", ep.buy_qty.to_double())
        .field("sell_qty", ep.sell_qty.to_double())
        .field("notional", ep.notional)
        .field("max_price_gap_bps", ep.max_price_gap_bps)
        .field("max_time_gap_s", ep.max_time_gap_s)
        .raw("accounts", accounts_json);
    a.metrics_json = std::move(metrics).finish();
    a.why = why_text(u.owner_name(ep.owner), st.symbol, ep);
    a.evidence.reserve(ep.evidence.size());
    for (const TradeRef& t : ep.evidence) {
      std::string item = "trade:";
      append_trade_text(item, t);
      a.evidence.push_back(std::move(item));
    }
    a.evidence_total = ep.evidence_total;
    return a;
  }

  DetectorContext ctx_;
  PerSymbol<SymbolState> states_;
};

}  // namespace

RuleInfo wash_round_trip_rule() {
  return RuleInfo{
      kRule,
      "One beneficial owner buys and sells a symbol to itself: self-trades, and buy/sell round "
      "trips at nearly the same price and size within a short window",
      "trades + accounts",
      {
          {"window", ParamType::kDuration, "60s",
           "Most time between a buy and a sell of one owner for them to pair; an episode ends "
           "when no pair follows its last within this time"},
          {"price_tolerance", ParamType::kNumber, "0.001",
           "Most relative price difference of a pair (0.001 = 0.1%)", 0, 1},
          {"quantity_tolerance", ParamType::kNumber, "0",
           "Most relative quantity difference of a pair, against the larger (0 = exact: no net "
           "change of position); raise it to pair washes split by rounding or partial fills, "
           "at the cost of pairing active traders by chance",
           0, 1},
          {"max_open_fills", ParamType::kInteger, "32",
           "Unpaired fills kept per owner, side and quantity (per owner and side when "
           "quantity_tolerance > 0) within the window; the oldest is dropped first (bounds the "
           "work per trade)",
           1, 4096},
          {"same_counterparty", ParamType::kBool, "true",
           "When both legs' trades name both parties: pair them only when the owner traded with "
           "one other owner both times (the trade reversed between the same two); false pairs any "
           "buy and sell of the owner, as with trades naming one account"},
          {"reversal_price_tolerance", ParamType::kNumber, "0",
           "Most relative price difference of a trade reversed between the same two known "
           "parties (0 = the same price): reversed at another price, money moves from one to "
           "the other, as trading does",
           0, 1},
          {"reversal_window", ParamType::kDuration, "10m",
           "Most time between the two legs of a trade reversed between the same two known "
           "parties (as `window` for other pairs); such a reversal, at one price, with the "
           "roles swapped and each resting order taken at once, is no chance meeting however "
           "far apart its legs are"},
          {"swapped_roles", ParamType::kBool, "true",
           "When both legs' trades name both parties and the aggressor: pair a reversal only "
           "when each party placed the resting order the other took once; false also pairs an "
           "owner that took the other's quotes both ways (as traders do against a market maker)"},
          {"prearranged_legs", ParamType::kBool, "true",
           "When the order book dates a trade's resting order (order-level feeds): a reversal "
           "leg or self-trade whose resting order waited longer than max_resting_age before it "
           "was taken met whoever came, and is not paired or reported; false pairs them as "
           "before"},
          {"max_resting_age", ParamType::kDuration, "100ms",
           "Most time from the placement of a prearranged trade's resting order to its "
           "execution (prearranged_legs): the counter order stood ready"},
          {"pair_resting_legs", ParamType::kBool, "false",
           "Pair a buy and a sell that both filled the owner's resting orders (its quotes taken "
           "on both sides, as a market maker's are); false leaves such pairs out"},
          {"min_notional", ParamType::kNumber, "0",
           "Episodes trading less value than this (both legs, quote currency) are not reported", 0},
          {"medium_notional", ParamType::kNumber, "10000",
           "Episode value (both legs) from which severity is at least MEDIUM", 0},
          {"high_notional", ParamType::kNumber, "100000",
           "Episode value from which severity is at least HIGH", 0},
          {"critical_notional", ParamType::kNumber, "1000000",
           "Episode value from which severity is CRITICAL", 0},
          {"high_pairs", ParamType::kInteger, "3",
           "Pairs plus self-trades in one episode from which severity is at least HIGH", 1},
          {"critical_pairs", ParamType::kInteger, "10",
           "Pairs plus self-trades in one episode from which severity is CRITICAL", 1},
      },
      [](const DetectorContext& ctx) -> std::unique_ptr<Detector> {
        return std::make_unique<WashRoundTrip>(ctx);
      },
  };
}

}  // namespace tw
