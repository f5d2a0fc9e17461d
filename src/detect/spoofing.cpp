#include "detect/spoofing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "detect/symbol_rule.hpp"
#include "detect/trade_tape.hpp"
#include "util/format.hpp"
#include "util/keyed_pool.hpp"
#include "util/recent_ring.hpp"
#include "util/value_counts.hpp"

namespace tw {
namespace {

/// Most trades kept to find those against a watched order, and most orders watched at once.
constexpr size_t kTapeTrades = 4096;
constexpr size_t kMaxWatched = 4096;
constexpr size_t kMaxTradeRefs = 40;
/// Most resting orders of a watched order's owner told apart among those filled during its life.
constexpr size_t kMaxOrdersFilled = 8;

struct SpoofingParams {
  double size_multiple = 0;
  double depth_share = 0;
  double depth_min_multiple = 0;
  int64_t depth_levels = 0;
  Duration max_lifetime;
  double max_fill_ratio = 0;
  int64_t min_opposite_trades = 0;
  int64_t median_orders = 0;
  int64_t min_history = 0;
  double two_sided_share = 0;
  bool two_sided_fills = false;
  bool count_decisions = false;
  bool through_price_clears = false;
  Duration max_pull_delay;
  bool shown_trades_only = false;

  static SpoofingParams read(const ParamValues& v, std::string_view where) {
    SpoofingParams p;
    p.size_multiple = v.number("size_multiple");
    p.depth_share = v.number("depth_share");
    p.depth_min_multiple = v.number("depth_min_multiple");
    p.depth_levels = v.integer("depth_levels");
    p.max_lifetime = v.duration("max_lifetime");
    p.max_fill_ratio = v.number("max_fill_ratio");
    p.min_opposite_trades = v.integer("min_opposite_trades");
    p.median_orders = v.integer("median_orders");
    p.min_history = v.integer("min_history");
    p.two_sided_share = v.number("two_sided_share");
    p.two_sided_fills = v.flag("two_sided_fills");
    p.count_decisions = v.flag("count_decisions");
    p.through_price_clears = v.flag("through_price_clears");
    p.max_pull_delay = v.duration("max_pull_delay");
    p.shown_trades_only = v.flag("shown_trades_only");
    if (p.min_history > p.median_orders) {
      throw ConfigError(std::string(where) + ": min_history must not exceed median_orders");
    }
    if (p.max_lifetime <= Duration{}) {
      throw ConfigError(std::string(where) + ": max_lifetime must be positive");
    }
    return p;
  }
};

/// The median size of the last orders added, refreshed every eighth of them: sizes change
/// slowly, and the median moves with the whole window, not with each add. The sizes are also
/// counted by value (mostly round lots: a few dozen values), so that a refresh walks the counts
/// rather than selecting among a copy of every size.
class RecentSizes {
 public:
  explicit RecentSizes(size_t capacity) : sizes_(capacity) {}

  void add(int64_t size) {
    if (sizes_.full()) {
      counts_.replace(sizes_[0], size);  // the oldest leaves
    } else {
      counts_.add(size);
    }
    sizes_.push(size);
    if (++since_refresh_ * 8 >= sizes_.capacity()) refresh();
  }
  size_t count() const { return sizes_.size(); }
  int64_t median() const { return median_; }

 private:
  void refresh() {
    since_refresh_ = 0;
    median_ = counts_.at_rank(counts_.total() / 2);
  }

  RecentRing<int64_t> sizes_;
  ValueCounts counts_;  // of the sizes in the ring
  size_t since_refresh_ = 0;
  int64_t median_ = 0;
};

/// An order large enough to mislead, from its add until it leaves the book.
struct WatchedOrder {
  uint64_t key = 0;
  EventRef ref;  // its add
  Timestamp added;
  Price price;
  int64_t size = 0;  // raw, as added
  int64_t left = 0;
  int64_t filled = 0;
  Side side = Side::kUnknown;
  AccountId account;
  double median_multiple = 0;   // size over the median order size; 0 without enough history
  double depth_share = 0;       // of the side's visible depth within depth_levels, itself included
  int64_t visible_depth = 0;    // raw
  int64_t opposite_at_add = 0;  // raw: its account's resting size on the other side then
  int64_t opposite_filled = 0;  // raw: the largest order of its account that traded there since
  // The lookup keys of its owner's orders on the other side, placed since, that were filled.
  std::array<uint64_t, kMaxOrdersFilled> orders_filled{};
  size_t orders_filled_count = 0;
  // The times its owner took liquidity on the other side while it showed (shown_trades_only).
  uint64_t shown_takes = 0;
  Timestamp last_shown_take;

  void note_order_filled(uint64_t order_key) {
    const auto end = orders_filled.begin() + static_cast<std::ptrdiff_t>(orders_filled_count);
    if (orders_filled_count == kMaxOrdersFilled ||
        std::find(orders_filled.begin(), end, order_key) != end)
      return;
    orders_filled[orders_filled_count++] = order_key;
  }
};

class SpoofingTracker {
 public:
  static constexpr std::string_view kRule = "spoofing";
  using Params = SpoofingParams;

  SpoofingTracker(const SymbolScope& scope, const Params& params)
      : scope_(scope),
        params_(params),
        sizes_(static_cast<size_t>(params.median_orders)),
        tape_(kTapeTrades, params.max_lifetime),  // judge() looks back no further
        watched_(64) {}

  [[gnu::always_inline]] void on_event(const Event& e) {
    switch (e.kind) {
      case EventKind::kTrade:
        if (watched_.size() != 0 && params_.shown_trades_only) note_take(e);
        return tape_.add(e);
      case EventKind::kOrderAdd:
        return on_add(e);
      case EventKind::kOrderExecute:
        if (watched_.size() != 0 && (params_.two_sided_fills || params_.count_decisions)) {
          note_fill(e);
        }
        return on_reduce(e, /*executed=*/true);
      case EventKind::kOrderCancel:
        return on_reduce(e, /*executed=*/false);
      case EventKind::kOrderDelete:
      case EventKind::kOrderReplace:  // the order leaves; its replacement is not watched
        return on_removed(e);
      default:
        return;
    }
  }

  // Orders older than max_lifetime can no longer be pulled soon enough: stop watching them.
  void advance_to(Timestamp watermark) {
    if (watched_.size() == 0) return;
    const Timestamp oldest = watermark - params_.max_lifetime;
    expired_.clear();
    watched_.for_each([&](uint32_t slot, const WatchedOrder& o) {
      if (o.added < oldest) expired_.push_back(slot);
    });
    for (uint32_t slot : expired_) watched_.erase(slot);
  }

  /// Watched orders expire at ticks.
  Timestamp due() const { return watched_.size() == 0 ? Timestamp::max() : Timestamp::min(); }

  void finish() {}

 private:
  void on_add(const Event& e) {
    if (e.side != Side::kBuy && e.side != Side::kSell) return;
    judge_size(e);
    sizes_.add(e.qty.raw());  // after: the yardstick is the orders before this one
  }

  /// Watches the order when it is large against the median order or the visible depth.
  void judge_size(const Event& e) {
    const OrderBook* book = scope_.book();
    if (book == nullptr) return;
    // Orders of one known account at one price count as one.
    const int64_t size =
        e.account ? book->account_size_at(e.side, e.price, e.account).raw() : e.qty.raw();
    const bool history = sizes_.count() >= static_cast<size_t>(params_.min_history);
    const double multiple =
        history && sizes_.median() > 0 ? static_cast<double>(size) / sizes_.median() : 0;
    // Both tests need this multiple at least: most orders go before the book is asked more.
    if (multiple < std::min(params_.size_multiple, params_.depth_min_multiple)) return;
    if (book->levels_better_than(e.side, e.price) >= static_cast<size_t>(params_.depth_levels)) {
      return;  // too far from the top to be seen as pressure
    }
    const int64_t depth =
        book->depth_within(e.side, static_cast<size_t>(params_.depth_levels)).raw();
    const double share = depth > 0 ? static_cast<double>(size) / depth : 0;
    // The depth test needs the whole visible depth in view, and an order above the usual size:
    // on a thin or partly shown side any routine order is a large share of what shows.
    const bool depth_known = book->depth(e.side) >= static_cast<size_t>(params_.depth_levels);
    const bool large_by_depth =
        depth_known && share >= params_.depth_share && multiple >= params_.depth_min_multiple;
    if (multiple < params_.size_multiple && !large_by_depth) return;
    watch(e, multiple, share, depth);
  }

  void watch(const Event& e, double multiple, double share, int64_t depth) {
    const uint64_t key = e.id.lookup_key();
    if (watched_.size() >= kMaxWatched) {
      if (watched_.find(key) == KeyedPool<WatchedOrder>::kNone) ++unwatched_;
      return;
    }
    const uint32_t slot = watched_.try_insert(key);
    if (slot == KeyedPool<WatchedOrder>::kNone) return;  // watched already
    watched_[slot] = WatchedOrder{key,
                                  EventRef::of(e),
                                  e.ts,
                                  e.price,
                                  e.qty.raw(),
                                  e.qty.raw(),
                                  0,
                                  e.side,
                                  e.account,
                                  multiple,
                                  share,
                                  depth,
                                  resting_opposite(e.side, e.account),
                                  0,
                                  {},
                                  0,
                                  0,
                                  Timestamp{}};
  }

  /// What `account` rests on the side opposite `side` within depth_levels (0 when unknown).
  int64_t resting_opposite(Side side, AccountId account) const {
    if (!account || params_.two_sided_share <= 0) return 0;
    const OrderBook* book = scope_.book();
    const Side other = opposite(side);
    int64_t total = 0;
    const size_t levels = std::min(book->depth(other), static_cast<size_t>(params_.depth_levels));
    for (size_t i = 0; i < levels; ++i) {
      total += book->account_size_at(other, book->level(other, i).price, account).raw();
    }
    return total;
  }

  /// An execution of a resting order whose owner has a watched order on the other side. That
  /// order, at the size it was placed with, is the account's interest there (two_sided_fills):
  /// a maker's bid placed with its offer may lie deeper than depth_levels when the offer is
  /// added and still trade while the offer rests. And when it was placed during the watched
  /// order's life, it is one decision to trade there (count_decisions).
  void note_fill(const Event& e) {
    const OrderBook* book = scope_.book();
    RestingOrder filled;
    if (book == nullptr || !book->order_of_last_event(filled) || !filled.account) return;
    watched_.for_each([&](uint32_t slot, const WatchedOrder& o) {
      if (!o.account || o.side != opposite(filled.side)) return;
      WatchedOrder& watched = watched_[slot];
      if (o.account == filled.account) {
        watched.opposite_filled = std::max(o.opposite_filled, filled.size.raw());
      }
      if (same_owner(o.account, filled.account) && !(filled.added < o.added) && counts_now(o)) {
        watched.note_order_filled(e.id.lookup_key());
      }
    });
  }

  /// A print in which the owner of a watched order took liquidity on the other side while the
  /// order showed: one decision to trade that the order's display bore on (one sweep is one).
  void note_take(const Event& print) {
    watched_.for_each([&](uint32_t slot, const WatchedOrder& o) {
      if (!o.account || print.side != opposite(o.side)) return;
      const AccountId taker = o.side == Side::kBuy ? print.seller : print.buyer;
      if (!taker || !same_owner(o.account, taker) || !counts_now(o)) return;
      WatchedOrder& watched = watched_[slot];
      if (watched.shown_takes != 0 && watched.last_shown_take == print.ts) return;
      ++watched.shown_takes;
      watched.last_shown_take = print.ts;
    });
  }

  /// Whether a trade against `o` now counts toward min_opposite_trades: with shown_trades_only,
  /// only while `o` lies within depth_levels of its side's best. The spoof leans on the market
  /// by showing near the touch; once the market has moved on and left it deeper, the trader's
  /// trades on the other side are no longer made against its display.
  bool counts_now(const WatchedOrder& o) const {
    if (!params_.shown_trades_only) return true;
    const OrderBook* book = scope_.book();
    return book != nullptr &&
           book->levels_better_than(o.side, o.price) < static_cast<size_t>(params_.depth_levels);
  }

  bool same_owner(AccountId a, AccountId b) const {
    if (a == b) return true;
    const OwnerId owner = scope_.universe->owner_of(a);
    return owner.value != 0 && scope_.universe->owner_of(b) == owner;
  }

  // The watched order `e` is about, or kNone. Mostly nothing is watched, and then the index
  // (beyond the caches) is not probed.
  uint32_t watched_slot(const Event& e) const {
    if (watched_.size() == 0) return KeyedPool<WatchedOrder>::kNone;
    return watched_.find(e.id.lookup_key());
  }

  void on_reduce(const Event& e, bool executed) {
    const uint32_t slot = watched_slot(e);
    if (slot == KeyedPool<WatchedOrder>::kNone) return;
    WatchedOrder& o = watched_[slot];
    const int64_t taken = std::min(e.qty.raw(), o.left);
    o.left -= taken;
    if (executed) o.filled += taken;
    if (o.left > 0) return;
    if (!executed) judge(o, e.ts);
    watched_.erase(slot);
  }

  void on_removed(const Event& e) {
    const uint32_t slot = watched_slot(e);
    if (slot == KeyedPool<WatchedOrder>::kNone) return;
    judge(watched_[slot], e.ts);
    watched_.erase(slot);
  }

  /// The order was pulled at `now`: a spoof if soon, mostly unfilled, and the other side traded.
  void judge(const WatchedOrder& o, Timestamp now) {
    const Duration lifetime = now - o.added;
    if (lifetime > params_.max_lifetime) return;
    const double fill_ratio = static_cast<double>(o.filled) / static_cast<double>(o.size);
    if (fill_ratio >= params_.max_fill_ratio) return;
    trade_refs_.clear();
    OppositeTrades against = tape_.against(TradesAgainst(o.side, o.account, *scope_.universe),
                                           o.price, o.added, trade_refs_, kMaxTradeRefs);
    if (trades_against(o, against) < static_cast<uint64_t>(params_.min_opposite_trades)) return;
    if (traded_through(o, now, against) || quotes_both_sides(o, against)) return;
    if (pulled_late(o, now, against)) return;
    emit(o, now, fill_ratio, against);
  }

  /// Whether, with its account known, the order outlived the account's last trade on the other
  /// side by more than max_pull_delay. The spoof is there to show pressure while its owner
  /// trades; once that is done it has served, and the spoofer pulls it at once (enforcement
  /// cases describe pulls within a second or so of the opposite fill). An ordinary trader's
  /// cancel has no such tie to its own trades.
  bool pulled_late(const WatchedOrder& o, Timestamp now, const OppositeTrades& against) const {
    return o.account && against.count != 0 && now - against.newest > params_.max_pull_delay;
  }

  /// The trades against the order toward min_opposite_trades. With its account known and
  /// count_decisions, the decisions its owner took to trade on the other side while the order
  /// showed: each time it took liquidity there (one order that fills against several resting
  /// orders prints several trades at one time), and each order it placed there since the order
  /// that was filled, however many times. The spoofer trades again and again while its order
  /// shows; an ordinary trader's order resting on the other side before the large one, filled
  /// by others while it rests, is no decision taken then.
  uint64_t trades_against(const WatchedOrder& o, const OppositeTrades& against) const {
    if (!o.account || !params_.count_decisions) return against.count;
    const uint64_t takes = params_.shown_trades_only ? o.shown_takes : against.initiated_times;
    return takes + o.orders_filled_count;
  }

  /// Whether the order's account traded against it at its own price or through it: a spoofer
  /// trades on the other side where the order's pressure helps, short of its own price, and
  /// never meets its own order. A sell at or under the account's own bid is a trader who
  /// crossed its order (a venue's self-match prevention then cancels the resting order: the
  /// pull is not the trader's). So is a pull at the very instant of its owner's own take on
  /// the other side, printed before it: the take reached the order and the venue cancelled it
  /// in the same match (a trader's own cancel is a message of its own, at a time of its own),
  /// though no print came at the order's price.
  bool traded_through(const WatchedOrder& o, Timestamp now, const OppositeTrades& against) const {
    if (!o.account || !params_.through_price_clears) return false;
    return against.through_price > 0 ||
           (against.initiated_times != 0 && against.newest_initiated == now);
  }

  /// Whether the order's account showed as much interest on the other side during its life:
  /// what rested there within depth_levels when the order was added or when it was pulled
  /// (the more of the two), and what it traded there. A market maker's bid comes with its offer,
  /// both pulled as it quotes again; a spoofer's other side is the small trade the large order
  /// is there to help.
  bool quotes_both_sides(const WatchedOrder& o, const OppositeTrades& against) const {
    if (!o.account || params_.two_sided_share <= 0) return false;
    int64_t resting = std::max(o.opposite_at_add, resting_opposite(o.side, o.account));
    if (params_.two_sided_fills) resting = std::max(resting, o.opposite_filled);
    const int64_t interest = resting + against.volume.raw();
    return static_cast<double>(interest) >= params_.two_sided_share * static_cast<double>(o.size);
  }

  double score_of(const WatchedOrder& o, Duration lifetime, double fill_ratio,
                  const OppositeTrades& against) const {
    double size = std::max(unit_share((o.median_multiple / params_.size_multiple - 1) / 4),
                           unit_share((o.depth_share / params_.depth_share - 1) / 2));
    double quick = unit_share(1 - lifetime.to_seconds() / params_.max_lifetime.to_seconds());
    double unfilled =
        params_.max_fill_ratio > 0 ? unit_share(1 - fill_ratio / params_.max_fill_ratio) : 1;
    double traded =
        unit_share(static_cast<double>(against.volume.raw()) / static_cast<double>(o.size));
    return 50 + 50 * (0.45 * size + 0.2 * quick + 0.15 * unfilled + 0.2 * traded);
  }

  void emit(const WatchedOrder& o, Timestamp now, double fill_ratio,
            const OppositeTrades& against) {
    const Duration lifetime = now - o.added;
    const std::string id_text = o.ref.text();
    Alert alert =
        scope_.new_alert(o.added, now, id_text, score_of(o, lifetime, fill_ratio, against));
    if (o.account) alert.accounts.emplace_back(scope_.account_name(o.account));
    const Quantity size = Quantity::from_raw(o.size);
    JsonObjectWriter json;
    json.field("order_id", id_text)
        .field("side", to_string(o.side))
        .raw("price", o.price.to_string())
        .raw("size", size.to_string())
        .raw("filled", Quantity::from_raw(o.filled).to_string())
        .field("fill_ratio", fill_ratio)
        .field("lifetime_s", lifetime.to_seconds())
        .field("median_multiple", o.median_multiple)
        .raw("median_order_size", Quantity::from_raw(sizes_.median()).to_string())
        .field("depth_share", o.depth_share)
        .raw("visible_depth", Quantity::from_raw(o.visible_depth).to_string())
        .field("opposite_trades", against.count)
        .field("opposite_decisions", trades_against(o, against))
        .raw("opposite_volume", against.volume.to_string())
        .field("opposite_trades_truncated", against.truncated)
        .field("pull_delay_s", against.count != 0 ? (now - against.newest).to_seconds() : 0.0)
        .field("unwatched_orders", unwatched_);
    alert.metrics_json = std::move(json).finish();
    alert.why = fmt::format(
        "{} order {} for {} at {} ({:.1f}x the median order, {:.0f}% of the visible depth) was "
        "pulled after {:.3f} s with {:.1f}% filled while {} trade(s) for {} went the other way.",
        o.side == Side::kBuy ? "Buy" : "Sell", id_text, size.to_string(), o.price.to_string(),
        o.median_multiple, o.depth_share * 100, lifetime.to_seconds(), fill_ratio * 100,
        against.count, against.volume.to_string());
    alert.add_evidence("order", id_text);
    for (const EventRef& t : trade_refs_) alert.add_evidence("trade", t.text());
    scope_.sink->emit(std::move(alert));
  }

  SymbolScope scope_;
  Params params_;
  RecentSizes sizes_;
  TradeTape tape_;
  KeyedPool<WatchedOrder> watched_;
  std::vector<uint32_t> expired_;
  std::vector<EventRef> trade_refs_;
  uint64_t unwatched_ = 0;  // large orders not watched because kMaxWatched were
};

std::vector<ParamSpec> param_specs() {
  return {
      {"size_multiple", ParamType::kNumber, "10",
       "An order is large from this multiple of the median size of the symbol's recent orders", 1},
      {"depth_share", ParamType::kNumber, "0.25",
       "... or from this share of its side's visible depth within depth_levels (itself "
       "included)",
       0, 1},
      {"depth_min_multiple", ParamType::kNumber, "5",
       "... when it is also at least this multiple of the median order size (and the side "
       "shows depth_levels levels)",
       0},
      {"depth_levels", ParamType::kInteger, "5",
       "Levels from the best that count as visible; orders placed deeper are not judged", 1, 1000},
      {"max_lifetime", ParamType::kDuration, "10s", "A spoof is pulled within this of its add"},
      {"max_fill_ratio", ParamType::kNumber, "0.1",
       "A spoof has filled less than this share of its size when pulled", 0, 1},
      {"min_opposite_trades", ParamType::kInteger, "2",
       "Trades on the other side while the order rested (see docs/RULES.md) needed to fire", 1},
      {"median_orders", ParamType::kInteger, "1000",
       "Recent orders of the symbol whose median size is the yardstick", 16, 1'000'000},
      {"min_history", ParamType::kInteger, "100",
       "Orders seen before the median test applies (the depth test applies from the start)", 1},
      {"two_sided_share", ParamType::kNumber, "0.5",
       "An order of a known account is no spoof when the account's interest on the other side "
       "(resting there within depth_levels when it is pulled, plus what it traded there during "
       "its life) is at least this share of its size: two-sided quoting, as market makers do "
       "(0: no such test)",
       0},
      {"two_sided_fills", ParamType::kBool, "true",
       "... counting also each order of the account on the other side that traded during the "
       "order's life, at the size it was placed with, wherever it rested"},
      {"count_decisions", ParamType::kBool, "true",
       "With the order's account known, min_opposite_trades counts its decisions to trade on "
       "the other side while the order rested: each time it took liquidity there, and each "
       "order it placed there since that was filled (see docs/RULES.md)"},
      {"through_price_clears", ParamType::kBool, "true",
       "With the order's account known, it is no spoof when the account traded against it at "
       "its price or through it (it crossed its own order)"},
      {"max_pull_delay", ParamType::kDuration, "2s",
       "With the order's account known, a spoof is pulled within this of the account's last "
       "trade on the other side (max_lifetime or more: no such test)"},
      {"shown_trades_only", ParamType::kBool, "true",
       "With the order's account known and count_decisions, only the decisions taken while the "
       "order lay within depth_levels of its side's best count toward min_opposite_trades"},
  };
}

}  // namespace

RuleInfo spoofing_rule() {
  return {SpoofingTracker::kRule,
          "large order pulled within seconds, mostly unfilled, while the other side traded",
          "order events (accounts optional)", param_specs(), &make_symbol_rule<SpoofingTracker>};
}

}  // namespace tw
