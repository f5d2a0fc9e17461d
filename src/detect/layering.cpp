#include "detect/layering.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <vector>

#include "detect/symbol_rule.hpp"
#include "detect/trade_tape.hpp"
#include "util/format.hpp"
#include "util/recent_ring.hpp"

namespace tw {
namespace {

/// Pulls kept per side to find a layer set in, trades kept to find the one they followed, and
/// most orders one alert describes.
constexpr size_t kPullsKept = 64;
constexpr size_t kTapeTrades = 1024;
constexpr size_t kMaxLayers = 32;
constexpr size_t kMaxTradeRefs = 10;

struct LayeringParams {
  int64_t min_orders = 0;
  Duration placement_window;
  Duration cancel_window;
  Duration max_cancel_delay;
  double depth_share = 0;
  int64_t depth_levels = 0;
  double max_fill_ratio = 0;

  static LayeringParams read(const ParamValues& v, std::string_view where) {
    LayeringParams p;
    p.min_orders = v.integer("min_orders");
    p.placement_window = v.duration("placement_window");
    p.cancel_window = v.duration("cancel_window");
    p.max_cancel_delay = v.duration("max_cancel_delay");
    p.depth_share = v.number("depth_share");
    p.depth_levels = v.integer("depth_levels");
    p.max_fill_ratio = v.number("max_fill_ratio");
    if (p.min_orders > static_cast<int64_t>(kMaxLayers)) {
      throw ConfigError(std::string(where) + ": min_orders must be at most " +
                        std::to_string(kMaxLayers));
    }
    return p;
  }
};

/// An order pulled from the book, as the rule remembers it.
struct Pull {
  EventRef ref;  // the event that pulled it
  Timestamp added;
  Timestamp pulled;
  Price price;
  int64_t left = 0;          // raw size pulled
  int64_t depth_before = 0;  // raw visible depth of its side just before it went
  AccountId account;
};

/// Layers pulled together, grown while more of the same set are pulled, then reported.
struct Episode {
  bool open = false;
  Side side = Side::kUnknown;
  AccountId account;
  std::vector<Pull> layers;  // at most kMaxLayers, in the order they were pulled
  uint64_t layers_total = 0;
  Timestamp first_pull;
  Timestamp last_pull;
  Timestamp trade_ts;  // the trade against them that the pull followed
  int64_t depth_before = 0;
  std::vector<EventRef> trades;
  uint64_t trades_against = 0;

  bool holds(const Pull& p) const {
    return std::any_of(layers.begin(), layers.end(),
                       [&](const Pull& l) { return l.ref.id == p.ref.id; });
  }
};

// How far back from the newest trade the tape is read: a pull's set begins at most
// cancel_window before it (gather_layers), its trade lies at most max_cancel_delay before the
// set's first pull (trade_before), and the episode counts trades from max_cancel_delay before
// that trade (open).
Duration tape_horizon(const LayeringParams& p) {
  return p.cancel_window + p.max_cancel_delay + p.max_cancel_delay;
}

class LayeringTracker {
 public:
  static constexpr std::string_view kRule = "layering";
  using Params = LayeringParams;

  LayeringTracker(const SymbolScope& scope, const Params& params)
      : scope_(scope), params_(params), tape_(kTapeTrades, tape_horizon(params)) {
    for (Episode& e : episodes_) e.layers.reserve(kMaxLayers);
    group_.reserve(kPullsKept);
  }

  /// Trades, and the messages that can pull an order.
  static bool wants(const Event& e) {
    return kind_in<EventKind::kTrade, EventKind::kOrderDelete, EventKind::kOrderCancel,
                   EventKind::kOrderReplace>(e.kind);
  }

  [[gnu::always_inline]] void on_event(const Event& e) {
    if (e.kind == EventKind::kTrade) return tape_.add(e);
    const OrderBook* book = scope_.book();
    const RestingOrder* gone = book == nullptr ? nullptr : book->removed_by_last_event();
    if (gone == nullptr || (gone->side != Side::kBuy && gone->side != Side::kSell)) return;
    on_pull(e, *gone, *book);
  }

  void advance_to(Timestamp watermark) {
    for (Episode& episode : episodes_) {
      if (episode.open && episode.last_pull + params_.cancel_window < watermark) report(episode);
    }
    update_due();
  }

  /// An open episode is reported once cancel_window passes its last pull: kept as episodes
  /// open, grow and close, rather than worked out after every event.
  Timestamp due() const { return due_; }

  void finish() {
    for (Episode& episode : episodes_) {
      if (episode.open) report(episode);
    }
  }

 private:
  Episode& episode_of(Side side) { return episodes_[side == Side::kBuy ? 0 : 1]; }

  // Out of line: on_event is inlined into the rule's loop over the events, this is not.
  [[gnu::noinline]] void on_pull(const Event& e, const RestingOrder& gone, const OrderBook& book) {
    const double filled = static_cast<double>(gone.executed.raw());
    if (gone.size.raw() <= 0 || filled >= params_.max_fill_ratio * gone.size.raw()) return;
    const int64_t depth =
        book.depth_within(gone.side, static_cast<size_t>(params_.depth_levels)).raw();
    Pull p{EventRef::of(e),        gone.added,  e.ts, gone.price, gone.qty.raw(),
           depth + gone.qty.raw(), gone.account};
    pulls(gone.side).push(p);
    // A set needs at least two pulls within cancel_window: when the side's previous pull is
    // older, this one is alone, and the ring (mostly beyond the caches) is not read.
    Timestamp& previous = last_pull(gone.side);
    const bool alone = previous < p.pulled - params_.cancel_window && params_.min_orders > 1;
    previous = p.pulled;
    if (alone) return;
    const std::optional<Timestamp> newest_add = gather_layers(gone.side, p);
    if (newest_add) extend_or_open(gone.side, p.account, *newest_add);
  }

  RecentRing<Pull>& pulls(Side side) { return side == Side::kBuy ? bid_pulls_ : ask_pulls_; }
  Timestamp& last_pull(Side side) { return last_pulls_[side == Side::kBuy ? 0 : 1]; }

  /// Fills group_ with the pulls of `latest`'s owner that could be one layer set with it:
  /// pulled within cancel_window, placed within placement_window, at min_orders prices, together
  /// at least depth_share of the depth before the first of them went. The newest add among them
  /// when they are such a set.
  std::optional<Timestamp> gather_layers(Side side, const Pull& latest) {
    const RecentRing<Pull>& ring = pulls(side);
    const Timestamp since = latest.pulled - params_.cancel_window;
    // Most pulls have fewer than min_orders pulls of their owner beside them, so no set: they
    // are counted, and the newest add among them found, before any set is looked at.
    size_t in_window = 0;
    size_t candidates = 0;
    Timestamp newest_add = Timestamp::min();
    int64_t size = 0;                                           // of all of them
    int64_t least_depth = std::numeric_limits<int64_t>::max();  // before any of them went
    ring.for_each_newest([&](const Pull& p) {
      if (p.pulled < since) return false;
      ++in_window;
      if (p.account == latest.account) {
        ++candidates;
        newest_add = std::max(newest_add, p.added);
        size += p.left;
        least_depth = std::min(least_depth, p.depth_before);
      }
      return true;
    });
    if (candidates < static_cast<size_t>(params_.min_orders)) return std::nullopt;
    // A set among them holds no more than all of them, against the depth before its first
    // pull, which is no less than the least: most fall short even so, without a second look.
    if (static_cast<double>(size) < params_.depth_share * static_cast<double>(least_depth)) {
      return std::nullopt;
    }
    const LayerFilter in_set{latest.account, newest_add - params_.placement_window};
    // Most sets fail on their prices or their size: only one that passes both is copied.
    if (!large_enough_at_enough_prices(ring, in_window, in_set)) return std::nullopt;
    group_.clear();
    ring.for_each_of_newest(in_window, [&](const Pull& p) {  // in the order they were pulled
      if (in_set(p)) group_.push_back(p);
    });
    return newest_add;
  }

  /// Which of the pulls within cancel_window belong to the set: its owner's, placed since.
  struct LayerFilter {
    AccountId account;
    Timestamp placed_since;
    bool operator()(const Pull& p) const { return p.account == account && p.added >= placed_since; }
  };

  /// Whether the set among the newest `in_window` pulls lies at min_orders prices or more and
  /// holds depth_share of the visible depth before its first pull.
  bool large_enough_at_enough_prices(const RecentRing<Pull>& ring, size_t in_window,
                                     const LayerFilter& in_set) const {
    const auto enough_prices = static_cast<size_t>(params_.min_orders);
    RawPrices prices;  // the first enough_prices distinct ones
    size_t distinct = 0;
    int64_t size = 0;
    int64_t first_depth = -1;  // before the set's first pull
    ring.for_each_of_newest(in_window, [&](const Pull& p) {
      if (!in_set(p)) return;
      if (first_depth < 0) first_depth = p.depth_before;
      size += p.left;
      if (distinct < enough_prices && !holds(prices, distinct, p.price)) {
        prices[distinct++] = p.price.raw();
      }
    });
    return distinct >= enough_prices &&
           static_cast<double>(size) >= params_.depth_share * static_cast<double>(first_depth);
  }

  // Raw prices, left uninitialised: only the first n are read.
  using RawPrices = std::array<int64_t, kMaxLayers>;

  static size_t distinct_prices(const std::vector<Pull>& layers) {  // at most kMaxLayers
    RawPrices prices;
    size_t n = 0;
    for (const Pull& p : layers) {
      if (!holds(prices, n, p.price)) prices[n++] = p.price.raw();
    }
    return n;
  }

  static bool holds(const RawPrices& prices, size_t n, Price price) {
    const auto end = prices.begin() + static_cast<std::ptrdiff_t>(n);
    return std::find(prices.begin(), end, price.raw()) != end;
  }

  /// group_ is a layer set large against the depth; it is layering when its first pull came
  /// soon after a trade against it, while every layer still rested.
  void extend_or_open(Side side, AccountId account, Timestamp newest_add) {
    const Pull& first = group_.front();
    const TapeTrade* trade = trade_before(side, account, newest_add, first.pulled);
    if (trade == nullptr) return;
    Episode& episode = episode_of(side);
    const bool same_set = episode.open && episode.account == account &&
                          first.pulled <= episode.last_pull + params_.cancel_window;
    if (episode.open && !same_set) report(episode);
    if (!episode.open) open(episode, side, account, *trade, first);
    for (const Pull& p : group_) add_layer(episode, p);
    update_due();
  }

  void update_due() {
    due_ = Timestamp::max();
    for (const Episode& episode : episodes_) {
      if (episode.open)
        due_ = std::min(due_, just_after(episode.last_pull + params_.cancel_window));
    }
  }

  /// The latest trade against the layers after the last was placed and no more than
  /// max_cancel_delay before the first pull.
  const TapeTrade* trade_before(Side side, AccountId account, Timestamp newest_add,
                                Timestamp first_pull) const {
    const TapeTrade* found = nullptr;
    const TradesAgainst against(side, account, *scope_.universe);
    tape_.for_each_since(std::max(newest_add, first_pull - params_.max_cancel_delay),
                         [&](const TapeTrade& t) {
                           if (t.ts <= first_pull && against(t)) found = &t;
                           return found == nullptr;  // the newest such trade ends the walk
                         });
    return found;
  }

  void open(Episode& episode, Side side, AccountId account, const TapeTrade& trade,
            const Pull& first) {
    episode.open = true;
    episode.side = side;
    episode.account = account;
    episode.layers.clear();
    episode.layers_total = 0;
    episode.first_pull = first.pulled;
    episode.last_pull = first.pulled;
    episode.trade_ts = trade.ts;
    episode.depth_before = first.depth_before;
    episode.trades.clear();
    episode.trades_against = 0;
    const TradesAgainst against(side, account, *scope_.universe);
    tape_.for_each_since(trade.ts - params_.max_cancel_delay, [&](const TapeTrade& t) {
      if (t.ts > first.pulled || !against(t)) return true;
      ++episode.trades_against;
      if (episode.trades.size() < kMaxTradeRefs) episode.trades.push_back(t.ref);
      return true;
    });
  }

  static void add_layer(Episode& episode, const Pull& p) {
    if (episode.holds(p)) return;
    ++episode.layers_total;
    episode.last_pull = std::max(episode.last_pull, p.pulled);
    if (episode.layers.size() < kMaxLayers) episode.layers.push_back(p);
  }

  void report(Episode& episode) {
    episode.open = false;
    scope_.sink->emit(make_alert(episode));
  }

  Alert make_alert(const Episode& ep) const {
    Timestamp first_add = Timestamp::max(), last_add = Timestamp::min();
    int64_t size = 0;
    Price low = ep.layers.front().price, high = low;
    for (const Pull& p : ep.layers) {
      first_add = std::min(first_add, p.added);
      last_add = std::max(last_add, p.added);
      size += p.left;
      low = std::min(low, p.price);
      high = std::max(high, p.price);
    }
    const size_t levels = distinct_prices(ep.layers);
    const double share = ep.depth_before > 0 ? static_cast<double>(size) / ep.depth_before : 0;
    const Duration pull_span = ep.last_pull - ep.first_pull;
    const Duration delay = ep.first_pull - ep.trade_ts;
    const std::string key = ep.layers.front().ref.text();
    Alert alert = scope_.new_alert(first_add, ep.last_pull, key, score_of(ep, levels, share));
    if (ep.account) alert.accounts.emplace_back(scope_.account_name(ep.account));
    JsonObjectWriter json;
    json.field("side", to_string(ep.side))
        .field("orders", ep.layers_total)
        .field("price_levels", static_cast<int64_t>(levels))
        .raw("low_price", low.to_string())
        .raw("high_price", high.to_string())
        .raw("size", Quantity::from_raw(size).to_string())
        .raw("visible_depth", Quantity::from_raw(ep.depth_before).to_string())
        .field("depth_share", share)
        .field("placement_span_s", (last_add - first_add).to_seconds())
        .field("pull_span_s", pull_span.to_seconds())
        .field("delay_after_trade_s", delay.to_seconds())
        .field("trades_against", ep.trades_against);
    alert.metrics_json = std::move(json).finish();
    alert.why = fmt::format(
        "{} {} orders at {} price levels ({}-{}), {} in all and {:.0f}% of the visible depth, "
        "were placed within {:.3f} s and pulled within {:.3f} s, {:.3f} s after a trade "
        "against them.",
        ep.layers_total, ep.side == Side::kBuy ? "buy" : "sell", levels, low.to_string(),
        high.to_string(), Quantity::from_raw(size).to_string(), share * 100,
        (last_add - first_add).to_seconds(), pull_span.to_seconds(), delay.to_seconds());
    for (const Pull& p : ep.layers) alert.add_evidence("order", p.ref.text());
    for (const EventRef& t : ep.trades) alert.add_evidence("trade", t.text());
    return alert;
  }

  double score_of(const Episode& ep, size_t levels, double share) const {
    const double size = unit_share((share / params_.depth_share - 1) / 1);
    const double more = unit_share((static_cast<double>(levels) - params_.min_orders) / 3);
    const double quick = unit_share(1 - (ep.first_pull - ep.trade_ts).to_seconds() /
                                            std::max(params_.max_cancel_delay.to_seconds(), 1e-9));
    return 50 + 50 * (0.5 * size + 0.25 * more + 0.25 * quick);
  }

  SymbolScope scope_;
  Params params_;
  TradeTape tape_;
  RecentRing<Pull> bid_pulls_{kPullsKept};
  RecentRing<Pull> ask_pulls_{kPullsKept};
  // The time of each side's newest pull (the newest in its ring), kept beside the rings.
  std::array<Timestamp, 2> last_pulls_{Timestamp::min(), Timestamp::min()};
  std::array<Episode, 2> episodes_;  // buy side, sell side
  Timestamp due_ = Timestamp::max();
  std::vector<Pull> group_;
};

std::vector<ParamSpec> param_specs() {
  return {
      {"min_orders", ParamType::kInteger, "3",
       "Orders of one side (and one account when known), each at its own price, in a set", 2,
       static_cast<double>(kMaxLayers)},
      {"placement_window", ParamType::kDuration, "5s", "The set's adds lie within this span"},
      {"cancel_window", ParamType::kDuration, "1s", "The set's pulls lie within this span"},
      {"max_cancel_delay", ParamType::kDuration, "5s",
       "The first pull comes within this after a trade against the set (see docs/RULES.md)"},
      {"depth_share", ParamType::kNumber, "0.5",
       "The set holds at least this share of its side's visible depth just before the first "
       "pull",
       0, 1},
      {"depth_levels", ParamType::kInteger, "10", "Levels from the best that count as visible", 1,
       1000},
      {"max_fill_ratio", ParamType::kNumber, "0.1",
       "An order filled this share of its size or more is not a layer", 0, 1},
  };
}

}  // namespace

RuleInfo layering_rule() {
  return {LayeringTracker::kRule,
          "orders at several levels of one side, large against the depth, pulled together "
          "right after a trade against them",
          "order events (accounts optional)", param_specs(), &make_symbol_rule<LayeringTracker>};
}

}  // namespace tw
