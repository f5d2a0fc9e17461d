#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alert_collector.hpp"
#include "detect/pump_and_dump.hpp"
#include "model/event.hpp"
#include "real_data.hpp"
#include "rule_test_util.hpp"

using namespace tw;

namespace {

const Timestamp kT0 = *Timestamp::parse_iso8601("2025-01-06T12:00:00Z");

struct Print {
  double price;
  double qty;
  Side side;
  const char* buyer = nullptr;
  const char* seller = nullptr;
  bool has_id = true;
};

/// Builds a time-ordered trade tape, one bar of trades at a time.
class Tape {
 public:
  explicit Tape(Universe& universe) : universe_(universe) {}

  /// The prints of one 1-minute bar, five seconds apart from the bar's start.
  void bar(std::string_view symbol, int minute, const std::vector<Print>& prints) {
    Timestamp start = kT0 + Duration::minutes(minute);
    for (size_t i = 0; i < prints.size(); ++i) {
      add(symbol, start + Duration::seconds(5 * static_cast<int64_t>(i)), prints[i]);
    }
  }

  /// Balanced two-way trading at one price: 4 trades of 10, two buys and two sells, per bar.
  void quiet(std::string_view symbol, int from_minute, int to_minute, double price) {
    for (int m = from_minute; m < to_minute; ++m) {
      bar(symbol, m,
          {{price, 10, Side::kBuy, "A", "B"},
           {price, 10, Side::kSell, "B", "A"},
           {price, 10, Side::kBuy, "A", "B"},
           {price, 10, Side::kSell, "B", "A"}});
    }
  }

  void add(std::string_view symbol, Timestamp ts, const Print& p) {
    Event e;
    e.kind = EventKind::kTrade;
    e.ts = ts;
    e.symbol = universe_.symbol(symbol);
    e.price = Price::from_double(p.price);
    e.qty = Quantity::from_double(p.qty);
    e.side = p.side;
    e.seq = events_.size() + 1;
    if (p.has_id) e.id = ExternalId::number(1000 + e.seq);
    if (p.buyer) e.buyer = universe_.account(p.buyer);
    if (p.seller) e.seller = universe_.account(p.seller);
    events_.push_back(e);
  }

  /// The events in event-time order (stable, so same-time prints keep their order).
  std::vector<Event> events() const {
    std::vector<Event> out = events_;
    std::stable_sort(out.begin(), out.end(),
                     [](const Event& a, const Event& b) { return a.ts < b.ts; });
    return out;
  }

 private:
  Universe& universe_;
  std::vector<Event> events_;
};

const RuleInfo& rule() {
  static const RuleInfo info = pump_and_dump_rule();
  return info;
}

const ParamSpec& spec(std::string_view name) {
  for (const ParamSpec& p : rule().params) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no parameter " + std::string(name));
}

/// The rule's configuration built from its declared defaults.
RuleConfig default_rule_config() {
  RuleConfig config;
  config.rule = std::string(rule().name);
  for (const ParamSpec& p : rule().params) {
    config.values.set(p.name, parse_param(p, p.default_text, p.name));
  }
  return config;
}

void set(ParamValues& values, std::string_view name, std::string_view text) {
  values.set(std::string(name), parse_param(spec(name), text, name));
}

std::vector<Alert> run(const RuleConfig& config, const Universe& universe,
                       const std::vector<Event>& events, bool streaming = false) {
  AlertCollector sink;
  std::unique_ptr<Detector> detector = rule().make(DetectorContext{universe, config, sink});
  for (const Event& e : events) {
    if (streaming) detector->advance_to(e.ts);
    detector->on_event(e);
  }
  detector->finish();
  return std::move(sink.alerts);
}

// The reference episode on 1-minute bars: 20 quiet bars at 100 (volume 40 each), a 3-bar pump
// to `peak` on buys (bars of 160, 160, 100+), a 2-bar dump on sells to `trough`, then quiet.
struct Episode {
  double peak = 106;
  double trough = 102;
  double pump_qty = 40;  // per trade; 4 trades in the first pump bar
  Side pump_side = Side::kBuy;
  Side dump_side = Side::kSell;
  bool dump = true;
  int tail_bars = 35;                          // quiet bars after the episode
  std::vector<const char*> pumpers{"PUMPER"};  // the pump's buyers, in turn
  std::vector<const char*> dumpers{"PUMPER"};  // the dump's sellers, in turn
};

void add_episode(Tape& tape, std::string_view symbol, int first_minute, double base,
                 const Episode& ep) {
  const int m = first_minute;
  const double step = (ep.peak - base) / 6;
  const Side up = ep.pump_side;
  auto pumper = [&](size_t i) { return ep.pumpers[i % ep.pumpers.size()]; };
  auto dumper = [&](size_t i) { return ep.dumpers[i % ep.dumpers.size()]; };
  tape.bar(symbol, m,
           {{base, ep.pump_qty, up, pumper(0), "MM"},
            {base + step, ep.pump_qty, up, pumper(1), "MM"},
            {base + 2 * step, ep.pump_qty, up, pumper(2), "MM"},
            {base + 3 * step, ep.pump_qty, up, pumper(3), "MM"}});
  tape.bar(symbol, m + 1,
           {{base + 4 * step, 2 * ep.pump_qty, up, pumper(4), "MM"},
            {base + 5 * step, 2 * ep.pump_qty, up, pumper(5), "MM"}});
  tape.bar(symbol, m + 2, {{ep.peak, 2.5 * ep.pump_qty, up, pumper(6), "MM"}});
  if (!ep.dump) {
    tape.quiet(symbol, m + 3, m + 5 + ep.tail_bars, ep.peak);
    return;
  }
  const double fall = (ep.peak - ep.trough) / 4;
  const Side down = ep.dump_side;
  tape.bar(symbol, m + 3,
           {{ep.peak - fall, 50, down, "MM", dumper(0)},
            {ep.peak - 2 * fall, 50, down, "MM", dumper(1)},
            {ep.peak - 3 * fall, 50, down, "MM", dumper(2)}});
  tape.bar(symbol, m + 4,
           {{ep.trough, 50, down, "MM", dumper(3), false}, {ep.trough, 50, down, "MM", dumper(4)}});
  tape.quiet(symbol, m + 5, m + 5 + ep.tail_bars, ep.trough + 0.5);
}

std::vector<Event> episode_tape(Universe& universe, const Episode& ep = {}) {
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  add_episode(tape, "PUMPY", 20, 100, ep);
  return tape.events();
}

}  // namespace

TEST(PumpAndDump, RegisteredWithDocumentedDefaults) {
  const RuleInfo* info = find_rule("pump_and_dump");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(spec("bar_interval").default_text, "1m");
  EXPECT_EQ(spec("min_rise").default_text, "0.03");
  EXPECT_EQ(spec("max_pump_bars").default_text, "5");
  EXPECT_EQ(spec("volume_ratio").default_text, "3");
  EXPECT_EQ(spec("baseline_bars").default_text, "60");
  EXPECT_EQ(spec("min_baseline_bars").default_text, "10");
  EXPECT_EQ(spec("min_buy_share").default_text, "0.6");
  EXPECT_EQ(spec("dump_window").default_text, "30m");
  EXPECT_EQ(spec("min_giveback").default_text, "0.5");
  EXPECT_EQ(spec("min_sell_share").default_text, "0.6");
  EXPECT_EQ(spec("min_group_share").default_text, "0.4");
}

TEST(PumpAndDump, CleanPumpAndDumpGivesOneAlertWithItsMetrics) {
  Universe universe;
  auto alerts = run(default_rule_config(), universe, episode_tape(universe));
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(a.rule, "pump_and_dump");
  EXPECT_EQ(a.symbol, "PUMPY");
  EXPECT_EQ(a.start, kT0 + Duration::minutes(20));  // the low: first pump trade at 100
  EXPECT_EQ(a.end, kT0 + Duration::minutes(24));    // the trough: first trade at 102
  EXPECT_EQ(metric_text(a, "pump_start"), "2025-01-06T12:20:00Z");
  EXPECT_EQ(metric_text(a, "peak_time"), "2025-01-06T12:22:00Z");
  EXPECT_EQ(metric_text(a, "trough_time"), "2025-01-06T12:24:00Z");
  EXPECT_DOUBLE_EQ(metric(a, "start_price"), 100);
  EXPECT_DOUBLE_EQ(metric(a, "peak_price"), 106);
  EXPECT_DOUBLE_EQ(metric(a, "trough_price"), 102);
  EXPECT_NEAR(metric(a, "rise_pct"), 6.0, 1e-9);
  EXPECT_NEAR(metric(a, "fall_pct"), 400.0 / 106, 1e-9);
  EXPECT_NEAR(metric(a, "giveback"), 4.0 / 6, 1e-9);
  EXPECT_DOUBLE_EQ(metric(a, "baseline_volume"), 40);
  EXPECT_EQ(metric(a, "baseline_bars"), 20);
  // Pump: 160 + 160 + the 100 peak trade over 3 traded bars; dump: 150 + the 50 trough trade.
  EXPECT_DOUBLE_EQ(metric(a, "pump_volume"), 420);
  EXPECT_DOUBLE_EQ(metric(a, "pump_buy_volume"), 420);
  EXPECT_DOUBLE_EQ(metric(a, "pump_sell_volume"), 0);
  EXPECT_NEAR(metric(a, "pump_volume_ratio"), 3.5, 1e-9);
  EXPECT_DOUBLE_EQ(metric(a, "dump_volume"), 200);
  EXPECT_DOUBLE_EQ(metric(a, "dump_sell_volume"), 200);
  EXPECT_NEAR(metric(a, "dump_volume_ratio"), 2.5, 1e-9);
  EXPECT_DOUBLE_EQ(metric(a, "pump_buy_share"), 1);
  EXPECT_DOUBLE_EQ(metric(a, "dump_sell_share"), 1);
  EXPECT_EQ(metric(a, "pump_bars"), 3);
  EXPECT_EQ(metric(a, "dump_bars"), 3);
  EXPECT_EQ(a.severity, Severity::kHigh);  // rise = 2 x min_rise, giveback under 0.8
  EXPECT_GT(a.score, 50);
  EXPECT_LE(a.score, 100);
  EXPECT_EQ(a.accounts, std::vector<std::string>{"PUMPER"});
  EXPECT_EQ(a.why,
            "PUMPY rose 6.0% in 2 min on 3.5x normal volume (100% buys), then gave back 67% of "
            "the rise within 2 min on 100% sells");
  // Low (seq 81), peak (87), trough (no id: its line), then the largest pump buy and dump sell
  // not already listed.
  std::vector<std::string> expected{"trade:1081", "trade:1087", "trade:line:91", "trade:1085",
                                    "trade:1088"};
  EXPECT_EQ(a.evidence, expected);
  EXPECT_EQ(a.evidence_total, expected.size());
}

// A pump bar with more trades carrying accounts than a bar's account log holds: the log is
// folded while the bar is open, and again when the bar is read, and no trade is lost.
TEST(PumpAndDump, AccountsOfABarLongerThanItsLogAreCounted) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  add_episode(tape, "PUMPY", 20, 100, Episode{});
  // 1,700 small buys (0.01 each) in the second pump bar, between its two prints and at the
  // first one's price: 1,100 by W1, then 400 by W2, then 200 by W3. Losing the log's first
  // 1,024 entries would put W2 before W1.
  const Timestamp bar = kT0 + Duration::minutes(21);
  const double price = 100 + 4 * (106.0 - 100) / 6;
  for (int i = 0; i < 1700; ++i) {
    const char* buyer = i < 1100 ? "W1" : i < 1500 ? "W2" : "W3";
    tape.add("PUMPY", bar + Duration::micros(2500 * (i + 1)),
             {price, 0.01, Side::kBuy, buyer, "MM"});
  }
  auto alerts = run(default_rule_config(), universe, tape.events());
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_NEAR(metric(a, "pump_volume"), 437, 1e-9);
  // The pump's top three buyers (PUMPER 420, W1 11, W2 4), then the dump's seller PUMPER.
  EXPECT_EQ(a.accounts, (std::vector<std::string>{"PUMPER", "W1", "W2"}));
}

// The per-bar account totals are reused from bar to bar: accounts already counted in a bar
// before (here PUMPER, on both sides, in quiet bars busy enough to fold their account logs)
// must be counted afresh in the episode's bars.
TEST(PumpAndDump, AccountsOfEarlierBarsAreCountedAgain) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  for (int m = 12; m < 20; ++m) {
    const Timestamp bar = kT0 + Duration::minutes(m);
    for (int i = 0; i < 1100; ++i) {
      const char* who = i % 2 == 0 ? "A" : "PUMPER";
      tape.add("PUMPY", bar + Duration::micros(50 * (i + 1)),
               {100, 0.0001, Side::kBuy, who, i % 2 == 0 ? "B" : "PUMPER"});
    }
  }
  add_episode(tape, "PUMPY", 20, 100, Episode{});
  auto alerts = run(default_rule_config(), universe, tape.events());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].accounts, std::vector<std::string>{"PUMPER"});
}

TEST(PumpAndDump, RiseJustUnderMinRiseIsIgnored) {
  Universe universe;
  Episode ep;
  ep.peak = 102.99;  // 2.99% against min_rise 3%
  ep.trough = 101;
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
  ep.peak = 103.01;
  EXPECT_EQ(run(default_rule_config(), universe, episode_tape(universe, ep)).size(), 1u);
}

// The volume alone (min_group_share 0: the pump's buyer dumping is GroupPumpShortOfTheVolume).
TEST(PumpAndDump, VolumeJustUnderTheRatioIsIgnored) {
  // The first pump bar alone already rises 3%: its 4 trades must beat 3 x 40 = 120.
  Universe universe;
  RuleConfig config = default_rule_config();
  set(config.values, "min_group_share", "0");
  Episode ep;
  ep.pump_qty = 29.75;  // bars of 119, 119, 74.4: a mean under 120 at every candidate peak
  EXPECT_TRUE(run(config, universe, episode_tape(universe, ep)).empty());
  ep.pump_qty = 30.25;  // first bar 121
  EXPECT_EQ(run(config, universe, episode_tape(universe, ep)).size(), 1u);
}

// A pump at twice the baseline volume: under volume_ratio, but three accounts buy all of it and
// then make all the dump's selling. Their group is the evidence the volume is not.
TEST(PumpAndDump, GroupPumpShortOfTheVolume) {
  Universe universe;
  Episode ep;
  ep.pump_qty = 20;
  ep.pumpers = {"RING1", "RING2", "RING3"};
  ep.dumpers = {"RING2", "RING3", "RING1"};
  auto alerts = run(default_rule_config(), universe, episode_tape(universe, ep));
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_NEAR(metric(a, "pump_volume_ratio"), 1.75, 1e-9);
  EXPECT_TRUE(metric_flag(a, "by_group"));
  EXPECT_EQ(metric(a, "group_accounts"), 3);
  EXPECT_DOUBLE_EQ(metric(a, "group_buy_share"), 1);
  EXPECT_DOUBLE_EQ(metric(a, "group_sell_share"), 1);
  EXPECT_NE(a.why.find("; 3 accounts bought 100% of the pump's volume and sold 100% of the "
                       "dump's"),
            std::string::npos)
      << a.why;
  RuleConfig volume_alone = default_rule_config();
  set(volume_alone.values, "min_group_share", "0");
  EXPECT_TRUE(run(volume_alone, universe, episode_tape(universe, ep)).empty());
}

// The group's own buying must be as large a bar as the whole symbol usually trades: a pump of
// a handful of small trades is "mostly" its few buyers' by default.
TEST(PumpAndDump, GroupPumpNeedsTheGroupsOwnVolume) {
  Universe universe;
  Episode ep;
  ep.pump_qty = 6;  // 24, 24 and 15 a bar against a baseline of 40
  ep.pumpers = {"RING1", "RING2", "RING3"};
  ep.dumpers = ep.pumpers;
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
  ep.pump_qty = 14;  // 56, 56 and 35: 49 a bar
  EXPECT_EQ(run(default_rule_config(), universe, episode_tape(universe, ep)).size(), 1u);
}

// The same pump, dumped by others: its buyers did not sell, so it is no group pump.
TEST(PumpAndDump, GroupPumpNeedsTheGroupToDump) {
  Universe universe;
  Episode ep;
  ep.pump_qty = 20;
  ep.pumpers = {"RING1", "RING2", "RING3"};
  ep.dumpers = {"OTHER1", "OTHER2"};
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
}

TEST(PumpAndDump, SellDominatedRiseIsIgnored) {
  Universe universe;
  Episode ep;
  ep.pump_side = Side::kSell;
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
}

TEST(PumpAndDump, BuyDominatedDumpIsIgnored) {
  Universe universe;
  Episode ep;
  ep.dump_side = Side::kBuy;
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
}

TEST(PumpAndDump, RiseWithoutDumpIsIgnored) {
  Universe universe;
  Episode ep;
  ep.dump = false;
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
}

TEST(PumpAndDump, DumpJustUnderTheGivebackIsIgnored) {
  Universe universe;
  Episode ep;
  ep.trough = 103.06;  // gives back 2.94 of 6 = 49%
  EXPECT_TRUE(run(default_rule_config(), universe, episode_tape(universe, ep)).empty());
  ep.trough = 102.94;  // 51%
  EXPECT_EQ(run(default_rule_config(), universe, episode_tape(universe, ep)).size(), 1u);
}

TEST(PumpAndDump, DumpAfterTheWindowIsIgnored) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  Episode ep;
  ep.dump = false;
  add_episode(tape, "PUMPY", 20, 100, ep);  // holds at 106 until minute 60
  tape.bar("PUMPY", 60, {{102, 500, Side::kSell}, {101, 500, Side::kSell}});
  auto events = tape.events();
  EXPECT_TRUE(run(default_rule_config(), universe, events).empty());
  RuleConfig long_window = default_rule_config();
  set(long_window.values, "dump_window", "1h");
  EXPECT_EQ(run(long_window, universe, events).size(), 1u);
}

TEST(PumpAndDump, TwoDumpsAfterOnePumpGiveOneAlert) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  Episode ep;
  ep.tail_bars = 1;
  add_episode(tape, "PUMPY", 20, 100, ep);           // dump 1 to 102, one quiet bar at 102.5
  tape.bar("PUMPY", 26, {{104.5, 60, Side::kBuy}});  // partial rebound
  tape.bar("PUMPY", 27, {{103, 60, Side::kSell}, {101, 60, Side::kSell}});  // dump 2
  tape.bar("PUMPY", 28, {{100.5, 60, Side::kSell}});
  tape.quiet("PUMPY", 29, 60, 100.5);
  auto alerts = run(default_rule_config(), universe, tape.events());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].end, kT0 + Duration::minutes(24));
}

TEST(PumpAndDump, TwoSeparateEpisodesGiveTwoAlerts) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  add_episode(tape, "PUMPY", 20, 100, Episode{});  // ends quiet at 102.5 until minute 60
  Episode second;
  second.peak = 102.5 * 1.07;
  second.trough = 102.5 * 1.02;
  add_episode(tape, "PUMPY", 60, 102.5, second);
  auto alerts = run(default_rule_config(), universe, tape.events());
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].start, kT0 + Duration::minutes(20));
  EXPECT_EQ(alerts[1].start, kT0 + Duration::minutes(60));
  EXPECT_NE(alerts[0].id, alerts[1].id);
}

TEST(PumpAndDump, QuietStartWithoutBaselineIsIgnored) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 5, 100);  // 5 traded bars, under min_baseline_bars = 10
  add_episode(tape, "PUMPY", 5, 100, Episode{});
  auto events = tape.events();
  EXPECT_TRUE(run(default_rule_config(), universe, events).empty());
  RuleConfig short_baseline = default_rule_config();
  set(short_baseline.values, "min_baseline_bars", "5");
  EXPECT_EQ(run(short_baseline, universe, events).size(), 1u);
}

TEST(PumpAndDump, GapsAreNotZeroVolumeBars) {
  // Ten traded bars spread over 50 minutes: a median over all slots would be 0.
  Universe universe;
  Tape tape(universe);
  for (int m = 0; m < 50; m += 5) tape.quiet("PUMPY", m, m + 1, 100);
  add_episode(tape, "PUMPY", 50, 100, Episode{});
  auto alerts = run(default_rule_config(), universe, tape.events());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(metric(alerts[0], "baseline_volume"), 40);
  EXPECT_EQ(metric(alerts[0], "baseline_bars"), 10);
}

TEST(PumpAndDump, PerSymbolOverrideOfMinRise) {
  Universe universe;
  Tape tape(universe);
  Episode small;
  small.peak = 102;  // a 2% pump, under the default 3%
  small.trough = 100.5;
  for (const char* symbol : {"PLAIN", "TUNED"}) {
    tape.quiet(symbol, 0, 20, 100);
    add_episode(tape, symbol, 20, 100, small);
  }
  RuleConfig config = default_rule_config();
  ParamValues tuned = config.values;
  set(tuned, "min_rise", "0.015");
  config.per_symbol["TUNED"] = tuned;
  auto alerts = run(config, universe, tape.events());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].symbol, "TUNED");
}

TEST(PumpAndDump, InconsistentBaselineSettingsAreRejected) {
  Universe universe;
  AlertCollector sink;
  RuleConfig config = default_rule_config();
  set(config.values, "min_baseline_bars", "61");
  EXPECT_THROW(rule().make(DetectorContext{universe, config, sink}), ConfigError);
}

TEST(PumpAndDump, IdsAreStableAndStreamingMatchesBatch) {
  Universe universe;
  Tape tape(universe);
  tape.quiet("PUMPY", 0, 20, 100);
  add_episode(tape, "PUMPY", 20, 100, Episode{});
  Episode second;
  second.peak = 102.5 * 1.1;
  second.trough = 102.5 * 1.01;
  add_episode(tape, "PUMPY", 60, 102.5, second);
  auto events = tape.events();
  auto batch = run(default_rule_config(), universe, events);
  auto again = run(default_rule_config(), universe, events);
  auto streamed = run(default_rule_config(), universe, events, /*streaming=*/true);
  ASSERT_EQ(batch.size(), 2u);
  ASSERT_EQ(again.size(), batch.size());
  ASSERT_EQ(streamed.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    for (const auto* other : {&again[i], &streamed[i]}) {
      EXPECT_EQ(other->id, batch[i].id);
      EXPECT_EQ(other->start, batch[i].start);
      EXPECT_EQ(other->end, batch[i].end);
      EXPECT_EQ(other->severity, batch[i].severity);
      EXPECT_EQ(other->score, batch[i].score);
      EXPECT_EQ(other->metrics_json, batch[i].metrics_json);
      EXPECT_EQ(other->why, batch[i].why);
      EXPECT_EQ(other->evidence, batch[i].evidence);
      EXPECT_EQ(other->accounts, batch[i].accounts);
    }
  }
  EXPECT_EQ(batch[0].id, make_alert_id("pump_and_dump", "PUMPY", batch[0].start, batch[0].end,
                                       "1081/1087/line:91"));
  EXPECT_EQ(batch[1].severity, Severity::kCritical);  // 10% rise, 90% given back
}

namespace {

struct SeedFile {
  std::vector<Event> events;
  // The instants at which the generator injected a pump burst, per symbol.
  std::vector<std::pair<std::string, Timestamp>> pumps;
};

// The events through the real CSV reader; the injected bursts from the event_type column.
SeedFile read_seed(const std::string& path, Universe& universe) {
  SeedFile seed;
  seed.events = tw::testing::load_events(path, universe);
  std::vector<std::string> types = tw::testing::csv_column(path, "event_type");
  for (size_t i = 0; i < seed.events.size(); ++i) {
    const Event& e = seed.events[i];
    if (types.at(i) == "PUMP" && (seed.pumps.empty() || seed.pumps.back().second != e.ts)) {
      seed.pumps.emplace_back(std::string(universe.symbol_name(e.symbol)), e.ts);
    }
  }
  return seed;
}

}  // namespace

TEST(PumpAndDump, Seed1SyntheticEpisodes) {
  std::string path = tw::testing::shared_file("seed1/trades_sample.csv");
  if (path.empty()) GTEST_SKIP() << "../shared/data/seed1 not found";
  Universe universe;
  SeedFile seed = read_seed(path, universe);
  ASSERT_EQ(seed.events.size(), 5000u);

  // The file spans under 3 minutes and each injected episode is one instant: 20 buys above the
  // generator's fixed base price, then 15 sells below it. So: one-second bars, a 30-bar
  // baseline, a 10 s dump window, and min_rise 0.05% (a BTC burst moves the price under 0.1%).
  // The burst's buys are in random price order, so the buys after its highest print fall in
  // the dump phase: min_sell_share 0.5.
  RuleConfig config = default_rule_config();
  set(config.values, "bar_interval", "1s");
  set(config.values, "max_pump_bars", "3");
  set(config.values, "baseline_bars", "30");
  set(config.values, "dump_window", "10s");
  set(config.values, "min_rise", "0.0005");
  set(config.values, "min_sell_share", "0.5");
  auto alerts = run(config, universe, seed.events);

  auto covers = [](const Alert& a, const std::pair<std::string, Timestamp>& pump) {
    return pump.first == a.symbol && pump.second >= a.start && pump.second <= a.end;
  };
  std::map<std::string, int> per_symbol;
  for (const Alert& a : alerts) {
    ++per_symbol[a.symbol];
    EXPECT_TRUE(std::any_of(seed.pumps.begin(), seed.pumps.end(),
                            [&](const auto& pump) { return covers(a, pump); }))
        << "alert on no injected pump: " << a.why;
  }
  size_t found = std::count_if(seed.pumps.begin(), seed.pumps.end(), [&](const auto& pump) {
    return std::any_of(alerts.begin(), alerts.end(),
                       [&](const Alert& a) { return covers(a, pump); });
  });
  std::printf("seed1: %zu alerts (BTC %d, ETH %d, SOL %d) cover %zu of %zu injected pumps\n",
              alerts.size(), per_symbol["BTCUSDT"], per_symbol["ETHUSDT"], per_symbol["SOLUSDT"],
              found, seed.pumps.size());
  for (const char* symbol : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) EXPECT_GT(per_symbol[symbol], 0);
  EXPECT_GE(found * 4, seed.pumps.size());  // at least a quarter of the injected episodes

  auto streamed = run(config, universe, seed.events, /*streaming=*/true);
  auto ids = [](const std::vector<Alert>& list) {
    std::vector<std::string> out;
    for (const Alert& a : list) out.push_back(a.id);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(streamed), ids(alerts));
}
