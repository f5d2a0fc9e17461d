// A generator of ITCH 5.0 order flow at scale: many symbols, orders near a moving touch.
//
// The file opens like a NASDAQ day: system event S 'O', one stock directory R and trading
// status H 'T' per symbol, S 'Q'; it closes with S 'M' and S 'C'. Between them, messages
// spread evenly over 09:30-16:00 of 2019-01-30; each goes to a symbol drawn with a skew
// toward the first ones (half the time the smaller of two uniform draws: the first symbol is
// three times as busy as the last). Adds (A, a tenth F with an MPID) and the new orders of
// replaces U join their side's best price or rest a geometric number of cents behind it (9 on
// average), or improve it by a cent when the spread allows; none reaches the other side, so
// the book never crosses or locks. Cancels X, deletes D and replaces U take a live order at
// random; executions E and C take the oldest order at the best price of a side, as a matching
// engine in price-time priority does, so that the touch is taken and prices wander; hidden
// trades P print at the middle of the spread. How often an
// add comes falls as the symbol's live orders pass `live_orders_per_symbol`, so that the count
// stays near it and orders live a realistic while (on average about live_orders_per_symbol x
// symbols x 2 messages). Order references and match numbers are unique and ascending. The
// same options write the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "sim/itch_writer.hpp"
#include "sim/random.hpp"
#include "util/keyed_pool.hpp"

namespace tw::sim {

struct ItchMarketOptions {
  uint64_t messages = 1'000'000;  // all of them, the opening and closing ones included
  uint32_t symbols = 100;
  uint64_t seed = 1;
  uint32_t live_orders_per_symbol = 2'000;
  /// Share of cancels, deletes and replaces that take one of the symbol's latest orders (about
  /// the 8th newest on average) rather than any live one: real flow pulls most orders soon
  /// after placing them (on the Amazon LOBSTER day the median delete follows its add by 10
  /// messages). 0 draws every target from all live orders alike.
  double recent_share = 0.8;
};

/// The day the file's times belong to, for readers given a file name without it.
inline constexpr const char* kItchMarketDate = "2019-01-30";

struct ItchMarketSummary {
  uint64_t messages = 0;
  std::array<uint64_t, 256> by_type{};  // by type byte
  uint64_t max_live_orders = 0;         // over all symbols at once
};

/// Writes the messages one at a time into an ItchWriter.
class ItchMarket {
 public:
  /// Throws std::invalid_argument when there are no symbols, more than stock locates can number
  /// (65,535), or too few messages for the opening and closing ones.
  explicit ItchMarket(const ItchMarketOptions& options);

  /// Writes the next message; false once all of them are written.
  bool write_next(ItchWriter& w);
  const ItchMarketSummary& summary() const { return summary_; }

  /// The name of symbol `index` (stock locate index + 1): AAAA, AAAB, ...
  static std::string symbol_name(uint32_t index);

 private:
  struct LiveOrder {
    uint64_t ref = 0;
    int64_t cents = 0;
    uint32_t shares = 0;
    char side = 'B';
  };
  // The orders at one price in time priority. Refs of orders gone stay until they reach the
  // front or the queue is compacted, so that a removal need not search it.
  struct PriceQueue {
    uint32_t live = 0;
    std::deque<uint64_t> refs;
  };
  using PriceQueues = std::map<int64_t, PriceQueue>;
  struct RefPosition {
    uint64_t key = 0;  // the order's ref
    uint32_t at = 0;   // its index in `live`
  };
  struct SymbolFlow {
    std::string name;
    int64_t start_cents = 0;  // where prices start, and the middle while a side is empty
    std::vector<LiveOrder> live;
    KeyedPool<RefPosition> positions;  // ref -> index in `live`
    PriceQueues bids, asks;            // live orders by price
  };

  void write_opening(uint64_t index, ItchWriter& w);
  void write_flow(ItchWriter& w);
  void write_add(uint16_t locate, SymbolFlow& s, ItchWriter& w);
  void write_cancel(uint16_t locate, SymbolFlow& s, ItchWriter& w);
  void write_delete(uint16_t locate, SymbolFlow& s, ItchWriter& w);
  void write_replace(uint16_t locate, SymbolFlow& s, ItchWriter& w);
  void write_execution(uint16_t locate, SymbolFlow& s, bool with_price, ItchWriter& w);
  void write_hidden_trade(uint16_t locate, const SymbolFlow& s, ItchWriter& w);
  double add_chance(const SymbolFlow& s) const;
  LiveOrder new_order(SymbolFlow& s, char side);
  static int64_t middle(const SymbolFlow& s);
  /// The index in `live` of the oldest order at the best price of a side drawn at random (the
  /// other when it is empty).
  size_t oldest_at_touch(SymbolFlow& s);
  static void place(SymbolFlow& s, const LiveOrder& o, size_t at);
  static bool is_live(const SymbolFlow& s, uint64_t ref);
  static void forget(SymbolFlow& s, uint64_t ref);
  static void remove_level(PriceQueues& levels, int64_t cents);
  void write_trading(uint16_t locate, uint64_t nanos, const std::string& name, ItchWriter& w);
  /// The live order a cancel, delete or replace takes (see recent_share).
  size_t pull_target(const SymbolFlow& s);
  void remove(SymbolFlow& s, size_t at);
  void count(char type);

  ItchMarketOptions options_;
  Rng rng_;
  std::vector<SymbolFlow> symbols_;
  uint64_t written_ = 0;
  uint64_t opening_ = 0;  // messages before the flow
  uint64_t nanos_ = 0;
  uint64_t next_ref_ = 1;
  uint64_t next_match_ = 1;
  uint64_t live_ = 0;
  ItchMarketSummary summary_;
};

/// Writes the whole file; throws std::runtime_error naming it when it cannot be written.
ItchMarketSummary write_itch_market(const ItchMarketOptions& options, const std::string& path);

}  // namespace tw::sim
