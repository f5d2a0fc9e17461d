#include "detect/wash_collusive_ring.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "detect/resting_age.hpp"
#include "detect/symbol_rule.hpp"
#include "util/format.hpp"
#include "util/growable_ring.hpp"
#include "util/keyed_pool.hpp"

namespace tw {
namespace {

// Parameter names, shared by the specs and the code that reads them.
constexpr const char* kWindow = "window";
constexpr const char* kMinOwners = "min_owners";
constexpr const char* kMaxCycleOwners = "max_cycle_owners";
constexpr const char* kMaxNetShare = "max_net_share";
constexpr const char* kMinVolumeMatch = "min_volume_match";
constexpr const char* kPriceTolerance = "price_tolerance";
constexpr const char* kMaxWindowTrades = "max_window_trades";
constexpr const char* kMaxSearchSteps = "max_search_steps";
constexpr const char* kPrearrangedLegs = "prearranged_legs";
constexpr const char* kMaxRestingAge = "max_resting_age";
constexpr const char* kMinNotional = "min_notional";
constexpr const char* kMediumNotional = "medium_notional";
constexpr const char* kHighNotional = "high_notional";
constexpr const char* kCriticalNotional = "critical_notional";
constexpr const char* kMediumLaps = "medium_laps";
constexpr const char* kHighLaps = "high_laps";
constexpr const char* kCriticalLaps = "critical_laps";

/// The most owners a cycle may have: the search keeps its path and the ring test its sums in
/// fixed arrays of this size.
constexpr size_t kCycleOwnersLimit = 16;

std::vector<ParamSpec> param_specs() {
  return {
      {kWindow, ParamType::kDuration, "10m",
       "the trades of a ring must all lie within this time; an episode ends when no further "
       "lap of its owners follows its last trade within this time"},
      {kMinOwners, ParamType::kInteger, "3",
       "fewest beneficial owners in a ring (two owners trading back and forth are a round trip, "
       "not a ring)",
       3, static_cast<double>(kCycleOwnersLimit)},
      {kMaxCycleOwners, ParamType::kInteger, "6",
       "most owners in a cycle the search looks for (the depth of the search)", 3,
       static_cast<double>(kCycleOwnersLimit)},
      {kMaxNetShare, ParamType::kNumber, "0.02",
       "most net position change of each owner over the ring's trades, as a share of what it "
       "traded in them (0.02 = 2%); the search follows trades whose sizes are that close",
       0, 1},
      {kMinVolumeMatch, ParamType::kNumber, "0.5",
       "the least traded owner of a ring trades at least this share (in volume) of the most "
       "traded one: the same quantity went round, not a large round trip of two beside a "
       "small leg through a third",
       0, 1},
      {kPriceTolerance, ParamType::kNumber, "0",
       "most relative difference between the prices of a ring's trades (0 = one price): passed "
       "round at one price, the quantity leaves every owner's cash as it was; at different "
       "prices money moves between them, as it does when round lots change hands by chance",
       0, 1},
      {kMaxWindowTrades, ParamType::kInteger, "4096",
       "trades between two known owners kept per symbol (the oldest let go first, even inside "
       "the window): bounds memory",
       16, 1 << 20},
      {kMaxSearchSteps, ParamType::kInteger, "512",
       "most trades (and size buckets) the search for a cycle looks at per trade: bounds the "
       "work per trade on a busy market",
       16, 1 << 20},
      {kPrearrangedLegs, ParamType::kBool, "true",
       "when the order book dates a trade's resting order (order-level feeds): a trade whose "
       "resting order waited longer than max_resting_age before it was taken met whoever came, "
       "and is no leg of a ring; false takes every trade between two owners as before"},
      {kMaxRestingAge, ParamType::kDuration, "100ms",
       "most time from the placement of a ring leg's resting order to its execution "
       "(prearranged_legs): the next owner's counter order stood ready"},
      {kMinNotional, ParamType::kNumber, "0",
       "episodes trading less value than this (quote currency) are not reported", 0},
      {kMediumNotional, ParamType::kNumber, "10000",
       "episode value (all its trades, quote currency) from which severity is at least MEDIUM", 0},
      {kHighNotional, ParamType::kNumber, "100000",
       "episode value from which severity is at least HIGH", 0},
      {kCriticalNotional, ParamType::kNumber, "1000000",
       "episode value from which severity is CRITICAL", 0},
      {kMediumLaps, ParamType::kInteger, "2",
       "laps of the ring (its trades over its owners) from which severity is at least MEDIUM", 1},
      {kHighLaps, ParamType::kInteger, "3", "laps of the ring from which severity is at least HIGH",
       1},
      {kCriticalLaps, ParamType::kInteger, "10", "laps of the ring from which severity is CRITICAL",
       1},
  };
}

constexpr uint64_t kNoTrade = ~uint64_t{0};

/// Trades of similar size share a bucket: 16 a doubling (each 3-6% of the size), numbered in
/// size order, so the sizes in a range lie in a run of buckets. Integer only: it is worked out
/// for every trade with both accounts.
uint32_t size_bucket(int64_t raw) {
  const auto v = static_cast<uint64_t>(std::max<int64_t>(raw, 1));
  const int width = std::bit_width(v);
  const uint64_t top = width > 5 ? v >> (width - 5) : v << (5 - width);  // 16..31
  return static_cast<uint32_t>(width) * 16 + static_cast<uint32_t>(top & 15);
}

/// A trade between two owners, as the window's graph keeps it: an edge from seller to buyer.
struct RingTrade {
  Timestamp ts;
  Price price;
  Quantity qty;
  EventRef ref;
  AccountId seller, buyer;
  OwnerId seller_owner, buyer_owner;
  uint64_t previous_sale = kNoTrade;            // the seller's sale before it (newest first)
  uint64_t previous_sized_sale = kNoTrade;      // ... of the same size bucket
  uint64_t previous_sized_purchase = kNoTrade;  // the buyer's purchase before it, same bucket
  uint32_t episode = 0;                         // serial of the episode that took it, 0 for none
  // Its resting order was taken at once (or its placement is not known): it may be a leg of a
  // ring. Trades that are not still count in the owners' balance.
  bool arranged = true;
};

/// Where a chain of trades in the window starts: an owner's sales, or an owner's sales and
/// purchases of one size bucket.
struct ChainHeads {
  uint64_t key = 0;  // the owner id, or sized_key()
  uint64_t last_sale = kNoTrade;
  uint64_t last_purchase = kNoTrade;  // sized chains only
};

/// The window's trades between two owners, chained newest first: each owner's sales, and each
/// owner's sales and purchases of one size bucket, so that a search walks the few trades it
/// can use without scanning the window. Trades leave when they are older than the window or
/// beyond `capacity`; a chain leaves with its last trade.
class TradeWindow {
 public:
  TradeWindow(Duration window, size_t capacity) : window_(window), capacity_(capacity) {}

  static uint64_t sized_key(OwnerId owner, uint32_t bucket) {
    return (uint64_t{owner.value} << 10) | bucket;  // buckets are below 64 x 16
  }

  /// Takes `e`, sold by `seller` to `buyer`, and returns its index.
  uint64_t add(const Event& e, OwnerId seller, OwnerId buyer, bool arranged) {
    const Timestamp oldest = e.ts - window_;
    while (!trades_.empty() && (trades_.front().ts < oldest || trades_.size() >= capacity_)) {
      drop_oldest();
    }
    const uint64_t index = trades_.end_index();
    const uint32_t bucket = size_bucket(e.qty.raw());
    // Slots, not references: each insertion may move the records.
    const uint32_t sales = slot_of(owners_, seller.value);
    const uint32_t sized_sales = slot_of(sized_, sized_key(seller, bucket));
    const uint32_t sized_purchases = slot_of(sized_, sized_key(buyer, bucket));
    trades_.push_slot() = RingTrade{e.ts,
                                    e.price,
                                    e.qty,
                                    EventRef::of(e),
                                    e.seller,
                                    e.buyer,
                                    seller,
                                    buyer,
                                    owners_[sales].last_sale,
                                    sized_[sized_sales].last_sale,
                                    sized_[sized_purchases].last_purchase,
                                    0,
                                    arranged};
    owners_[sales].last_sale = index;
    sized_[sized_sales].last_sale = index;
    sized_[sized_purchases].last_purchase = index;
    return index;
  }

  RingTrade& at(uint64_t i) { return trades_.at(i); }
  const RingTrade& at(uint64_t i) const { return trades_.at(i); }
  /// Trade `i` is kept and no older than `oldest`.
  bool live(uint64_t i, Timestamp oldest) const {
    return i != kNoTrade && i >= trades_.begin_index() && trades_.at(i).ts >= oldest;
  }
  uint64_t last_sale_of(OwnerId o) const { return heads(owners_, o.value).last_sale; }
  uint64_t last_sized_sale_of(OwnerId o, uint32_t bucket) const {
    return heads(sized_, sized_key(o, bucket)).last_sale;
  }
  uint64_t last_sized_purchase_of(OwnerId o, uint32_t bucket) const {
    return heads(sized_, sized_key(o, bucket)).last_purchase;
  }

 private:
  static uint32_t slot_of(KeyedPool<ChainHeads>& pool, uint64_t key) {
    const uint32_t slot = pool.try_insert(key);
    if (slot == KeyedPool<ChainHeads>::kNone) return pool.find(key);
    pool[slot].last_sale = pool[slot].last_purchase = kNoTrade;
    return slot;
  }
  static const ChainHeads& heads(const KeyedPool<ChainHeads>& pool, uint64_t key) {
    static const ChainHeads kNone;
    const uint32_t slot = pool.find(key);
    return slot == KeyedPool<ChainHeads>::kNone ? kNone : pool[slot];
  }

  void drop_oldest() {
    const uint64_t oldest = trades_.begin_index();
    const RingTrade& t = trades_.front();
    const uint32_t bucket = size_bucket(t.qty.raw());
    forget_if_gone(owners_, t.seller_owner.value, oldest);
    forget_if_gone(sized_, sized_key(t.seller_owner, bucket), oldest);
    forget_if_gone(sized_, sized_key(t.buyer_owner, bucket), oldest);
    trades_.pop_front();
  }
  // Once the oldest trade leaves, a chain whose newest trades are no later has none left.
  static void forget_if_gone(KeyedPool<ChainHeads>& pool, uint64_t key, uint64_t oldest) {
    const uint32_t slot = pool.find(key);
    if (slot == KeyedPool<ChainHeads>::kNone) return;
    const ChainHeads& h = pool[slot];
    const bool sales_gone = h.last_sale == kNoTrade || h.last_sale <= oldest;
    const bool purchases_gone = h.last_purchase == kNoTrade || h.last_purchase <= oldest;
    if (sales_gone && purchases_gone) pool.erase(slot);
  }

  Duration window_;
  size_t capacity_;
  GrowableRing<RingTrade> trades_{64};
  KeyedPool<ChainHeads> owners_{64};
  KeyedPool<ChainHeads> sized_{64};
};

/// What an account bought and sold in an episode's trades.
struct Position {
  AccountId account;
  OwnerId owner;
  Quantity bought, sold;
};

/// A trade named in evidence, with its time to order the evidence by.
struct EvidenceTrade {
  Timestamp ts;
  EventRef ref;
};

/// A ring and the trades its owners made among themselves while it lasted: one alert.
struct Episode {
  uint32_t serial = 0;
  Timestamp start, end;
  std::string key;
  std::vector<OwnerId> owners;
  std::vector<Position> positions;
  std::vector<EvidenceTrade> evidence;  // at most kMaxEvidenceIds kept; trades counts all
  uint64_t trades = 0;
  Quantity volume;
  double notional = 0;

  void reset(uint32_t new_serial) {
    serial = new_serial;
    start = Timestamp::max();
    end = Timestamp::min();
    key.clear();  // clear() keeps capacity: reused episodes do not reallocate
    owners.clear();
    positions.clear();
    evidence.clear();
    trades = 0;
    volume = Quantity{};
    notional = 0;
  }
  bool has(OwnerId owner) const {
    return std::find(owners.begin(), owners.end(), owner) != owners.end();
  }
  void add_owner(OwnerId owner) {
    if (!has(owner)) owners.push_back(owner);
  }
  void add(RingTrade& t) {
    t.episode = serial;
    start = std::min(start, t.ts);
    end = std::max(end, t.ts);
    ++trades;
    volume += t.qty;
    notional += tw::notional(t.price, t.qty);
    position_of(t.buyer, t.buyer_owner).bought += t.qty;
    position_of(t.seller, t.seller_owner).sold += t.qty;
    if (evidence.size() < kMaxEvidenceIds) evidence.push_back({t.ts, t.ref});
  }

 private:
  Position& position_of(AccountId account, OwnerId owner) {
    for (Position& p : positions) {
      if (p.account == account) return p;
    }
    return positions.emplace_back(Position{account, owner, {}, {}});
  }
};

constexpr uint32_t kNoEpisode = ~uint32_t{0};

/// An owner that sold to the target of a search, and when it last did.
struct LastHop {
  OwnerId owner;
  Timestamp latest;
};

/// How balanced a set of owners' trades among themselves are.
struct Balance {
  double max_net_share = 0;  // the largest |bought - sold| / (bought + sold) of an owner
  double volume_match = 0;   // the least traded owner's volume over the most traded one's
};

/// Bought and sold volume of up to kCycleOwnersLimit owners, indexed as the caller lists them.
struct OwnerSums {
  std::array<int64_t, kCycleOwnersLimit> bought{};
  std::array<int64_t, kCycleOwnersLimit> sold{};

  Balance balance(size_t owners) const {
    Balance b{0, 1};
    int64_t least = INT64_MAX, most = 0;
    for (size_t i = 0; i < owners; ++i) {
      const int64_t gross = bought[i] + sold[i];
      if (gross <= 0) return Balance{1, 0};
      const double net = static_cast<double>(std::llabs(bought[i] - sold[i]));
      b.max_net_share = std::max(b.max_net_share, net / static_cast<double>(gross));
      least = std::min(least, gross);
      most = std::max(most, gross);
    }
    b.volume_match = most > 0 ? static_cast<double>(least) / static_cast<double>(most) : 0;
    return b;
  }
};

/// Collusive rings on one symbol. Every trade between two known owners is an edge of the
/// window's graph, from seller to buyer. A new edge s -> b closes a ring when b already reaches
/// s through a chain of ever later edges of a similar size, over at least one other owner (the
/// quantity passed on from b back to s), and the owners of that cycle are balanced over all
/// their trades among themselves in the window: each ends near where it started, and all
/// traded about the same volume. A ring opens an episode; rings found again among the same
/// owners (further laps) join it, and it is reported a window after its last trade.
class WashCollusiveRing {
 public:
  static constexpr std::string_view kRule = "wash.collusive_ring";

  struct Params {
    Duration window;
    size_t min_owners = 0;
    size_t max_cycle_owners = 0;
    double max_net_share = 0;
    double min_volume_match = 0;
    double price_tolerance = 0;
    size_t max_window_trades = 0;
    uint32_t max_search_steps = 0;
    Duration max_resting_age;  // zero: not asked
    double min_notional = 0;
    double medium_notional = 0;
    double high_notional = 0;
    double critical_notional = 0;
    int64_t medium_laps = 0;
    int64_t high_laps = 0;
    int64_t critical_laps = 0;

    static Params read(const ParamValues& v, std::string_view where) {
      Params p;
      p.window = v.duration(kWindow);
      p.min_owners = static_cast<size_t>(v.integer(kMinOwners));
      p.max_cycle_owners = static_cast<size_t>(v.integer(kMaxCycleOwners));
      p.max_net_share = v.number(kMaxNetShare);
      p.min_volume_match = v.number(kMinVolumeMatch);
      p.price_tolerance = v.number(kPriceTolerance);
      p.max_window_trades = static_cast<size_t>(v.integer(kMaxWindowTrades));
      p.max_search_steps = static_cast<uint32_t>(v.integer(kMaxSearchSteps));
      // Zero when not asked: the rule reads one value on each trade.
      p.max_resting_age = v.flag(kPrearrangedLegs) ? v.duration(kMaxRestingAge) : Duration{};
      p.min_notional = v.number(kMinNotional);
      p.medium_notional = v.number(kMediumNotional);
      p.high_notional = v.number(kHighNotional);
      p.critical_notional = v.number(kCriticalNotional);
      p.medium_laps = v.integer(kMediumLaps);
      p.high_laps = v.integer(kHighLaps);
      p.critical_laps = v.integer(kCriticalLaps);
      if (p.min_owners > p.max_cycle_owners) {
        throw ConfigError(
            fmt::format("rules.{}: {} must not exceed {}", where, kMinOwners, kMaxCycleOwners));
      }
      if (!(p.medium_notional <= p.high_notional && p.high_notional <= p.critical_notional)) {
        throw ConfigError(fmt::format("rules.{}: {} <= {} <= {} is required", where,
                                      kMediumNotional, kHighNotional, kCriticalNotional));
      }
      if (!(p.medium_laps <= p.high_laps && p.high_laps <= p.critical_laps)) {
        throw ConfigError(fmt::format("rules.{}: {} <= {} <= {} is required", where, kMediumLaps,
                                      kHighLaps, kCriticalLaps));
      }
      return p;
    }
  };

  WashCollusiveRing(const SymbolScope& scope, const Params& params)
      : scope_(scope), p_(params), window_(params.window, params.max_window_trades) {
    path_.reserve(kCycleOwnersLimit + 1);  // a cycle and its target
  }

  static constexpr bool kReadsTradesOnly = true;  // wants() takes trades alone
  /// Trades whose buyer and seller are both known: on anonymous feeds, none.
  static bool wants(const Event& e) { return e.is_trade() && e.buyer && e.seller; }

  void on_event(const Event& e) {
    if (e.ts > next_close_) close_before(e.ts);
    const OwnerId seller = scope_.universe->owner_of(e.seller);
    const OwnerId buyer = scope_.universe->owner_of(e.buyer);
    if (seller == buyer) return;  // one owner on both sides: wash.round_trip's
    // A leg of a ring is passed on by arrangement: the next owner takes the resting order as
    // soon as it shows. A resting order that waited was taken by whoever came.
    const bool arranged = !resting_order_waited(scope_.book(), e, p_.max_resting_age);
    const uint64_t trade = window_.add(e, seller, buyer, arranged);
    if (arranged && closes_ring(trade)) record_ring(trade);
  }

  void advance_to(Timestamp watermark) {
    if (watermark > next_close_) close_before(watermark);
  }
  Timestamp due() const {
    return next_close_ == Timestamp::max() ? next_close_ : just_after(next_close_);
  }
  void finish() { close_before(Timestamp::max()); }

 private:
  // Searches for a cycle the new trade closes: paths from its buyer back to its seller over
  // at least one other owner, each owner selling after it bought (the quantity passed on, the
  // new trade last), through trades of a similar size, depth first along the newest trades,
  // each path tested as a ring.
  bool closes_ring(uint64_t trade) {
    const RingTrade& t = window_.at(trade);
    steps_left_ = p_.max_search_steps;
    oldest_ = t.ts - p_.window;
    target_ = t.seller_owner;
    set_similar_sizes(t.qty);
    if (!find_last_hops()) return false;
    path_.clear();
    path_.push_back(t.buyer_owner);
    return search_from(t.buyer_owner, oldest_, p_.max_cycle_owners - 1);
  }

  // Similar sizes: an owner that bought one and sold the other would be within max_net_share
  // (m) of flat, their ratio at least (1 - m) / (1 + m). A cycle of single trades that passes
  // the ring test has only such trades; one that splits a leg into smaller pieces is not
  // looked for.
  void set_similar_sizes(Quantity qty) {
    const double ratio = (1 - p_.max_net_share) / (1 + p_.max_net_share);
    const auto raw = static_cast<double>(qty.raw());
    least_qty_ = static_cast<int64_t>(std::ceil(raw * ratio));
    const double most = ratio > 0 ? std::floor(raw / ratio) : 9e18;
    most_qty_ = most >= 9e18 ? INT64_MAX : static_cast<int64_t>(most);
    first_bucket_ = size_bucket(least_qty_);
    last_bucket_ = size_bucket(most_qty_);
  }
  bool similar_size(const RingTrade& t) const {
    return t.qty.raw() >= least_qty_ && t.qty.raw() <= most_qty_;
  }

  // The owners that sold the target a similar size in the window, each with its latest such
  // sale: the last hop of every cycle the new trade can close. The search looks them up
  // rather than walking every owner's sales to see whether one goes to the target. False when
  // there are none: no cycle can close.
  bool find_last_hops() {
    last_hops_.clear();
    // Each bucket looked up is a step: a wide max_net_share spans hundreds of them.
    for (uint32_t bucket = first_bucket_; bucket <= last_bucket_ && steps_left_ != 0; ++bucket) {
      --steps_left_;
      for (uint64_t i = window_.last_sized_purchase_of(target_, bucket);
           window_.live(i, oldest_) && steps_left_ != 0;
           i = window_.at(i).previous_sized_purchase) {
        --steps_left_;
        const RingTrade& t = window_.at(i);
        if (t.arranged && similar_size(t)) last_hops_.push_back({t.seller_owner, t.ts});
      }
    }
    // Sorted by owner, each owner's latest sale first, then one entry per owner.
    std::sort(last_hops_.begin(), last_hops_.end(), [](const LastHop& a, const LastHop& b) {
      return a.owner != b.owner ? a.owner < b.owner : a.latest > b.latest;
    });
    last_hops_.erase(
        std::unique(last_hops_.begin(), last_hops_.end(),
                    [](const LastHop& a, const LastHop& b) { return a.owner == b.owner; }),
        last_hops_.end());
    return !last_hops_.empty();
  }

  // Whether `owner` sold the target a similar size at or after `bought`.
  bool sells_to_target_after(OwnerId owner, Timestamp bought) const {
    auto it = std::lower_bound(last_hops_.begin(), last_hops_.end(), owner,
                               [](const LastHop& h, OwnerId o) { return h.owner < o; });
    return it != last_hops_.end() && it->owner == owner && it->latest >= bought;
  }

  // Extends the path at `from`, which bought at `bought`, by its later sales of a similar
  // size, with at most `hops` trades left to reach the target; true when a ring was found
  // (its trades are then in ring_trades_). Chains run newest first, so each walk ends at the
  // first sale before `bought`.
  bool search_from(OwnerId from, Timestamp bought, size_t hops) {
    for (uint32_t bucket = first_bucket_; bucket <= last_bucket_; ++bucket) {
      if (steps_left_ == 0) return false;
      --steps_left_;
      for (uint64_t i = window_.last_sized_sale_of(from, bucket); window_.live(i, bought);
           i = window_.at(i).previous_sized_sale) {
        if (steps_left_ == 0) return false;
        --steps_left_;
        if (follow(window_.at(i), hops)) return true;
      }
    }
    return false;
  }

  // Takes the sale `t` as the path's next trade: a ring when its buyer sold on to the target,
  // else (with trades left) the search goes on from its buyer.
  bool follow(const RingTrade& t, size_t hops) {
    const OwnerId to = t.buyer_owner;
    if (to == target_ || !t.arranged || !similar_size(t) ||
        std::find(path_.begin(), path_.end(), to) != path_.end()) {
      return false;
    }
    path_.push_back(to);
    if (path_.size() + 1 >= p_.min_owners && sells_to_target_after(to, t.ts) && is_ring()) {
      return true;
    }
    if (hops > 2 && search_from(to, t.ts, hops - 1)) return true;
    path_.pop_back();
    return false;
  }

  // The path and the target as a ring: their trades among themselves in the window balance.
  bool is_ring() {
    path_.push_back(target_);
    const bool ring = owners_balance(path_);
    path_.pop_back();
    return ring;
  }

  // Gathers the window's trades among `owners` into ring_trades_ and tests their balance.
  bool owners_balance(const std::vector<OwnerId>& owners) {
    ring_trades_.clear();
    OwnerSums sums;
    for (size_t seller = 0; seller < owners.size(); ++seller) {
      for (uint64_t i = window_.last_sale_of(owners[seller]); window_.live(i, oldest_);
           i = window_.at(i).previous_sale) {
        if (steps_left_ == 0) return false;
        --steps_left_;
        const RingTrade& t = window_.at(i);
        const auto buyer = std::find(owners.begin(), owners.end(), t.buyer_owner);
        if (buyer == owners.end()) continue;
        sums.sold[seller] += t.qty.raw();
        sums.bought[static_cast<size_t>(buyer - owners.begin())] += t.qty.raw();
        ring_trades_.push_back(i);
      }
    }
    const Balance b = sums.balance(owners.size());
    return b.max_net_share <= p_.max_net_share && b.volume_match >= p_.min_volume_match &&
           at_one_price(ring_trades_);
  }

  // Whether the trades' prices lie within price_tolerance of the lowest.
  bool at_one_price(const std::vector<uint64_t>& trades) const {
    int64_t low = INT64_MAX, high = 0;
    for (uint64_t i : trades) {
      low = std::min(low, window_.at(i).price.raw());
      high = std::max(high, window_.at(i).price.raw());
    }
    return static_cast<double>(high - low) <= p_.price_tolerance * static_cast<double>(low);
  }

  // A ring was found through `trade`: its trades join the open episode of the same group (one
  // holds the other's owners: a further lap, or a wider cycle of the same owners), or open one.
  // Trades among the owners that close no balanced ring, such as the first of a lap never
  // completed, join no episode.
  void record_ring(uint64_t trade) {
    path_.push_back(target_);  // the ring's owners
    uint32_t episode = same_group(path_);
    if (episode == kNoEpisode) episode = open_episode(trade);
    Episode& ep = episodes_[episode];
    for (OwnerId o : path_) ep.add_owner(o);
    // Oldest first, so the evidence reads in time order.
    std::sort(ring_trades_.begin(), ring_trades_.end());
    for (uint64_t i : ring_trades_) {
      RingTrade& t = window_.at(i);
      if (t.episode != ep.serial) ep.add(t);
    }
    next_close_ = std::min(next_close_, ep.end + p_.window);
  }

  // The open episode whose owners hold `owners` or are held by them, if any.
  uint32_t same_group(const std::vector<OwnerId>& owners) const {
    for (uint32_t i : open_) {
      const Episode& ep = episodes_[i];
      const auto held =
          std::count_if(owners.begin(), owners.end(), [&](OwnerId o) { return ep.has(o); });
      if (static_cast<size_t>(held) == std::min(owners.size(), ep.owners.size())) return i;
    }
    return kNoEpisode;
  }

  uint32_t open_episode(uint64_t trade) {
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<uint32_t>(episodes_.size());
      episodes_.emplace_back();
    }
    open_.push_back(index);
    Episode& ep = episodes_[index];
    ep.reset(++serials_);
    ep.key = ring_key(trade);
    return index;
  }

  // The owners of the ring found, in name order, and the trade that closed it: the same on
  // every run over the same trades.
  std::string ring_key(uint64_t trade) const {
    std::vector<std::string_view> names;
    for (OwnerId o : path_) names.push_back(scope_.universe->owner_name(o));
    std::sort(names.begin(), names.end());
    std::string key;
    for (std::string_view n : names) {
      key += n;
      key += ',';
    }
    key += '|';
    key += window_.at(trade).ref.text();
    return key;
  }

  // Reports and closes the open episodes whose last trade + window is before `now`.
  void close_before(Timestamp now) {
    next_close_ = Timestamp::max();
    for (size_t k = 0; k < open_.size();) {
      Episode& ep = episodes_[open_[k]];
      const Timestamp closes = ep.end + p_.window;
      if (closes < now) {
        if (ep.notional >= p_.min_notional) emit(ep);
        free_.push_back(open_[k]);
        open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(k));
        continue;
      }
      next_close_ = std::min(next_close_, closes);
      ++k;
    }
  }

  // The owners' sums over the episode's trades, in the order of ep.owners.
  static OwnerSums owner_sums(const Episode& ep) {
    OwnerSums sums;
    for (const Position& p : ep.positions) {
      const auto at = static_cast<size_t>(std::find(ep.owners.begin(), ep.owners.end(), p.owner) -
                                          ep.owners.begin());
      if (at >= kCycleOwnersLimit) continue;
      sums.bought[at] += p.bought.raw();
      sums.sold[at] += p.sold.raw();
    }
    return sums;
  }

  static double laps(const Episode& ep) {
    return static_cast<double>(ep.trades) / static_cast<double>(ep.owners.size());
  }

  // The higher of what the value and the laps give, as for wash.round_trip: a single small lap
  // is LOW, as owners trading similar sizes close one by chance on a busy window; repetition
  // is what chance rarely gives.
  Severity severity_of(const Episode& ep) const {
    const int by_value = ep.notional >= p_.critical_notional ? 3
                         : ep.notional >= p_.high_notional   ? 2
                         : ep.notional >= p_.medium_notional ? 1
                                                             : 0;
    const double l = laps(ep);
    const int by_laps = l >= static_cast<double>(p_.critical_laps) ? 3
                        : l >= static_cast<double>(p_.high_laps)   ? 2
                        : l >= static_cast<double>(p_.medium_laps) ? 1
                                                                   : 0;
    return static_cast<Severity>(std::max(by_value, by_laps));
  }

  // 20 plus up to 30 for value (log scale, medium -> critical notional), up to 30 for laps
  // (1 -> critical_laps) and up to 20 for how exactly the quantity went round: 10 for the
  // largest net position against max_net_share, 10 for the volume match above its minimum.
  double score_of(const Episode& ep, const Balance& b) const {
    double value_part = 1;
    if (p_.critical_notional > p_.medium_notional && p_.medium_notional > 0) {
      value_part = ep.notional <= 0
                       ? 0
                       : unit_share(std::log10(ep.notional / p_.medium_notional) /
                                    std::log10(p_.critical_notional / p_.medium_notional));
    }
    const double lap_part =
        p_.critical_laps > 1
            ? unit_share((laps(ep) - 1) / static_cast<double>(p_.critical_laps - 1))
            : 1;
    const double net_part = p_.max_net_share > 0
                                ? 1 - unit_share(b.max_net_share / p_.max_net_share)
                                : (b.max_net_share > 0 ? 0 : 1);
    const double match_part =
        p_.min_volume_match < 1
            ? unit_share((b.volume_match - p_.min_volume_match) / (1 - p_.min_volume_match))
            : 1;
    return 20 + 30 * value_part + 30 * lap_part + 10 * net_part + 10 * match_part;
  }

  // Kept out of line: alerts are rare next to trades, and building one is long.
  [[gnu::noinline, gnu::cold]] void emit(Episode& ep) {
    const Balance b = owner_sums(ep).balance(std::min(ep.owners.size(), kCycleOwnersLimit));
    Alert a = scope_.new_alert(ep.start, ep.end, ep.key, score_of(ep, b));
    a.severity = severity_of(ep);
    for (const Position& p : ep.positions) a.accounts.emplace_back(scope_.account_name(p.account));
    std::stable_sort(ep.evidence.begin(), ep.evidence.end(),
                     [](const EvidenceTrade& x, const EvidenceTrade& y) { return x.ts < y.ts; });
    for (const EvidenceTrade& t : ep.evidence) a.add_evidence("trade", t.ref.text());
    a.evidence_total = ep.trades;
    a.metrics_json = metrics(ep, b);
    a.why = why(ep, b);
    scope_.sink->emit(std::move(a));
  }

  std::string positions_json(const Episode& ep) const {
    std::string out = "[";
    for (const Position& p : ep.positions) {
      if (out.size() > 1) out += ',';
      JsonObjectWriter j;
      j.field("account", scope_.account_name(p.account))
          .field("owner", scope_.universe->owner_name(p.owner))
          .field("bought", p.bought.to_double())
          .field("sold", p.sold.to_double())
          .field("net", (p.bought - p.sold).to_double());
      out += std::move(j).finish();
    }
    out += ']';
    return out;
  }

  std::string metrics(const Episode& ep, const Balance& b) const {
    std::string accounts = "[";
    for (const Position& p : ep.positions) {
      if (accounts.size() > 1) accounts += ',';
      append_json_string(accounts, scope_.account_name(p.account));
    }
    accounts += ']';
    JsonObjectWriter j;
    j.field("owners", static_cast<int64_t>(ep.owners.size()))
        .raw("accounts", accounts)
        .raw("positions", positions_json(ep))
        .field("trades", ep.trades)
        .field("laps", round_to(laps(ep), 2))
        .field("volume", ep.volume.to_double())
        .field("notional", ep.notional)
        .field("max_net_share", b.max_net_share)
        .field("volume_match", b.volume_match)
        .field("duration_s", (ep.end - ep.start).to_seconds());
    return std::move(j).finish();
  }

  std::string why(const Episode& ep, const Balance& b) const {
    std::string owners;
    for (size_t i = 0; i < ep.owners.size(); ++i) {
      if (i > 0) owners += i + 1 == ep.owners.size() ? " and " : ", ";
      owners += scope_.universe->owner_name(ep.owners[i]);
    }
    return fmt::format(
        "Owners {} passed {} around among themselves in a cycle between {} and {}: {} trades "
        "(about {} laps), {} traded, value {}, each owner's net position within {}% of what it "
        "traded in them.",
        owners, scope_.name, ep.start.to_iso8601(), ep.end.to_iso8601(), ep.trades,
        format_rounded(laps(ep), 1), ep.volume.to_string(), format_rounded(ep.notional, 2),
        format_rounded(100 * b.max_net_share, 1));
  }

  SymbolScope scope_;
  Params p_;
  TradeWindow window_;
  // The search in progress (see closes_ring).
  std::vector<OwnerId> path_;
  std::vector<LastHop> last_hops_;  // by owner
  std::vector<uint64_t> ring_trades_;
  OwnerId target_;
  Timestamp oldest_;
  int64_t least_qty_ = 0;  // similar sizes, raw
  int64_t most_qty_ = 0;
  uint32_t first_bucket_ = 0;  // the size buckets they fall in
  uint32_t last_bucket_ = 0;
  uint32_t steps_left_ = 0;
  // Episodes: slots reused once reported; `open_` lists the open ones.
  std::vector<Episode> episodes_;
  std::vector<uint32_t> open_;
  std::vector<uint32_t> free_;
  uint32_t serials_ = 0;
  Timestamp next_close_ = Timestamp::max();  // the earliest open episode's last trade + window
};

}  // namespace

RuleInfo wash_collusive_ring_rule() {
  return {WashCollusiveRing::kRule,
          "Three or more beneficial owners pass a symbol around among themselves in a cycle "
          "(A->B->C->A) within a window, each ending with nearly no net position",
          "trades with buyer and seller", param_specs(), &make_symbol_rule<WashCollusiveRing>};
}

}  // namespace tw
