#include "detect/wash_round_trip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "detect/per_symbol.hpp"
#include "util/format.hpp"
#include "util/growable_ring.hpp"
#include "util/hash.hpp"

namespace tw {
namespace {

constexpr std::string_view kRule = "wash.round_trip";
constexpr uint32_t kNoBlock = UINT32_MAX;
constexpr uint32_t kNoEpisode = UINT32_MAX;

struct Params {
  Duration window;
  double price_tolerance = 0;
  double quantity_tolerance = 0;
  uint32_t max_open_fills = 0;
  double min_notional = 0;
  double medium_notional = 0;
  double high_notional = 0;
  double critical_notional = 0;
  int64_t high_pairs = 0;
  int64_t critical_pairs = 0;

  static Params read(const ParamValues& v, std::string_view where) {
    Params p;
    p.window = v.duration("window");
    p.price_tolerance = v.number("price_tolerance");
    p.quantity_tolerance = v.number("quantity_tolerance");
    p.max_open_fills = static_cast<uint32_t>(v.integer("max_open_fills"));
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

/// Time, price and size of a waiting fill: all that the search for a partner reads.
/// The slacks are the tolerances applied to this fill (raw units), computed once.
struct Hot {
  Timestamp ts;
  int64_t price = 0;
  int64_t qty = 0;
  int64_t price_slack = 0;
  int64_t qty_slack = 0;
};

/// The rest of a waiting fill, read only when it pairs.
struct Cold {
  ExternalId id;
  uint64_t seq = 0;
  AccountId account;
};

constexpr int kBuys = 0;
constexpr int kSells = 1;

struct OwnerSlot {
  uint32_t owner = 0;  // 0 marks an empty slot
  uint32_t episode = kNoEpisode;
  uint32_t block = kNoBlock;     // the owner's fills in the FillBank, once it has any
  uint32_t waiting[2] = {0, 0};  // fills waiting for a partner, by side (kBuys, kSells)
  uint32_t head[2] = {0, 0};     // ring position of the oldest, by side

  bool idle() const { return waiting[kBuys] == 0 && waiting[kSells] == 0 && episode == kNoEpisode; }
};

/// Waiting fills of the active owners: per owner one ring of `per_side` entries for each
/// side, oldest first, contiguous so that looking for a partner reads a few cache lines.
/// Blocks of owners that went idle are recycled, so memory follows the active owners.
class FillBank {
 public:
  explicit FillBank(uint32_t per_side) : per_side_(per_side) {
    while (capacity_ < per_side) capacity_ <<= 1;
  }

  uint32_t per_side() const { return per_side_; }
  uint32_t mask() const { return capacity_ - 1; }

  uint32_t acquire() {
    if (!free_.empty()) {
      uint32_t block = free_.back();
      free_.pop_back();
      return block;
    }
    hot_.resize(hot_.size() + 2 * size_t{capacity_});
    cold_.resize(hot_.size());
    return blocks_++;
  }
  void release(uint32_t block) { free_.push_back(block); }

  Hot* hot(uint32_t block, int side) { return hot_.data() + offset(block, side); }
  Cold* cold(uint32_t block, int side) { return cold_.data() + offset(block, side); }

 private:
  size_t offset(uint32_t block, int side) const {
    return (size_t{block} * 2 + static_cast<size_t>(side)) * capacity_;
  }

  uint32_t per_side_;
  uint32_t capacity_ = 1;
  uint32_t blocks_ = 0;
  std::vector<Hot> hot_;
  std::vector<Cold> cold_;
  std::vector<uint32_t> free_;
};

/// Open-addressing (linear probing, backward-shift deletion) map from owner to its slot, so
/// the memory follows the owners active within the window, not every owner ever seen.
class OwnerTable {
 public:
  OwnerTable() : slots_(16) {}

  OwnerSlot* find(OwnerId owner) {
    for (size_t i = home(owner.value);; i = (i + 1) & mask()) {
      if (slots_[i].owner == owner.value) return &slots_[i];
      if (slots_[i].owner == 0) return nullptr;
    }
  }

  OwnerSlot& find_or_insert(OwnerId owner) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    size_t i = home(owner.value);
    while (slots_[i].owner != owner.value && slots_[i].owner != 0) i = (i + 1) & mask();
    if (slots_[i].owner == 0) {
      slots_[i] = OwnerSlot{};
      slots_[i].owner = owner.value;
      ++used_;
    }
    return slots_[i];
  }

  template <class Fn>
  void for_each(Fn&& fn) {
    for (OwnerSlot& s : slots_) {
      if (s.owner != 0) fn(s);
    }
  }

  void erase(OwnerId owner) {
    size_t hole = home(owner.value);
    while (slots_[hole].owner != owner.value) {
      if (slots_[hole].owner == 0) return;
      hole = (hole + 1) & mask();
    }
    slots_[hole].owner = 0;
    --used_;
    // Pull later members of the probe run back so lookups never stop early at the hole.
    for (size_t j = (hole + 1) & mask(); slots_[j].owner != 0; j = (j + 1) & mask()) {
      size_t want = home(slots_[j].owner);
      bool stays = hole < j ? (want > hole && want <= j) : (want > hole || want <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      slots_[j].owner = 0;
      hole = j;
    }
  }

 private:
  size_t mask() const { return slots_.size() - 1; }
  size_t home(uint32_t key) const { return static_cast<size_t>(mix64(key)) & mask(); }

  void grow() {
    std::vector<OwnerSlot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const OwnerSlot& s : old) {
      if (s.owner == 0) continue;
      size_t i = home(s.owner);
      while (slots_[i].owner != 0) i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  std::vector<OwnerSlot> slots_;
  size_t used_ = 0;
};

struct TradeRef {
  ExternalId id;
  uint64_t seq = 0;
};

std::string trade_text(const TradeRef& t) {
  return t.id.empty() ? "line:" + std::to_string(t.seq) : t.id.to_string();
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
  std::string symbol;
  FillBank fills;
  OwnerTable owners;
  Timestamp next_sweep = Timestamp::min();
  std::vector<uint32_t> idle_owners;  // scratch for the sweep
  GrowableRing<CloseEntry> closing;
  std::vector<Episode> episodes;
  std::vector<uint32_t> free_episodes;

  SymbolState(Params p, std::string_view name) : params(p), symbol(name), fills(p.max_open_fills) {}
};

/// The most a raw value may differ from a reference under a relative tolerance: integer gaps
/// within it are exactly those within tolerance x reference.
int64_t slack(double tolerance, int64_t reference) {
  return static_cast<int64_t>(std::floor(tolerance * static_cast<double>(reference)));
}

class WashRoundTrip final : public Detector {
 public:
  explicit WashRoundTrip(const DetectorContext& ctx) : ctx_(ctx) {
    Params::read(ctx.config.values, kRule);
    for (const auto& [symbol, values] : ctx.config.per_symbol) {
      Params::read(values, std::string(kRule) + ".symbols." + symbol);
    }
  }

  void on_event(const Event& e) override {
    if (!e.is_trade() || (!e.buyer && !e.seller)) return;
    SymbolState& st = states_.get(e.symbol, [&](SymbolId id) {
      std::string_view name = ctx_.universe.symbol_name(id);
      return SymbolState(Params::read(ctx_.config.for_symbol(name), kRule), name);
    });
    advance(st, e.ts);
    Leg leg{e.ts, e.price, e.qty, e.id, e.seq, {}};
    OwnerId buy_owner = ctx_.universe.owner_of(e.buyer);
    OwnerId sell_owner = ctx_.universe.owner_of(e.seller);
    if (e.buyer && e.seller && buy_owner == sell_owner) {
      leg.account = e.buyer;
      Leg sell_leg = leg;
      sell_leg.account = e.seller;
      record(st, st.owners.find_or_insert(buy_owner), leg, sell_leg, /*self_trade=*/true);
      return;
    }
    if (e.buyer) {
      leg.account = e.buyer;
      add_fill(st, buy_owner, Side::kBuy, leg);
    }
    if (e.seller) {
      leg.account = e.seller;
      add_fill(st, sell_owner, Side::kSell, leg);
    }
  }

  void advance_to(Timestamp watermark) override {
    states_.for_each([&](SymbolId, SymbolState& st) { advance(st, watermark); });
  }

  void finish() override {
    states_.for_each([&](SymbolId, SymbolState& st) { close_before(st, Timestamp::max()); });
  }

 private:
  // Event time reached `now`: close episodes that cannot grow; now and then (once per
  // window) forget the fills that can no longer pair and the owners left with nothing.
  void advance(SymbolState& st, Timestamp now) {
    close_before(st, now);
    if (now < st.next_sweep) return;
    st.next_sweep = now + st.params.window;
    st.idle_owners.clear();
    st.owners.for_each([&](OwnerSlot& slot) {
      expire(st, slot, now);
      if (slot.idle()) st.idle_owners.push_back(slot.owner);
    });
    for (uint32_t owner : st.idle_owners) erase_owner(st, OwnerId{owner});
  }

  static void erase_owner(SymbolState& st, OwnerId owner) {
    OwnerSlot* slot = st.owners.find(owner);
    if (slot->block != kNoBlock) st.fills.release(slot->block);
    st.owners.erase(owner);
  }

  // Drops the fills older than `now` - window (the oldest come first).
  static void expire(SymbolState& st, OwnerSlot& slot, Timestamp now) {
    Timestamp oldest_usable = now - st.params.window;
    for (int side : {kBuys, kSells}) {
      while (slot.waiting[side] > 0 && hot_at(st, slot, side, 0).ts < oldest_usable) {
        drop_oldest(st, slot, side);
      }
    }
  }

  static Hot& hot_at(SymbolState& st, const OwnerSlot& slot, int side, uint32_t i) {
    return st.fills.hot(slot.block, side)[(slot.head[side] + i) & st.fills.mask()];
  }
  static Cold& cold_at(SymbolState& st, const OwnerSlot& slot, int side, uint32_t i) {
    return st.fills.cold(slot.block, side)[(slot.head[side] + i) & st.fills.mask()];
  }

  static void drop_oldest(SymbolState& st, OwnerSlot& slot, int side) {
    slot.head[side] = (slot.head[side] + 1) & st.fills.mask();
    --slot.waiting[side];
  }

  // Removes the i-th oldest fill, keeping the others in time order.
  static void erase_fill(SymbolState& st, OwnerSlot& slot, int side, uint32_t i) {
    for (uint32_t k = i + 1; k < slot.waiting[side]; ++k) {
      hot_at(st, slot, side, k - 1) = hot_at(st, slot, side, k);
      cold_at(st, slot, side, k - 1) = cold_at(st, slot, side, k);
    }
    --slot.waiting[side];
  }

  void add_fill(SymbolState& st, OwnerId owner, Side side, const Leg& leg) {
    OwnerSlot& slot = st.owners.find_or_insert(owner);
    if (slot.block == kNoBlock) slot.block = st.fills.acquire();
    expire(st, slot, leg.ts);
    int own = side == Side::kBuy ? kBuys : kSells;
    int other = 1 - own;
    if (int match = best_match(st, slot, other, leg); match >= 0) {
      auto at = static_cast<uint32_t>(match);
      const Hot& h = hot_at(st, slot, other, at);
      const Cold& c = cold_at(st, slot, other, at);
      Leg earlier{h.ts,     Price::from_raw(h.price), Quantity::from_raw(h.qty), c.id, c.seq,
                  c.account};
      erase_fill(st, slot, other, at);  // used in one pair only
      const Leg& buy = side == Side::kBuy ? leg : earlier;
      const Leg& sell = side == Side::kBuy ? earlier : leg;
      record(st, slot, buy, sell, false);
      return;
    }
    // A full side drops its oldest fill: this bounds the work per trade for one-way traders.
    if (slot.waiting[own] == st.fills.per_side()) drop_oldest(st, slot, own);
    uint32_t n = slot.waiting[own]++;
    const Params& p = st.params;
    hot_at(st, slot, own, n) =
        Hot{leg.ts, leg.price.raw(), leg.qty.raw(), slack(p.price_tolerance, leg.price.raw()),
            slack(p.quantity_tolerance, leg.qty.raw())};
    cold_at(st, slot, own, n) = Cold{leg.id, leg.seq, leg.account};
  }

  // Greedy pairing: the waiting opposite fill closest in quantity, then in price, then the
  // oldest; -1 when none is within the tolerances. Prices are compared against the earlier
  // fill's price, quantities against the larger quantity.
  static int best_match(SymbolState& st, const OwnerSlot& slot, int side, const Leg& leg) {
    int64_t price = leg.price.raw(), qty = leg.qty.raw();
    int64_t own_qty_slack = slack(st.params.quantity_tolerance, qty);
    int best = -1;
    int64_t best_qty_gap = 0, best_price_gap = 0;
    for (uint32_t i = 0; i < slot.waiting[side]; ++i) {
      const Hot& other = hot_at(st, slot, side, i);
      int64_t qty_gap = std::llabs(other.qty - qty);
      int64_t price_gap = std::llabs(other.price - price);
      if (price_gap > other.price_slack || qty_gap > std::max(other.qty_slack, own_qty_slack)) {
        continue;
      }
      if (best >= 0 &&
          (qty_gap > best_qty_gap || (qty_gap == best_qty_gap && price_gap >= best_price_gap))) {
        continue;
      }
      best = static_cast<int>(i);
      best_qty_gap = qty_gap;
      best_price_gap = price_gap;
    }
    return best;
  }

  // Adds one buy/sell pair (or one self-trade, where both legs are the same print) to the
  // owner's open episode, opening one if needed.
  void record(SymbolState& st, OwnerSlot& slot, const Leg& buy, const Leg& sell, bool self_trade) {
    const Leg& first = buy.ts <= sell.ts ? buy : sell;
    const Leg& last = buy.ts <= sell.ts ? sell : buy;
    if (slot.episode == kNoEpisode) slot.episode = open_episode(st, OwnerId{slot.owner}, buy, sell);
    Episode& ep = st.episodes[slot.episode];
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
    st.closing.push_back(CloseEntry{last.ts + st.params.window, slot.episode});
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
    ep.key += trade_text({buy.id, buy.seq});
    ep.key += '|';
    ep.key += trade_text({sell.id, sell.seq});
    return index;
  }

  // Closes the episodes whose last pair + window is before `now`, in deadline order.
  void close_before(SymbolState& st, Timestamp now) {
    while (!st.closing.empty() && st.closing.front().deadline < now) {
      CloseEntry entry = st.closing.front();
      st.closing.pop_front();
      Episode& ep = st.episodes[entry.episode];
      // Later pairs pushed later entries; only the entry matching the last pair closes it.
      if (!ep.open || ep.end + st.params.window != entry.deadline) continue;
      if (ep.notional >= st.params.min_notional) ctx_.sink.emit(make_alert(st, ep));
      ep.open = false;
      st.free_episodes.push_back(entry.episode);
      OwnerSlot* slot = st.owners.find(ep.owner);
      slot->episode = kNoEpisode;
      if (slot->idle()) erase_owner(st, ep.owner);
    }
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

  // 20 plus up to 40 for value (log scale, medium -> critical notional) and up to 40 for
  // repetition (1 -> critical_pairs).
  static double score_of(const Params& p, const Episode& ep) {
    auto unit = [](double x) { return std::clamp(x, 0.0, 1.0); };
    double value_part = 1;
    if (p.critical_notional > p.medium_notional && p.medium_notional > 0) {
      value_part = ep.notional <= 0 ? 0
                                    : unit(std::log10(ep.notional / p.medium_notional) /
                                           std::log10(p.critical_notional / p.medium_notional));
    }
    double repeats = ep.pairs + ep.self_trades;
    double repeat_part =
        p.critical_pairs > 1 ? unit((repeats - 1) / static_cast<double>(p.critical_pairs - 1)) : 1;
    return 20 + 40 * value_part + 40 * repeat_part;
  }

  Alert make_alert(const SymbolState& st, const Episode& ep) const {
    const Universe& u = ctx_.universe;
    Alert a;
    a.rule = std::string(kRule);
    a.symbol = st.symbol;
    a.start = ep.start;
    a.end = ep.end;
    a.id = make_alert_id(kRule, st.symbol, ep.start, ep.end, ep.key);
    a.severity = severity_of(st.params, ep);
    a.score = score_of(st.params, ep);
    std::string accounts_json = "[";
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
    a.why = fmt::format(
        "Owner {} was on both sides of {} {} time(s) between {} and {} ({} buy/sell pair(s), {} "
        "self-trade(s); bought {}, sold {}, value {}; prices within {} bps and {} s).",
        u.owner_name(ep.owner), st.symbol, ep.pairs + ep.self_trades, ep.start.to_iso8601(),
        ep.end.to_iso8601(), ep.pairs, ep.self_trades, ep.buy_qty.to_string(),
        ep.sell_qty.to_string(), format_number(std::round(ep.notional * 100) / 100),
        format_number(std::round(ep.max_price_gap_bps * 100) / 100),
        format_number(ep.max_time_gap_s));
    for (const TradeRef& t : ep.evidence) a.add_evidence("trade", trade_text(t));
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
           "Unpaired fills kept per owner and side within the window; the oldest is dropped "
           "first (bounds the work and memory per trade and owner)",
           1, 4096},
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
