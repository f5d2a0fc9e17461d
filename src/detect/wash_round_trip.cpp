#include "detect/wash_round_trip.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <tuple>
#include <type_traits>
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

/// One side of one trade as one owner saw it.
struct Leg {
  Timestamp ts;
  Price price;
  Quantity qty;
  ExternalId id;
  uint64_t seq = 0;
  AccountId account;
};

/// A fill waiting for a partner, alone in its cache line: storing it and pairing it each
/// touch one line.
struct alignas(64) WaitingFill {
  Leg leg;
};

constexpr int kBuys = 0;
constexpr int kSells = 1;  // 1 - kBuys: sides index arrays, and are computed from a test

/// One byte per waiting fill, derived from its quantity: looking for an exact quantity then
/// compares eight fills per 64-bit word, and only equal tags are confirmed on the fill itself.
/// Two Fibonacci multiplies with a fold between: quantities are far from random (runs of
/// round lots, multiples of powers of ten), and one multiply alone maps a run of lots to a
/// run of tags with a constant step (as few as eight tags for 32 lots).
uint8_t quantity_tag(Quantity qty) {
  constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  uint64_t h = static_cast<uint64_t>(qty.raw()) * kGolden;
  return static_cast<uint8_t>(((h ^ (h >> 32)) * kGolden) >> 56);
}

constexpr uint32_t kTagsPerWord = 8;

/// Sides with more waiting fills than this set too many of the 64 tag bits for rebuilding
/// them to pay.
constexpr uint32_t kRebuildTagBitsUpTo = 16;

/// The bit of a tag in OwnerSlot::tag_bits.
uint64_t tag_bit(uint8_t tag) {
  return uint64_t{1} << (tag % 64);
}

/// 0x80 in each byte of `word` equal to `tag`, 0 in the others. Exact, unlike the shorter
/// `(x - 0x01..) & ~x` test, because no carry can cross from one byte into the next.
uint64_t bytes_equal_to(uint64_t word, uint8_t tag) {
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  uint64_t x = word ^ (0x0101010101010101ULL * tag);
  return ~(((x & kLow7) + kLow7) | x | kLow7);
}

/// All ones if `condition`, else zeros: a mask for select(). Choices that vary from trade to
/// trade in no pattern a branch predictor could follow are computed with it, as GCC turns a
/// plain ?: on them into a branch.
uint64_t ones_if(bool condition) {
  return uint64_t{0} - static_cast<uint64_t>(condition);
}

/// `mask` (from ones_if()) ? a : b, without a branch.
Timestamp select(uint64_t mask, Timestamp a, Timestamp b) {
  auto bits = [](Timestamp t) { return static_cast<uint64_t>(t.nanos()); };
  return Timestamp::from_nanos(static_cast<int64_t>((bits(a) & mask) | (bits(b) & ~mask)));
}

struct OwnerSlot {
  uint32_t owner = 0;  // 0 marks an empty slot
  uint32_t episode = kNoEpisode;
  std::byte* block = nullptr;    // the owner's fills in the FillBank, given with the slot
  uint16_t waiting[2] = {0, 0};  // fills waiting for a partner, by side (kBuys, kSells)
  uint16_t head[2] = {0, 0};     // ring position of the oldest, by side
  // Time of the oldest waiting fill by side, Timestamp::max() when there is none: one
  // comparison per side tells whether anything is due, reading the slot alone.
  Timestamp oldest[2] = {Timestamp::max(), Timestamp::max()};
  Timestamp last_fill = Timestamp::min();  // the latest fill time it ever waited with
  // By side, tag_bit() of every fill pushed since the side was last empty or its bits were
  // rebuilt: a superset of the waiting fills' tags, so a missing bit rules out an exact
  // partner without reading the ring. Fills the slot's 64-byte line.
  uint64_t tag_bits[2] = {0, 0};

  bool idle() const { return waiting[kBuys] == 0 && waiting[kSells] == 0 && episode == kNoEpisode; }

  // Forgets every waiting fill when even the latest is older than `oldest_usable` (the common
  // case of an owner back after a while), without reading the fills, and without a branch:
  // whether an owner is back within the window varies from trade to trade.
  void drop_all_if_stale(Timestamp oldest_usable) {
    // On the raw times: the defaulted <=> of Timestamp compiles to branches.
    uint64_t keep = ones_if(last_fill.nanos() >= oldest_usable.nanos());
    for (int side : {kBuys, kSells}) {
      waiting[side] = static_cast<uint16_t>(waiting[side] & keep);
      head[side] = static_cast<uint16_t>(head[side] & keep);
      oldest[side] = select(keep, oldest[side], Timestamp::max());
      tag_bits[side] &= keep;
    }
  }
};
static_assert(sizeof(OwnerSlot) == 64);

// Blocks are raw memory seen as WaitingFill arrays: C++20 creates such objects implicitly in
// allocated storage, which lets a fresh block go without being zeroed (fills are written
// before they are read).
static_assert(std::is_trivially_copyable_v<WaitingFill> &&
              std::is_trivially_destructible_v<WaitingFill>);

/// Waiting fills of the active owners: per owner one block holding, for each side, a ring of
/// `capacity` fills (oldest first) followed by the ring's quantity tags, one byte per fill.
/// Blocks of owners that went idle are recycled, so memory follows the active owners; blocks
/// never move, so slots point straight at theirs.
class FillBank {
 public:
  explicit FillBank(uint32_t per_side)
      : per_side_(per_side),
        capacity_(std::bit_ceil(std::max(per_side, kTagsPerWord))),
        tags_offset_(size_t{capacity_} * sizeof(WaitingFill)),
        side_bytes_(round_up(tags_offset_ + capacity_, sizeof(WaitingFill))) {}

  uint32_t per_side() const { return per_side_; }
  uint32_t capacity() const { return capacity_; }

  // Out of line: an owner needs a block only when it becomes active.
  [[gnu::noinline]] std::byte* acquire() {
    if (free_.empty()) add_chunk();
    std::byte* block = free_.back();
    free_.pop_back();
    return block;
  }
  void release(std::byte* block) { free_.push_back(block); }

  WaitingFill* fills(std::byte* block, int side) const {
    return reinterpret_cast<WaitingFill*>(block + static_cast<size_t>(side) * side_bytes_);
  }
  uint8_t* tags(std::byte* block, int side) const {
    return reinterpret_cast<uint8_t*>(block + static_cast<size_t>(side) * side_bytes_ +
                                      tags_offset_);
  }

 private:
  static constexpr std::align_val_t kAlign{alignof(WaitingFill)};
  static constexpr size_t kBlocksPerChunk = 16;
  struct FreeBlock {
    void operator()(std::byte* chunk) const { ::operator delete(chunk, kAlign); }
  };

  static size_t round_up(size_t n, size_t unit) { return (n + unit - 1) / unit * unit; }

  // Blocks come kBlocksPerChunk to an allocation: aligned allocations are slow to make.
  void add_chunk() {
    size_t block_bytes = 2 * side_bytes_;
    size_t chunk_bytes = block_bytes * kBlocksPerChunk;
    auto* raw = static_cast<std::byte*>(::operator new(chunk_bytes, kAlign));
    chunks_.push_back(std::unique_ptr<std::byte, FreeBlock>(raw));
    free_.reserve(free_.size() + kBlocksPerChunk);
    for (size_t i = kBlocksPerChunk; i-- > 0;) {
      std::byte* block = raw + i * block_bytes;
      // Scans read whole tag words, stale bytes included: they start as zeros, never as
      // indeterminate values.
      for (int side : {kBuys, kSells}) std::memset(tags(block, side), 0, capacity_);
      free_.push_back(block);
    }
  }

  uint32_t per_side_;
  uint32_t capacity_;
  size_t tags_offset_;  // of a side's tags from its fills
  size_t side_bytes_;   // one side's fills and tags, whole cache lines
  std::vector<std::unique_ptr<std::byte, FreeBlock>> chunks_;
  std::vector<std::byte*> free_;
};

// Word w of a ring's tags holds tags 8w to 8w + 7, the first in its least significant byte
// (the order countr_zero finds them in).
uint64_t tag_word(const uint8_t* tags, uint32_t w) {
  static_assert(std::endian::native == std::endian::little);
  uint64_t word;
  std::memcpy(&word, tags + w * kTagsPerWord, sizeof word);
  return word;
}

/// A snapshot of one side's ring for searching it: plain values, which the compiler keeps in
/// registers (a WaitingSide's references are reloaded after every store through a fill).
struct RingView {
  const WaitingFill* fills;
  const uint8_t* tags;
  uint32_t head;
  uint32_t count;
  uint32_t capacity;

  uint32_t pos(uint32_t age) const { return (head + age) & (capacity - 1); }
  uint32_t age_of(uint32_t pos) const { return (pos - head) & (capacity - 1); }
  const Leg& at_age(uint32_t age) const { return fills[pos(age)].leg; }

  // Calls fn(age) for every waiting fill whose tag is `tag`, in no particular order.
  template <class Fn>
  void for_each_tagged(uint8_t tag, Fn&& fn) const {
    uint32_t first = head, last = head + count;
    if (last > capacity) first = 0, last = capacity;  // wrapped: scan the whole ring
    uint32_t begin = first / kTagsPerWord, end = (last + kTagsPerWord - 1) / kTagsPerWord;
    // A first pass only tells whether any word holds the tag (most calls find none): with
    // few values live, its loop stays in registers.
    uint64_t any = 0;
    for (uint32_t w = begin; w < end; ++w) any |= bytes_equal_to(tag_word(tags, w), tag);
    if (any == 0) return;
    for (uint32_t w = begin; w < end; ++w) {
      for (uint64_t hits = bytes_equal_to(tag_word(tags, w), tag); hits != 0; hits &= hits - 1) {
        uint32_t at = w * kTagsPerWord + static_cast<uint32_t>(std::countr_zero(hits)) / 8;
        uint32_t age = age_of(at);
        if (age < count) fn(age);  // other bytes of the word may hold stale tags
      }
    }
  }

  // The exact tag bits of the waiting fills.
  uint64_t tag_bits() const {
    uint64_t bits = 0;
    for (uint32_t age = 0, at = head; age < count; ++age, at = (at + 1) & (capacity - 1)) {
      bits |= tag_bit(tags[at]);
    }
    return bits;
  }
};

// RingView::tag_bits() out of line, called once per turn of a ring; plain arguments, so the
// caller's WaitingSide need not live in memory.
[[gnu::noinline]] uint64_t exact_tag_bits(const uint8_t* tags, uint32_t head, uint32_t count,
                                          uint32_t capacity) {
  return RingView{nullptr, tags, head, count, capacity}.tag_bits();
}

/// One side of one owner's waiting fills, to change them: a ring in the FillBank, oldest at
/// `head`; `age` 0 is the oldest fill.
struct WaitingSide {
  WaitingFill* fills;
  uint8_t* tags;
  uint16_t& count;
  uint16_t& head;
  Timestamp& oldest;
  uint64_t& tag_bits;
  uint32_t capacity;

  WaitingSide(FillBank& bank, OwnerSlot& slot, int side)
      : fills(bank.fills(slot.block, side)),
        tags(bank.tags(slot.block, side)),
        count(slot.waiting[side]),
        head(slot.head[side]),
        oldest(slot.oldest[side]),
        tag_bits(slot.tag_bits[side]),
        capacity(bank.capacity()) {}

  RingView view() const { return {fills, tags, head, count, capacity}; }
  uint32_t pos(uint32_t age) const { return view().pos(age); }

  void drop_oldest() {
    head = static_cast<uint16_t>(pos(1));
    if (--count > 0) {
      oldest = fills[head].leg.ts;
    } else {
      clear();
    }
  }

  // An empty side starts again at the front of its ring, so an owner with few fills keeps
  // using the same cache lines instead of walking through the whole block; it has no tag
  // bits, so they alone tell whether anything waits. Done when the side empties, so that a
  // push needs no test.
  void clear() {
    head = 0;
    oldest = Timestamp::max();
    tag_bits = 0;
  }

  // Stores the trade as this account's fill, written in place from the event.
  void push(const Event& e, AccountId account, uint8_t tag) {
    oldest = select(ones_if(count == 0), e.ts, oldest);
    uint32_t at = pos(count++);
    // Field by field: a whole-Leg assignment goes through a temporary on the stack.
    Leg& leg = fills[at].leg;
    leg.ts = e.ts;
    leg.price = e.price;
    leg.qty = e.qty;
    leg.id = e.id;
    leg.seq = e.seq;
    leg.account = account;
    tags[at] = tag;
    tag_bits |= tag_bit(tag);
  }

  // Removes the fill of the given age, keeping the others in time order; moves the shorter
  // of the two runs around it.
  void erase(uint32_t age) {
    if (age < count / 2u) {
      for (uint32_t k = age; k > 0; --k) move(pos(k - 1), pos(k));
      head = static_cast<uint16_t>(pos(1));
    } else {
      for (uint32_t k = age + 1; k < count; ++k) move(pos(k), pos(k - 1));
    }
    if (--count == 0) {
      clear();
    } else if (age == 0) {
      oldest = fills[head].leg.ts;
    }
  }

 private:
  void move(uint32_t from, uint32_t to) {
    fills[to] = fills[from];
    tags[to] = tags[from];
  }
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
  FillBank fills;
  OwnerTable owners;
  std::string symbol;
  std::vector<uint32_t> idle_owners;  // scratch for the sweep
  GrowableRing<CloseEntry> closing;
  std::vector<Episode> episodes;
  std::vector<uint32_t> free_episodes;

  SymbolState(Params p, std::string_view name) : params(p), fills(p.max_open_fills), symbol(name) {}
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
  uint32_t age = 0;
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

  // Out of line: most trades are of owners already in the table. A new slot gets its block
  // at once, so the fill path needs no check for one.
  // `spot` is where the owner would go as the table stands.
  [[gnu::noinline]] static OwnerSlot& new_slot(SymbolState& st, OwnerSlot& spot, OwnerId owner,
                                               Timestamp now) {
    OwnerSlot* slot = &spot;
    if (st.owners.crowded()) {
      make_room(st, now);
      slot = &st.owners.find_or_insert(owner);  // the sweep moved slots
    } else {
      st.owners.claim(spot, owner);
    }
    slot->block = st.fills.acquire();
    return *slot;
  }

  // Erases the owners whose fills are all too old to pair and who have no open episode. Their
  // fills are not expired one by one: add_fill expires an owner's fills before it looks for a
  // partner, so this reads the slots alone.
  [[gnu::noinline]] static void make_room(SymbolState& st, Timestamp now) {
    Timestamp oldest_usable = now - st.params.window;
    st.idle_owners.clear();
    st.owners.for_each([&](const OwnerSlot& slot) {
      if (slot.episode != kNoEpisode) return;
      if (slot.last_fill < oldest_usable || slot.idle()) st.idle_owners.push_back(slot.owner);
    });
    for (uint32_t owner : st.idle_owners) erase_owner(st, OwnerId{owner});
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

  static void erase_owner(SymbolState& st, OwnerId owner) {
    OwnerSlot* slot = st.owners.find(owner);
    if (slot->block != nullptr) st.fills.release(slot->block);
    st.owners.erase(owner);
  }

  // Drops the owner's fills older than `oldest_usable`, some of which are due. Out of line:
  // most owners either have nothing due or nothing left (drop_all_if_stale()).
  [[gnu::noinline]] static void expire(FillBank& bank, OwnerSlot& slot, Timestamp oldest_usable) {
    expire_side(bank, slot, kBuys, oldest_usable);
    expire_side(bank, slot, kSells, oldest_usable);
  }

  static void expire_side(FillBank& bank, OwnerSlot& slot, int side, Timestamp oldest_usable) {
    if (slot.oldest[side] >= oldest_usable) return;  // the ring is set up only when due
    WaitingSide ring(bank, slot, side);
    while (ring.oldest < oldest_usable) ring.drop_oldest();  // the oldest come first
  }

  // One side (kBuys or kSells) of the trade `e`, for `account`. The common path (no partner)
  // stays in this function; pairing and the tolerant scan are out of line, so this one keeps
  // its state in registers.
  [[gnu::always_inline]] void add_fill(SymbolState& st, OwnerId owner, int side, const Event& e,
                                       AccountId account) {
    OwnerSlot& slot = slot_of(st, owner, e.ts);
    Timestamp oldest_usable = e.ts - st.params.window;
    slot.drop_all_if_stale(oldest_usable);
    if (slot.oldest[kBuys] < oldest_usable || slot.oldest[kSells] < oldest_usable) {
      expire(st.fills, slot, oldest_usable);
    }
    uint8_t tag = quantity_tag(e.qty);
    int other = side ^ 1;
    // Exact pairing needs an equal tag: the slot's tag bits settle most trades without
    // reading the ring. An empty side has no bits (see WaitingSide::clear()), so one test
    // also settles the tolerant pairing of a trade with nothing opposite.
    uint64_t wanted = st.params.exact_quantity ? tag_bit(tag) : ~uint64_t{0};
    if ((slot.tag_bits[other] & wanted) != 0) {
      if (Match match = best_match(st, slot, other, e, tag); match.found) {
        pair_up(st, slot, side, e, account, match.age);
        return;
      }
    }
    WaitingSide own(st.fills, slot, side);
    // A full side drops its oldest fill: this bounds the work per trade for one-way traders.
    if (own.count == st.fills.per_side()) {
      own.drop_oldest();
      // Once per turn of a full ring, the bits of the fills gone in that turn are dropped: a
      // long side (whose misses do not rebuild them) would otherwise end with all 64 set.
      if (own.head == 0) own.tag_bits = exact_tag_bits(own.tags, 0, own.count, own.capacity);
    }
    own.push(e, account, tag);
    slot.last_fill = std::max(slot.last_fill, e.ts);
  }

  // Pairs the trade with the opposite fill of the given age, which leaves its ring (used in
  // one pair only).
  [[gnu::noinline]] void pair_up(SymbolState& st, OwnerSlot& slot, int side, const Event& e,
                                 AccountId account, uint32_t age) {
    WaitingSide other(st.fills, slot, side ^ 1);
    Leg leg{e.ts, e.price, e.qty, e.id, e.seq, account};
    Leg earlier = other.view().at_age(age);
    other.erase(age);
    const Leg& buy = side == kBuys ? leg : earlier;
    const Leg& sell = side == kBuys ? earlier : leg;
    record(st, slot, buy, sell, false);
  }

  // Greedy pairing: the waiting opposite fill closest in quantity, then in price, then the
  // oldest; none when none is within the tolerances. Prices are compared against the earlier
  // fill's price, quantities against the larger quantity.
  // Out of line: most trades find no candidate, and are settled before this.
  [[gnu::noinline]] static Match best_match(SymbolState& st, OwnerSlot& slot, int other_side,
                                            const Event& e, uint8_t tag) {
    const Params& p = st.params;
    RingView ring = WaitingSide(st.fills, slot, other_side).view();
    if (!p.exact_quantity) return best_match_tolerant(p, ring, e.price, e.qty);
    // Only equal quantities pair, and equal quantities have equal tags.
    Match best;
    ring.for_each_tagged(tag,
                         [&](uint32_t age) { consider(p, ring, e.price, e.qty, 0, age, best); });
    // A miss means bits of departed fills misled the check before the call: drop them, if
    // the side is short enough for its bits to be selective (a long side sets most of them).
    if (!best.found && ring.count <= kRebuildTagBitsUpTo) {
      slot.tag_bits[other_side] = ring.tag_bits();
    }
    return best;
  }

  // Out of line: every waiting fill is a candidate, and the slack is computed per fill.
  [[gnu::noinline]] static Match best_match_tolerant(const Params& p, const RingView& ring,
                                                     Price price, Quantity qty) {
    int64_t own_qty_slack = slack(p.quantity_tolerance, qty.raw());
    Match best;
    for (uint32_t age = 0; age < ring.count; ++age) {
      consider(p, ring, price, qty, own_qty_slack, age, best);
    }
    return best;
  }

  // Makes the waiting fill of the given age the best match if it is within the tolerances
  // and better than the best so far.
  static void consider(const Params& p, const RingView& ring, Price new_price, Quantity new_qty,
                       int64_t own_qty_slack, uint32_t age, Match& best) {
    int64_t price = new_price.raw(), qty = new_qty.raw();
    const Leg& other = ring.at_age(age);
    int64_t qty_gap = std::llabs(other.qty.raw() - qty);
    // Exact pairing has no slack (equal tags, unequal quantities end here, without doubles).
    if (qty_gap > own_qty_slack &&
        (p.exact_quantity || qty_gap > slack(p.quantity_tolerance, other.qty.raw()))) {
      return;
    }
    int64_t price_gap = std::llabs(other.price.raw() - price);
    if (price_gap > slack(p.price_tolerance, other.price.raw())) return;
    if (best.found &&
        std::tie(qty_gap, price_gap, age) >= std::tie(best.qty_gap, best.price_gap, best.age)) {
      return;
    }
    best = Match{qty_gap, price_gap, age, true};
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
      if (slot->idle()) erase_owner(st, ep.owner);
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
