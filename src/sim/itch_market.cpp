#include "sim/itch_market.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/tape_writer.hpp"

namespace tw::sim {
namespace {

constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr uint64_t kPreMarket = 4 * 3600 * kNanosPerSecond;         // 04:00
constexpr uint64_t kOpen = (9 * 3600 + 30 * 60) * kNanosPerSecond;  // 09:30
constexpr uint64_t kClose = 16 * 3600 * kNanosPerSecond;            // 16:00
constexpr uint64_t kClosingMessages = 2;                            // S 'M', S 'C'
constexpr uint32_t kMaxSymbols = 65'535;  // stock locates are 2 bytes, 0 unused
constexpr int64_t kLowestBid = 1;         // cent
constexpr const char* kMpids[] = {"GSCO", "MSCO", "JPMS", "UBSS", "CDRG", "VIRT"};

// Shares of a new order: mostly round lots of 100 x (1 + geometric), a few odd lots.
uint32_t order_shares(Rng& rng) {
  if (rng.chance(0.1)) return 1 + rng.below(99);
  uint32_t lots = 1;
  while (lots < 50 && rng.chance(0.5)) ++lots;
  return 100 * lots;
}

// Cents behind the best price of its side: 0 (joining it) or more, geometric with a mean of
// 9 cents up to $3, so that the touch holds about a tenth of a side's orders and the rest
// spread over the levels behind it.
int64_t cents_behind(Rng& rng) {
  int64_t cents = 0;
  while (cents < 300 && rng.chance(0.9)) ++cents;
  return cents;
}

int64_t price4(int64_t cents) {
  return cents * 100;
}

// The time of flow message `index` of `count` after the open, spread evenly to the close:
// (kClose - kOpen) * index / count without overflowing 64 bits (count < 2^32).
uint64_t flow_offset(uint64_t index, uint64_t count) {
  constexpr uint64_t kSession = kClose - kOpen;
  return index * (kSession / count) + index * (kSession % count) / count;
}

}  // namespace

std::string ItchMarket::symbol_name(uint32_t index) {
  std::string name(4, 'A');
  for (size_t i = 4; i-- > 0; index /= 26) name[i] = static_cast<char>('A' + index % 26);
  return name;
}

ItchMarket::ItchMarket(const ItchMarketOptions& options)
    : options_(options), rng_(options.seed, 11), symbols_(options.symbols) {
  if (options.symbols == 0 || options.symbols > kMaxSymbols) {
    throw std::invalid_argument("symbols must be 1.." + std::to_string(kMaxSymbols));
  }
  if (!(options.recent_share >= 0 && options.recent_share <= 1)) {
    throw std::invalid_argument("recent_share must be within 0..1");
  }
  opening_ = 2 * uint64_t{options.symbols} + 2;
  if (options.messages <= opening_ + kClosingMessages) {
    throw std::invalid_argument("messages must exceed " +
                                std::to_string(opening_ + kClosingMessages) + " for " +
                                std::to_string(options.symbols) + " symbols");
  }
  for (uint32_t i = 0; i < options.symbols; ++i) {
    SymbolFlow& s = symbols_[i];
    s.name = symbol_name(i);
    s.start_cents = 500 + rng_.below(19'500);  // $5..$200
    s.live.reserve(options.live_orders_per_symbol * 3 / 2);
  }
}

bool ItchMarket::write_next(ItchWriter& w) {
  if (written_ == options_.messages) return false;
  const uint64_t closing_from = options_.messages - kClosingMessages;
  if (written_ < opening_) {
    write_opening(written_, w);
  } else if (written_ < closing_from) {
    nanos_ = kOpen + flow_offset(written_ - opening_, closing_from - opening_);
    write_flow(w);
  } else {
    const char code = written_ == closing_from ? 'M' : 'C';
    write_system_event(w, kClose + (written_ - closing_from), code);
    count('S');
  }
  ++written_;
  return true;
}

void ItchMarket::write_opening(uint64_t index, ItchWriter& w) {
  const uint64_t n = options_.symbols;
  const uint64_t nanos = kPreMarket + index;
  if (index == 0 || index == 2 * n + 1) {
    write_system_event(w, nanos, index == 0 ? 'O' : 'Q');
    return count('S');
  }
  const uint32_t symbol = static_cast<uint32_t>((index - 1) % n);
  const auto locate = static_cast<uint16_t>(symbol + 1);
  const std::string& name = symbols_[symbol].name;
  if (index <= n) {
    write_stock_directory(w, locate, nanos, name);
    return count('R');
  }
  write_trading(locate, nanos, name, w);
}

// H 'T': the stock trades (the opening of every symbol, and now and then during the day).
void ItchMarket::write_trading(uint16_t locate, uint64_t nanos, const std::string& name,
                               ItchWriter& w) {
  write_trading_status(w, locate, nanos, name);
  count('H');
}

void ItchMarket::write_flow(ItchWriter& w) {
  const uint32_t n = options_.symbols;
  const uint32_t uniform = rng_.below(n);
  const uint32_t symbol = rng_.chance(0.5) ? uniform : std::min(uniform, rng_.below(n));
  const auto locate = static_cast<uint16_t>(symbol + 1);
  SymbolFlow& s = symbols_[symbol];
  if (s.live.empty() || rng_.chance(add_chance(s))) return write_add(locate, s, w);
  const double pick = rng_.uniform();
  if (pick < 0.35) return write_delete(locate, s, w);
  if (pick < 0.50) return write_cancel(locate, s, w);
  if (pick < 0.70) return write_replace(locate, s, w);
  if (pick < 0.88) return write_execution(locate, s, false, w);
  if (pick < 0.90) return write_execution(locate, s, true, w);
  if (pick < 0.99995) return write_hidden_trade(locate, s, w);
  write_trading(locate, nanos_, s.name, w);
}

// Even at the target count, adds come as often as the rest: deletes and full executions take
// out under half the other messages, so the count settles a little above the target.
double ItchMarket::add_chance(const SymbolFlow& s) const {
  const double target = options_.live_orders_per_symbol;
  const double excess = (static_cast<double>(s.live.size()) - target) / target;
  return std::clamp(0.5 - 0.4 * excess, 0.1, 0.9);
}

int64_t ItchMarket::middle(const SymbolFlow& s) {
  if (s.bids.empty() || s.asks.empty()) return s.start_cents;
  return (s.bids.rbegin()->first + s.asks.begin()->first) / 2;
}

// The price joins, trails or improves its side's best, never reaching the other side's.
ItchMarket::LiveOrder ItchMarket::new_order(SymbolFlow& s, char side) {
  const bool buy = side == 'B';
  // An empty side is taken to be a cent beyond the other (asks are never below 2 cents).
  int64_t best_bid = s.bids.empty() ? 0 : s.bids.rbegin()->first;
  int64_t best_ask = s.asks.empty() ? 0 : s.asks.begin()->first;
  if (s.bids.empty()) best_bid = s.asks.empty() ? s.start_cents - 1 : best_ask - 1;
  if (s.asks.empty()) best_ask = best_bid + 2;
  const bool improve = best_ask - best_bid > 1 && rng_.chance(0.2);
  const int64_t behind = improve ? -1 : cents_behind(rng_);
  const int64_t cents = buy ? std::clamp(best_bid - behind, kLowestBid, best_ask - 1)
                            : std::max(best_ask + behind, best_bid + 1);
  const LiveOrder o{next_ref_++, cents, order_shares(rng_), side};
  PriceQueue& queue = (buy ? s.bids : s.asks)[cents];
  // Gone refs of a price that never empties would pile up: drop them now and then.
  if (queue.refs.size() > 2 * queue.live + 64) {
    std::erase_if(queue.refs, [&](uint64_t ref) { return !is_live(s, ref); });
  }
  ++queue.live;
  queue.refs.push_back(o.ref);
  return o;
}

void ItchMarket::write_add(uint16_t locate, SymbolFlow& s, ItchWriter& w) {
  const LiveOrder o = new_order(s, rng_.chance(0.5) ? 'B' : 'S');
  const bool attributed = rng_.chance(0.1);
  const char type = attributed ? 'F' : 'A';
  w.begin(type, locate, nanos_).number(o.ref, 8).letter(o.side).number(o.shares, 4);
  w.alpha(s.name, 8).number(static_cast<uint64_t>(price4(o.cents)), 4);
  if (attributed) w.alpha(kMpids[rng_.below(std::size(kMpids))], 4);
  w.end();
  place(s, o, s.live.size());
  live_ += 1;
  summary_.max_live_orders = std::max(summary_.max_live_orders, live_);
  count(type);
}

// New orders go to the back of `live`, and a removal moves the back one into the hole, so the
// back holds the latest orders (a removal far from the back sends one of them away).
size_t ItchMarket::pull_target(const SymbolFlow& s) {
  const auto size = static_cast<uint32_t>(s.live.size());
  if (!rng_.chance(options_.recent_share)) return rng_.below(size);
  constexpr double kMeanRecency = 8;
  const auto back = static_cast<uint64_t>(rng_.exponential() * kMeanRecency);
  return size - 1 - static_cast<size_t>(std::min<uint64_t>(back, size - 1));
}

void ItchMarket::write_cancel(uint16_t locate, SymbolFlow& s, ItchWriter& w) {
  const size_t at = pull_target(s);
  LiveOrder& o = s.live[at];
  if (o.shares < 2) return write_delete(locate, s, w);
  const uint32_t cancelled = 1 + rng_.below(o.shares - 1);
  w.begin('X', locate, nanos_).number(o.ref, 8).number(cancelled, 4).end();
  o.shares -= cancelled;
  count('X');
}

void ItchMarket::write_delete(uint16_t locate, SymbolFlow& s, ItchWriter& w) {
  const size_t at = pull_target(s);
  w.begin('D', locate, nanos_).number(s.live[at].ref, 8).end();
  remove(s, at);
  count('D');
}

void ItchMarket::write_replace(uint16_t locate, SymbolFlow& s, ItchWriter& w) {
  const size_t at = pull_target(s);
  const LiveOrder o = s.live[at];
  const LiveOrder replacement = new_order(s, o.side);
  w.begin('U', locate, nanos_).number(o.ref, 8).number(replacement.ref, 8);
  w.number(replacement.shares, 4).number(static_cast<uint64_t>(price4(replacement.cents)), 4);
  w.end();
  remove_level(o.side == 'B' ? s.bids : s.asks, o.cents);
  forget(s, o.ref);
  place(s, replacement, at);
  count('U');
}

void ItchMarket::remove_level(PriceQueues& levels, int64_t cents) {
  auto level = levels.find(cents);
  if (--level->second.live == 0) levels.erase(level);
}

void ItchMarket::place(SymbolFlow& s, const LiveOrder& o, size_t at) {
  if (at == s.live.size()) s.live.emplace_back();
  s.live[at] = o;
  uint32_t slot = s.positions.find(o.ref);
  if (slot == KeyedPool<RefPosition>::kNone) slot = s.positions.try_insert(o.ref);
  s.positions[slot].at = static_cast<uint32_t>(at);
}

bool ItchMarket::is_live(const SymbolFlow& s, uint64_t ref) {
  return s.positions.find(ref) != KeyedPool<RefPosition>::kNone;
}

void ItchMarket::forget(SymbolFlow& s, uint64_t ref) {
  s.positions.erase(s.positions.find(ref));
}

size_t ItchMarket::oldest_at_touch(SymbolFlow& s) {
  const bool buy = s.asks.empty() || (!s.bids.empty() && rng_.chance(0.5));
  PriceQueue& best = buy ? s.bids.rbegin()->second : s.asks.begin()->second;
  while (!is_live(s, best.refs.front())) best.refs.pop_front();
  return s.positions[s.positions.find(best.refs.front())].at;
}

void ItchMarket::write_execution(uint16_t locate, SymbolFlow& s, bool with_price, ItchWriter& w) {
  const size_t at = oldest_at_touch(s);
  LiveOrder& o = s.live[at];
  const uint32_t shares =
      o.shares < 2 || rng_.chance(0.6) ? o.shares : 1 + rng_.below(o.shares - 1);
  const char type = with_price ? 'C' : 'E';
  w.begin(type, locate, nanos_).number(o.ref, 8).number(shares, 4).number(next_match_++, 8);
  if (with_price) w.letter('Y').number(static_cast<uint64_t>(price4(o.cents)), 4);
  w.end();
  o.shares -= shares;
  if (o.shares == 0) remove(s, at);
  count(type);
}

void ItchMarket::write_hidden_trade(uint16_t locate, const SymbolFlow& s, ItchWriter& w) {
  w.begin('P', locate, nanos_).number(0, 8).letter(rng_.chance(0.5) ? 'B' : 'S');
  w.number(order_shares(rng_), 4).alpha(s.name, 8);
  w.number(static_cast<uint64_t>(price4(middle(s))), 4).number(next_match_++, 8).end();
  count('P');
}

void ItchMarket::remove(SymbolFlow& s, size_t at) {
  remove_level(s.live[at].side == 'B' ? s.bids : s.asks, s.live[at].cents);
  forget(s, s.live[at].ref);
  if (at + 1 != s.live.size()) place(s, s.live.back(), at);
  s.live.pop_back();
  live_ -= 1;
}

void ItchMarket::count(char type) {
  ++summary_.messages;
  ++summary_.by_type[static_cast<unsigned char>(type)];
}

ItchMarketSummary write_itch_market(const ItchMarketOptions& options, const std::string& path) {
  OutputFile file(path, "ITCH");
  ItchMarket market(options);
  ItchWriter w(file.buffer());
  while (market.write_next(w)) file.maybe_flush();
  file.close();
  return market.summary();
}

}  // namespace tw::sim
