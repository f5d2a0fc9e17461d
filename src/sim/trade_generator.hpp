// The synthetic market behind `tapewatch generate`: a seeded, time-ordered trade tape with
// injected wash trades, self-trades and pump-and-dump episodes, plus their ground-truth labels.
//
// Ordinary flow, per symbol: an efficient price that moves every second with GARCH(1,1)
// variance on 1-minute returns (bounded to 1/3..2.5x its long-run level); Poisson arrivals whose
// rate follows a daily cycle (peak 15:00 UTC) and rises with volatility; buys at the ask and
// sells at the bid; sides persistent (60 % repeat) but balanced; log-normal sizes (sigma 1.2)
// in whole lots; accounts drawn by Zipf weights (a few accounts trade a lot). An account never
// mirrors its own recent fill (same size, other side, within 30 s) in ordinary flow.
//
// Injected episodes (rows carry their event_type; labels carry the facts):
//  - round trip (WASH): one account buys then sells the same quantity, or the reverse; 35 % at
//    one instant and one price, the rest 0.2 s..wash_max_delay apart at the same price or one
//    tick away; a linked_wash_share of them go through two accounts of one owner group.
//  - self-trade (SELF_TRADE): the trades.csv layout has one trader per row, so a trade with
//    the same account on both sides is written as two rows at one instant, price and quantity,
//    one account, BUY then SELL.
//  - pump and dump (PUMP, DUMP): over 2..5 minutes a ring of 3..6 accounts buys at 3..6x the
//    normal trade rate while the price level climbs 6..15 %; then over 5..15 minutes the ring
//    sells (1..2x the normal rate, heaviest right after the peak) while the level gives back
//    65..100 % of the rise. The ordinary random walk and flow continue underneath; what is not
//    given back stays in the price.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include "model/event.hpp"
#include "model/fixed_point.hpp"
#include "model/timestamp.hpp"
#include "sim/alias_sampler.hpp"
#include "sim/market_spec.hpp"
#include "sim/random.hpp"
#include "sim/recent_fills.hpp"

namespace tw {

/// What to simulate. Rates of injected episodes are per symbol and per hour of simulated time.
struct GeneratorOptions {
  int symbols = 3;
  int accounts = 500;
  double hours = 1;  // simulated time; 0 means "until `rows`" (a row cap is then required)
  uint64_t seed = 1;
  std::string start = "2025-01-06T12:00:00Z";
  uint64_t rows = 0;    // stop after this many rows; 0 = no cap
  double activity = 1;  // multiplies every symbol's ordinary trade rate

  double wash_per_hour = 6;         // round trips (same account or linked accounts)
  double self_trades_per_hour = 4;  // both sides one account, one instant
  double pump_dumps_per_hour = 3;   // idle gap uniform in [0, 2/rate] after the cooldown
  double linked_wash_share = 0.2;   // share of round trips done through two linked accounts
  Duration wash_max_delay = Duration::seconds(5);  // longest gap between the two legs
  Duration pump_warmup = Duration::minutes(10);    // no pump before this much history exists
  Duration pump_cooldown = Duration::minutes(10);  // quiet time after an episode on a symbol
};

/// What a run wrote.
struct GeneratorSummary {
  uint64_t rows = 0;
  uint64_t injected_rows = 0;
  uint64_t wash_pairs = 0;  // round trips, linked ones included
  uint64_t linked_wash_pairs = 0;
  uint64_t self_trades = 0;
  uint64_t pump_dumps = 0;
  uint64_t truncated_episodes = 0;  // cut short by the row cap (labelled "truncated":true)
  uint64_t owner_groups = 0;        // entries written to the owners file
  Timestamp first_ts, last_ts;
};

/// Writes the tape (trades.csv layout of the replaced system), the labels (JSONL, one line per
/// injected episode, in order of completion) and, when `owners_path` is not empty, the owners
/// file (TOML [owners]) of the linked accounts. Without an owners file no linked round trips are
/// made, since nothing could tell that the two accounts belong together. An empty
/// `labels_path` skips the labels. When the row cap ends the run inside an episode, the label
/// says "truncated":true and counts only the rows that were written.
/// Throws std::invalid_argument for bad options, std::runtime_error for files it cannot write.
GeneratorSummary generate_market(const GeneratorOptions& options, const std::string& trades_path,
                                 const std::string& labels_path, const std::string& owners_path);

/// Throws std::invalid_argument naming the first option that is out of range.
void validate(const GeneratorOptions& options);

/// The event_type column: TRADE for ordinary flow, else the kind of injected row (see the top
/// of this file for how a self-trade is written in the one-trader-per-row layout).
enum class TradeKind : uint8_t { kTrade, kWash, kSelfTrade, kPump, kDump };
std::string_view event_type_name(TradeKind kind);

/// One row of the tape.
struct SimTrade {
  Timestamp ts;
  Price price;
  Quantity qty;
  uint32_t symbol = 0;   // index into TradeGenerator::symbols()
  uint32_t account = 0;  // index into TradeGenerator::account_names()
  uint32_t episode = 0;  // label number of an injected row, 0 for ordinary flow
  Side side = Side::kBuy;
  TradeKind kind = TradeKind::kTrade;
  bool closes_episode = false;  // the last row of its episode
};

enum class EpisodeKind : uint8_t { kRoundTrip, kSelfTrade, kPumpAndDump };

/// Ground truth of one injected episode.
struct EpisodeLabel {
  uint32_t episode = 0;
  EpisodeKind kind = EpisodeKind::kRoundTrip;
  uint32_t symbol = 0;
  std::vector<uint32_t> accounts;
  // Round trips and self-trades: first and last row. Pump and dump: start of the pump to end
  // of the dump (for a truncated one, its last row).
  Timestamp start, end;
  uint32_t rows = 0;
  bool truncated = false;  // the row cap ended the tape inside the episode

  // Round trips and self-trades.
  Price price, price2;  // first and second leg
  Quantity quantity;
  Side first_side = Side::kBuy;
  int owner_group = -1;  // linked round trip: index into TradeGenerator::owner_groups()

  // Pump and dump, measured on every row of the symbol (ordinary flow included).
  Price base_price;  // last price before the episode
  Price peak_price;  // highest price in the episode
  Price low_price;   // lowest price after the peak
  Timestamp peak_time, pump_end;
  double target_rise = 0;      // planned rise of the price level, 0.06 = 6 %
  double target_giveback = 0;  // planned share of the rise given back
  double volume_multiple = 0;  // injected buy flow during the pump, in multiples of normal flow
  Quantity pump_volume, dump_volume;  // of the injected rows
};

std::string_view rule_name(EpisodeKind kind);  // "wash.round_trip" or "pump_and_dump"
std::string_view kind_name(EpisodeKind kind);  // "round_trip", "self_trade", "pump_and_dump"

/// The simulator proper: yields rows in non-decreasing time order, one at a time, with memory
/// bounded by the number of symbols, accounts and episodes in flight (never by rows produced).
class TradeGenerator {
 public:
  /// `linked_accounts`: form owner groups and route some round trips through two of them.
  TradeGenerator(const GeneratorOptions& options, bool linked_accounts);
  ~TradeGenerator();
  TradeGenerator(const TradeGenerator&) = delete;
  TradeGenerator& operator=(const TradeGenerator&) = delete;

  const std::vector<sim::SymbolSpec>& symbols() const { return specs_; }
  const std::vector<std::string>& account_names() const { return account_names_; }
  /// Accounts (indices) sharing one beneficial owner, one group per owner.
  const std::vector<std::vector<uint32_t>>& owner_groups() const { return owner_groups_; }

  /// The next row, or false once simulated time is over.
  bool next(SimTrade& row);
  /// Labels of episodes completed so far (each handed out once).
  bool next_label(EpisodeLabel& label);
  /// Ends the run early: episodes still open are labelled truncated.
  void close_open_episodes();

 private:
  enum class Job : uint8_t {
    kBackground,
    kWashStart,
    kSelfTradeStart,
    kPumpStart,
    kPumpFlow,
    kPumpEnd,
    kWashLeg
  };
  struct Scheduled {
    int64_t ns;
    uint64_t seq;  // ties break by scheduling order, which keeps runs reproducible
    Job job;
    uint32_t index;  // symbol, or pending-leg slot for kWashLeg
    bool operator>(const Scheduled& o) const { return ns != o.ns ? ns > o.ns : seq > o.seq; }
  };
  struct SymbolState;
  struct PendingLeg {
    SimTrade row;
    bool used = false;
  };

  void schedule(int64_t ns, Job job, uint32_t index);
  void dispatch(const Scheduled& item);
  void emit(const SimTrade& row);
  void on_background(uint32_t symbol, int64_t ns);
  void on_wash_start(uint32_t symbol, int64_t ns);
  void on_self_trade(uint32_t symbol, int64_t ns);
  void on_pump_start(uint32_t symbol, int64_t ns);
  void on_pump_flow(uint32_t symbol, int64_t ns);
  void on_pump_end(uint32_t symbol, int64_t ns);
  double flow_multiple(const SymbolState& s, int64_t ns) const;
  void on_wash_leg(uint32_t slot);
  void schedule_next_pump(uint32_t symbol, int64_t after_ns);

  void advance(SymbolState& s, int64_t ns);
  double level_offset(const SymbolState& s, int64_t ns) const;
  double mid_price(const SymbolState& s, int64_t ns) const;
  Price quote(const SymbolState& s, Side side, int64_t ns) const;
  Price to_ticks(const SymbolState& s, double price) const;
  Quantity draw_quantity(SymbolState& s, sim::Rng& rng, double size_sigma, double scale,
                         int64_t ns) const;
  uint32_t draw_manipulator();
  std::vector<uint32_t> draw_distinct_accounts(uint32_t count);
  EpisodeLabel new_label(EpisodeKind kind, uint32_t symbol, int64_t ns);
  void record(const SimTrade& row);
  void record_pump_price(SymbolState& s, const SimTrade& row);
  void complete(uint32_t episode);
  int64_t exp_gap_ns(sim::Rng& rng, double per_second) const;

  GeneratorOptions options_;
  std::vector<sim::SymbolSpec> specs_;
  std::vector<std::string> account_names_;
  std::vector<std::vector<uint32_t>> owner_groups_;
  std::vector<uint32_t> manipulators_;  // accounts that wash and self-trade
  std::unique_ptr<sim::AliasSampler> activity_;
  std::vector<SymbolState> state_;
  sim::Rng episode_rng_;
  sim::RecentFills recent_;
  int64_t start_ns_ = 0;
  int64_t end_ns_ = 0;

  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  uint64_t next_seq_ = 0;
  std::array<SimTrade, 4> ready_;  // rows of the current instant not yet handed out
  size_t ready_head_ = 0, ready_count_ = 0;
  std::vector<PendingLeg> legs_;    // second legs of round trips waiting for their time
  std::vector<EpisodeLabel> open_;  // round trips and self-trades not yet fully handed out
  std::vector<EpisodeLabel> done_;
  size_t done_head_ = 0;
  uint32_t episodes_ = 0;
};

}  // namespace tw
