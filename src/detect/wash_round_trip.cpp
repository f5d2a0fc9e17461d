#include "detect/wash_round_trip.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "detect/per_symbol.hpp"
#include "util/format.hpp"
#include "util/growable_ring.hpp"
#include "util/hash.hpp"

namespace tw {
namespace {

constexpr std::string_view kRule = "wash.round_trip";
constexpr uint32_t kNoEpisode = UINT32_MAX;

struct Params {
  Duration window;
  double price_tolerance = 0;
  double quantity_tolerance = 0;
  bool exact_quantity = true;  // quantity_tolerance == 0
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
    p.exact_quantity = p.quantity_tolerance == 0;
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

/// One side of one trade as one owner saw it; as a fill waiting for a partner, it sits in its
/// symbol's FillLog, linked to the owner's previous waiting fill on the same side.
struct Leg {
  Timestamp ts;
  Price price;
  Quantity qty;
  ExternalId id;
  uint64_t seq = 0;
  AccountId account;
  uint32_t older = 0;  // in the log: the position of the owner's next older fill of this side
};
static_assert(sizeof(Leg) == 64, "a waiting fill is one cache line");

constexpr int kBuys = 0;
constexpr int kSells = 1;  // 1 - kBuys: sides index arrays, and are computed from a test

/// Words of an owner's quantity bits, per side: 384 bits, so that a side with a few dozen
/// waiting fills still rules out most quantities.
constexpr uint32_t kBitWords = 6;

/// The bit of a quantity among an owner's quantity bits: a side keeps those of its waiting
/// fills, and a missing bit rules out an exact partner without reading them.
struct QuantityBit {
  uint32_t word;
  uint64_t mask;
};

/// Two Fibonacci multiplies with a fold between: quantities are far from random (runs of round
/// lots, multiples of powers of ten), and one multiply alone maps a run of lots to a run of
/// bits with a constant step. The top 32 bits are scaled to the 384 bits.
QuantityBit quantity_bit(Quantity qty) {
  constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  uint64_t h = static_cast<uint64_t>(qty.raw()) * kGolden;
  h = (h ^ (h >> 32)) * kGolden;
  auto index = static_cast<uint32_t>(((h >> 32) * (64 * kBitWords)) >> 32);
  return {index / 64, uint64_t{1} << (index % 64)};
}

/// The fills of one symbol, in time order, in a ring that grows to hold every fill within the
/// window: a fill is overwritten only once it is too old to pair. Appending writes the next
/// line of the ring, whoever the owner, and expiry costs nothing: a fill is usable while its
/// time is within the window. Positions are 32-bit and wrap; links between fills reach back
/// at most one window, far less than 2^32 fills.
class FillLog {
 public:
  FillLog() : ring_(kInitialSize), mask_(kInitialSize - 1) {}

  Leg& at(uint32_t position) { return ring_[position & mask_]; }

  /// Whether the fill written at `position` is still there.
  bool holds(uint32_t position) const { return next_ - position - 1 <= mask_; }

  /// Writes the fill of `e` for `account`, linked to `older` (its own position when it has no
  /// older fill), and returns its position. Fills before `oldest_usable` may be overwritten.
  uint32_t append(const Event& e, AccountId account, Timestamp oldest_usable, bool linked,
                  uint32_t older) {
    if (ring_[next_ & mask_].ts >= oldest_usable) grow();
    uint32_t position = next_++;
    // Field by field: a whole-Leg assignment goes through a temporary on the stack.
    Leg& leg = ring_[position & mask_];
    leg.ts = e.ts;
    leg.price = e.price;
    leg.qty = e.qty;
    leg.id = e.id;
    leg.seq = e.seq;
    leg.account = account;
    leg.older = linked ? older : position;
    return position;
  }

 private:
  static constexpr uint32_t kInitialSize = 64;

  // Out of line: the ring reaches the size the window needs once.
  [[gnu::noinline]] void grow() {
    std::vector<Leg> bigger(ring_.size() * 2);
    uint32_t new_mask = static_cast<uint32_t>(bigger.size() - 1);
    for (uint32_t k = 0; k <= mask_; ++k) {
      uint32_t position = next_ - 1 - k;
      bigger[position & new_mask] = ring_[position & mask_];
    }
    ring_ = std::move(bigger);
    mask_ = new_mask;
  }

  std::vector<Leg> ring_;  // a power of two in size; empty entries have Timestamp::min()
  uint32_t mask_;
  uint32_t next_ = 0;  // position of the next fill
};

/// An owner's waiting fills on one symbol: per side, a chain through the FillLog, newest first.
struct alignas(64) OwnerSlot {
  uint32_t owner = 0;  // 0 marks an empty slot
  uint32_t episode = kNoEpisode;
  uint32_t newest[2] = {0, 0};  // log position of the newest waiting fill, by side
  // Its time, Timestamp::min() when there is none: a side whose newest fill is too old to pair
  // has nothing waiting, which one comparison on the slot tells.
  Timestamp newest_ts[2] = {Timestamp::min(), Timestamp::min()};
  // By side, the quantity bits of every waiting fill (and maybe of fills gone since): a
  // superset, made exact again by a search that finds nothing.
  uint64_t bits[2][kBitWords] = {};

  bool waiting(int side, Timestamp oldest_usable) const { return newest_ts[side] >= oldest_usable; }
  bool idle(Timestamp oldest_usable) const {
    return episode == kNoEpisode && !waiting(kBuys, oldest_usable) &&
           !waiting(kSells, oldest_usable);
  }
};
static_assert(sizeof(OwnerSlot) == 128);

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

  /// Whether one more owner would fill the table beyond half.
  bool crowded() const { return (used_ + 1) * 2 > capacity_; }
  /// Whether the table is more than a quarter full.
  bool busy() const { return used_ * 4 > capacity_; }

  /// The owner's slot, or else the empty slot (owner 0) where it would go.
  OwnerSlot& find_or_spot(OwnerId owner) {
    size_t i = home(owner.value);
    while (slots_[i].owner != owner.value && slots_[i].owner != 0) i = (i + 1) & mask();
    return slots_[i];
  }

  OwnerSlot& find_or_insert(OwnerId owner) {
    if (crowded()) grow();
    OwnerSlot& slot = find_or_spot(owner);
    if (slot.owner == 0) claim(slot, owner);
    return slot;
  }

  /// Makes `spot`, the empty slot find_or_spot(owner) returned, the owner's (unless crowded()).
  void claim(OwnerSlot& spot, OwnerId owner) {
    spot = OwnerSlot{};
    spot.owner = owner.value;
    ++used_;
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

  void grow() {
    std::vector<OwnerSlot> old(slots_.size() * 2);
    old.swap(slots_);
    capacity_ = slots_.size();
    --shift_;
    for (const OwnerSlot& s : old) {
      if (s.owner == 0) continue;
      size_t i = home(s.owner);
      while (slots_[i].owner != 0) i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

 private:
  size_t mask() const { return capacity_ - 1; }
  // Fibonacci hashing: owner ids are small dense integers, one multiply spreads them well.
  size_t home(uint32_t key) const {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  std::vector<OwnerSlot> slots_;
  size_t capacity_ = 16;  // slots_.size()
  size_t used_ = 0;
  int shift_ = 64 - 4;  // 64 - log2(slots_.size())
};

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
  // Nothing is due before next_close: one comparison per trade otherwise.
  Timestamp next_close = Timestamp::max();  // deadline of closing.front(), max when empty
  FillLog fills;
  OwnerTable owners;
  std::string symbol;
  std::vector<uint32_t> idle_owners;  // scratch for the sweep
  GrowableRing<CloseEntry> closing;
  std::vector<Episode> episodes;
  std::vector<uint32_t> free_episodes;

  SymbolState(Params p, std::string_view name) : params(p), symbol(name) {}
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
  uint32_t position = 0;  // of the fill in the log
  uint32_t newer = 0;     // of the fill linked to it, unless it is the side's newest
  bool newest = false;
  bool found = false;
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
    // One account known (as seed1 rows carry them): one owner to look up, one fill. Buys and
    // sells come in no pattern, so the side is computed rather than branched on.
    AccountId account{buyer.value | seller.value};
    int side = static_cast<int>(!buyer);  // kBuys when there is a buyer
    add_fill(st, ctx_.universe.owner_of(account), side, e, account);
  }

  void advance_to(Timestamp watermark) override {
    states_.for_each([&](SymbolId, SymbolState& st) { advance(st, watermark); });
  }

  void finish() override {
    states_.for_each([&](SymbolId, SymbolState& st) { close_before(st, Timestamp::max()); });
  }

 private:
  // Event time reached `now`: close the episodes that cannot grow any more.
  void advance(SymbolState& st, Timestamp now) {
    if (now > st.next_close) close_before(st, now);
  }

  // The owner's slot, made if needed. Owners left with nothing that can still pair are
  // forgotten only when the table would otherwise grow: a sweep then visits every slot, but
  // it leaves the table at most a quarter full (growing it if not), so at least a quarter of
  // its size in new owners comes before the next one: O(1) per new owner, and the memory
  // follows the owners active within about a window.
  static OwnerSlot& slot_of(SymbolState& st, OwnerId owner, Timestamp now) {
    OwnerSlot& slot = st.owners.find_or_spot(owner);
    return slot.owner != 0 ? slot : new_slot(st, slot, owner, now);
  }

  // Out of line: most trades are of owners already in the table.
  // `spot` is where the owner would go as the table stands.
  [[gnu::noinline]] static OwnerSlot& new_slot(SymbolState& st, OwnerSlot& spot, OwnerId owner,
                                               Timestamp now) {
    if (!st.owners.crowded()) {
      st.owners.claim(spot, owner);
      return spot;
    }
    make_room(st, now);
    return st.owners.find_or_insert(owner);  // the sweep moved slots
  }

  // Erases the owners whose fills are all too old to pair and who have no open episode.
  [[gnu::noinline]] static void make_room(SymbolState& st, Timestamp now) {
    Timestamp oldest_usable = now - st.params.window;
    st.idle_owners.clear();
    st.owners.for_each([&](const OwnerSlot& slot) {
      if (slot.idle(oldest_usable)) st.idle_owners.push_back(slot.owner);
    });
    for (uint32_t owner : st.idle_owners) st.owners.erase(OwnerId{owner});
    if (st.owners.busy()) st.owners.grow();
  }

  // A trade with both accounts known: a self-trade when they share an owner, else a fill on
  // each side. Out of line: most feeds name one account per trade.
  [[gnu::noinline]] void both_sides(SymbolState& st, const Event& e) {
    OwnerId buy_owner = ctx_.universe.owner_of(e.buyer);
    OwnerId sell_owner = ctx_.universe.owner_of(e.seller);
    if (buy_owner == sell_owner) {
      self_trade(st, buy_owner, e);
      return;
    }
    add_fill(st, buy_owner, kBuys, e, e.buyer);
    add_fill(st, sell_owner, kSells, e, e.seller);
  }

  void self_trade(SymbolState& st, OwnerId owner, const Event& e) {
    Leg buy{e.ts, e.price, e.qty, e.id, e.seq, e.buyer};
    Leg sell = buy;
    sell.account = e.seller;
    record(st, slot_of(st, owner, e.ts), buy, sell, /*self_trade=*/true);
  }

  // One side (kBuys or kSells) of the trade `e`, for `account`: pairs it with a waiting fill
  // of the other side, or else adds it to the owner's waiting fills. The common path (nothing
  // to pair with) stays here; the search is out of line, so this keeps its state in registers.
  [[gnu::always_inline]] void add_fill(SymbolState& st, OwnerId owner, int side, const Event& e,
                                       AccountId account) {
    OwnerSlot& slot = slot_of(st, owner, e.ts);
    const Timestamp oldest_usable = e.ts - st.params.window;
    const QuantityBit bit = quantity_bit(e.qty);
    const int other = side ^ 1;
    // Exact pairing needs an equal quantity, hence its bit; tolerant pairing any waiting fill.
    if (slot.waiting(other, oldest_usable) &&
        (!st.params.exact_quantity || (slot.bits[other][bit.word] & bit.mask) != 0) &&
        pair_if_possible(st, slot, side, e, account, oldest_usable)) {
      return;
    }
    const bool linked = slot.waiting(side, oldest_usable);
    // Bits of a side with nothing waiting start again; whether it has varies from trade to
    // trade, so the choice is a mask, not a branch.
    const uint64_t keep = uint64_t{0} - static_cast<uint64_t>(linked);
    // The new word is made before the others are stored: reading it back after a wide store
    // over it would stall.
    const uint64_t with_bit = (slot.bits[side][bit.word] & keep) | bit.mask;
    for (uint64_t& word : slot.bits[side]) word &= keep;
    slot.bits[side][bit.word] = with_bit;
    slot.newest[side] = st.fills.append(e, account, oldest_usable, linked, slot.newest[side]);
    slot.newest_ts[side] = e.ts;
  }

  // Looks for the best partner of `e` among the owner's waiting fills of the other side, the
  // newest max_open_fills of them, and pairs them if there is one. A miss leaves the other
  // side's bits exact, so that the same quantity does not search again for nothing.
  [[gnu::noinline]] bool pair_if_possible(SymbolState& st, OwnerSlot& slot, int side,
                                          const Event& e, AccountId account,
                                          Timestamp oldest_usable) {
    const Params& p = st.params;
    const int other = side ^ 1;
    const int64_t own_qty_slack = p.exact_quantity ? 0 : slack(p.quantity_tolerance, e.qty.raw());
    Match best;
    uint64_t bits[kBitWords] = {};
    uint32_t position = slot.newest[other];
    Match here{0, 0, position, 0, true, false};
    bool whole_side = false;  // whether the search reached the oldest waiting fill
    for (uint32_t rank = 1;; ++rank) {
      const Leg& fill = st.fills.at(position);
      QuantityBit bit = quantity_bit(fill.qty);
      bits[bit.word] |= bit.mask;
      consider(p, fill, e.price, e.qty, own_qty_slack, here, best);
      uint32_t older = fill.older;
      whole_side = !usable(st.fills, position, older, oldest_usable);
      if (whole_side || rank == p.max_open_fills) break;
      here = Match{0, 0, older, position, false, false};
      position = older;
    }
    if (!best.found) {
      // Fills beyond the search may come within it once newer ones pair: their bits stay.
      if (whole_side) std::memcpy(slot.bits[other], bits, sizeof bits);
      return false;
    }
    const Leg earlier = st.fills.at(best.position);
    unlink(st, slot, other, best, oldest_usable);
    const Leg leg{e.ts, e.price, e.qty, e.id, e.seq, account};
    record(st, slot, side == kBuys ? leg : earlier, side == kBuys ? earlier : leg, false);
    return true;
  }

  // Whether the fill at `from` links to an older fill that can still pair (a fill linked to
  // itself ends its chain).
  static bool usable(FillLog& log, uint32_t from, uint32_t older, Timestamp oldest_usable) {
    return older != from && log.holds(older) && log.at(older).ts >= oldest_usable;
  }

  // Takes the matched fill out of its chain: what linked to it links to the next older fill.
  static void unlink(SymbolState& st, OwnerSlot& slot, int side, const Match& m,
                     Timestamp oldest_usable) {
    const uint32_t older = st.fills.at(m.position).older;
    const bool has_older = usable(st.fills, m.position, older, oldest_usable);
    if (m.newest) {
      slot.newest[side] = older;
      slot.newest_ts[side] = has_older ? st.fills.at(older).ts : Timestamp::min();
    } else {
      st.fills.at(m.newer).older = has_older ? older : m.newer;
    }
  }

  // Makes the waiting fill `where` the best match if it is within the tolerances and no worse
  // than the best so far: quantity gap, then price gap, then the older one (fills come newest
  // first). Prices are compared against the earlier fill's price, quantities against the
  // larger quantity.
  static void consider(const Params& p, const Leg& fill, Price new_price, Quantity new_qty,
                       int64_t own_qty_slack, const Match& where, Match& best) {
    int64_t qty_gap = std::llabs(fill.qty.raw() - new_qty.raw());
    // Exact pairing has no slack (equal bits, unequal quantities end here, without doubles).
    if (qty_gap > own_qty_slack &&
        (p.exact_quantity || qty_gap > slack(p.quantity_tolerance, fill.qty.raw()))) {
      return;
    }
    int64_t price_gap = std::llabs(fill.price.raw() - new_price.raw());
    if (price_gap > slack(p.price_tolerance, fill.price.raw())) return;
    if (best.found && std::tie(qty_gap, price_gap) > std::tie(best.qty_gap, best.price_gap)) {
      return;
    }
    best = where;
    best.qty_gap = qty_gap;
    best.price_gap = price_gap;
    best.found = true;
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
    if (st.closing.empty()) st.next_close = last.ts + st.params.window;
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
      OwnerSlot* slot = st.owners.find(ep.owner);
      slot->episode = kNoEpisode;
      if (slot->idle(now - st.params.window)) st.owners.erase(ep.owner);
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
    double window_s = p.window.to_seconds();
    double time_part = window_s > 0 ? 1 - unit(ep.max_time_gap_s / window_s) : 1;
    double tolerance_bps = p.price_tolerance * 1e4;
    double price_part = tolerance_bps > 0 ? 1 - unit(ep.max_price_gap_bps / tolerance_bps)
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
    out += format_number(std::round(ep.notional * 100) / 100);
    out += "; prices within ";
    out += format_number(std::round(ep.max_price_gap_bps * 100) / 100);
    out += " bps and ";
    out += format_number(ep.max_time_gap_s);
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
           "Most waiting fills of the other side a new fill is compared with, the owner's "
           "newest first; older ones within the window come back in reach as newer ones pair "
           "(bounds the work per trade)",
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
