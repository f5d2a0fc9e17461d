// Scoring rules against ground truth: label parsing, alert-episode matching, scores, confusion.
#include <gtest/gtest.h>

#include "eval/combined.hpp"
#include "eval/eval_report.hpp"
#include "eval/labels.hpp"
#include "eval/matching.hpp"
#include "eval/scoring.hpp"
#include "eval/stored_alerts.hpp"
#include "store/alert_store.hpp"
#include "store_test_util.hpp"
#include "temp_dir.hpp"

using namespace tw;
using namespace tw::eval;
using tw::testing::at;

namespace {

Episode episode(std::string rule, std::string kind, std::string symbol, int64_t start_s,
                int64_t end_s, std::vector<std::string> accounts) {
  Episode e;
  e.rule = std::move(rule);
  e.kind = std::move(kind);
  e.symbol = std::move(symbol);
  e.start = at(start_s);
  e.end = at(end_s);
  e.accounts = std::move(accounts);
  return e;
}

Alert alert(std::string rule, std::string symbol, int64_t start_s, int64_t end_s,
            std::vector<std::string> accounts) {
  Alert a;
  a.rule = std::move(rule);
  a.symbol = std::move(symbol);
  a.start = at(start_s);
  a.end = at(end_s);
  a.accounts = std::move(accounts);
  a.id = make_alert_id(a.rule, a.symbol, a.start, a.end, "k");
  return a;
}

using Owners = std::vector<std::pair<std::string, std::string>>;

bool matches(const Alert& a, const Episode& e, Duration slack = {}, const Owners& owners = {}) {
  EpisodeMatcher matcher(owners, slack);
  return matcher.matches(a, e);
}

const Episode kWash = episode("wash.round_trip", "round_trip", "BTC", 10, 20, {"A"});

}  // namespace

TEST(EvalMatch, SymbolMustBeEqual) {
  EXPECT_TRUE(matches(alert("wash.round_trip", "BTC", 12, 15, {"A"}), kWash));
  EXPECT_FALSE(matches(alert("wash.round_trip", "ETH", 12, 15, {"A"}), kWash));
}

TEST(EvalMatch, WindowsMustOverlapAndTouchingCounts) {
  EXPECT_TRUE(matches(alert("r", "BTC", 0, 10, {}), kWash));   // ends as the episode starts
  EXPECT_TRUE(matches(alert("r", "BTC", 20, 30, {}), kWash));  // starts as it ends
  EXPECT_TRUE(matches(alert("r", "BTC", 0, 40, {}), kWash));   // covers it
  EXPECT_TRUE(matches(alert("r", "BTC", 15, 15, {}), kWash));  // an instant inside
  EXPECT_FALSE(matches(alert("r", "BTC", 0, 9, {}), kWash));
  EXPECT_FALSE(matches(alert("r", "BTC", 21, 30, {}), kWash));
}

TEST(EvalMatch, SlackWidensTheOverlapOnBothSides) {
  Alert before = alert("r", "BTC", 0, 8, {});
  Alert after = alert("r", "BTC", 22, 30, {});
  EXPECT_FALSE(matches(before, kWash));
  EXPECT_FALSE(matches(before, kWash, Duration::millis(1999)));
  EXPECT_TRUE(matches(before, kWash, Duration::seconds(2)));
  EXPECT_FALSE(matches(after, kWash, Duration::millis(1999)));
  EXPECT_TRUE(matches(after, kWash, Duration::seconds(2)));
}

TEST(EvalMatch, AccountsMustShareOneWhenBothNameThem) {
  EXPECT_TRUE(matches(alert("r", "BTC", 12, 15, {"B", "A"}), kWash));
  EXPECT_FALSE(matches(alert("r", "BTC", 12, 15, {"B", "C"}), kWash));
}

TEST(EvalMatch, AccountsOfOneBeneficialOwnerMatch) {
  Alert other_account = alert("r", "BTC", 12, 15, {"B"});
  EXPECT_FALSE(matches(other_account, kWash));
  EXPECT_TRUE(matches(other_account, kWash, {}, {{"A", "O1"}, {"B", "O1"}}));
  EXPECT_FALSE(matches(other_account, kWash, {}, {{"A", "O1"}, {"B", "O2"}}));
  EXPECT_FALSE(matches(other_account, kWash, {}, {{"A", "O1"}}));
}

TEST(EvalMatch, ASideWithoutAccountsCannotDisagree) {
  EXPECT_TRUE(matches(alert("r", "BTC", 12, 15, {}), kWash));
  Episode nobody = episode("spoofing", "spoofing", "BTC", 10, 20, {});
  EXPECT_TRUE(matches(alert("r", "BTC", 12, 15, {"Z"}), nobody));
}

namespace {

// Three round-trip episodes (one missed), one self-trade (missed), pump-and-dump alerts with
// no episode of their own.
struct Scenario {
  std::vector<Episode> episodes{
      episode("wash.round_trip", "round_trip", "X", 0, 5, {"A"}),
      episode("wash.round_trip", "round_trip", "X", 100, 105, {"B"}),
      episode("wash.round_trip", "round_trip", "Y", 200, 201, {"C"}),
      episode("wash.round_trip", "self_trade", "X", 300, 300, {"D"}),
  };
  std::vector<Alert> alerts{
      alert("wash.round_trip", "X", 0, 7, {"A"}),      // 1st episode, 7 s after its start
      alert("wash.round_trip", "X", 100, 110, {"B"}),  // 2nd, 10 s
      alert("wash.round_trip", "X", 101, 103, {"B"}),  // 2nd again, earlier: 3 s
      alert("wash.round_trip", "X", 500, 510, {"A"}),  // nothing
      alert("wash.round_trip", "X", 300, 300, {"E"}),  // the self-trade's time, other owner
      alert("pump_and_dump", "X", 0, 150, {}),         // over the first two
  };
};

const RuleScore& rule_score(const Evaluation& e, const std::string& rule) {
  for (const RuleScore& s : e.rules) {
    if (s.rule == rule) return s;
  }
  throw std::runtime_error("no score for " + rule);
}

}  // namespace

TEST(EvalScore, CountsHitsMissesAndFalseAlarms) {
  Scenario s;
  Evaluation e = evaluate(s.episodes, s.alerts, {});
  const RuleScore& wash = rule_score(e, "wash.round_trip");
  EXPECT_EQ(wash.episodes, 4u);
  EXPECT_EQ(wash.true_positives, 2u);
  EXPECT_EQ(wash.false_negatives, 2u);
  EXPECT_EQ(wash.alerts, 5u);
  EXPECT_EQ(wash.matching_alerts, 3u);
  EXPECT_EQ(wash.false_positives, 2u);
  EXPECT_DOUBLE_EQ(*wash.precision, 3.0 / 5);
  EXPECT_DOUBLE_EQ(*wash.recall, 2.0 / 4);
  EXPECT_DOUBLE_EQ(*wash.f1, 2 * 0.6 * 0.5 / 1.1);
}

// An alert on an episode that names its rule under "also" is right, but the episode is not
// one its rule must find.
TEST(EvalScore, AnAlertOfARuleTheEpisodeAlsoNamesIsRight) {
  std::vector<Episode> episodes{episode("wash.volume_anomaly", "wash_volume", "X", 0, 60, {"A"})};
  std::vector<Alert> alerts{alert("wash.round_trip", "X", 10, 11, {"A"}),
                            alert("wash.volume_anomaly", "X", 0, 60, {"A"})};
  const RuleScore before = rule_score(evaluate(episodes, alerts, {}), "wash.round_trip");
  EXPECT_EQ(before.false_positives, 1u);
  episodes[0].also = {"wash.round_trip"};
  const Evaluation e = evaluate(episodes, alerts, {});
  const RuleScore& wash = rule_score(e, "wash.round_trip");
  EXPECT_EQ(wash.alerts, 1u);
  EXPECT_EQ(wash.matching_alerts, 1u);
  EXPECT_EQ(wash.false_positives, 0u);
  EXPECT_EQ(wash.episodes, 0u);
  EXPECT_FALSE(wash.recall.has_value());
  const RuleScore& volume = rule_score(e, "wash.volume_anomaly");
  EXPECT_EQ(volume.true_positives, 1u);
  EXPECT_EQ(volume.matching_alerts, 1u);
}

TEST(EvalScore, OwnersTurnAnAlertIntoAHit) {
  Scenario s;
  Evaluation e = evaluate(s.episodes, s.alerts, {Duration(), {{"D", "O"}, {"E", "O"}}, {}, {}});
  const RuleScore& wash = rule_score(e, "wash.round_trip");
  EXPECT_EQ(wash.true_positives, 3u);
  EXPECT_EQ(wash.false_positives, 1u);
}

TEST(EvalScore, ARuleWithoutEpisodesHasNoRecallAndARuleWithoutAlertsNoPrecision) {
  Scenario s;
  Evaluation e = evaluate(s.episodes, s.alerts, {});
  const RuleScore& pump = rule_score(e, "pump_and_dump");
  EXPECT_EQ(pump.episodes, 0u);
  EXPECT_EQ(pump.alerts, 1u);
  EXPECT_EQ(pump.false_positives, 1u);
  EXPECT_DOUBLE_EQ(*pump.precision, 0);
  EXPECT_FALSE(pump.recall);
  EXPECT_FALSE(pump.f1);
  EXPECT_FALSE(pump.median_delay);

  std::vector<Alert> none;
  const Evaluation without_alerts = evaluate(s.episodes, none, {});
  const RuleScore& silent = rule_score(without_alerts, "wash.round_trip");
  EXPECT_FALSE(silent.precision);
  EXPECT_DOUBLE_EQ(*silent.recall, 0);
  EXPECT_FALSE(silent.f1);
}

TEST(EvalScore, DelayIsTheEarliestMatchingAlertsEndAfterTheEpisodeStart) {
  Scenario s;
  const Evaluation e = evaluate(s.episodes, s.alerts, {});
  const RuleScore& wash = rule_score(e, "wash.round_trip");
  // Delays 7 s and 3 s (the second episode's earlier alert): median 5 s, p95 3 + 0.95 * 4 s.
  EXPECT_EQ(*wash.median_delay, Duration::seconds(5));
  EXPECT_EQ(*wash.p95_delay, Duration::millis(6800));
}

TEST(EvalScore, QuantilesInterpolateBetweenRanks) {
  std::vector<Duration> one{Duration::seconds(4)};
  EXPECT_EQ(quantile(one, 0.95), Duration::seconds(4));
  std::vector<Duration> twenty;
  for (int64_t i = 20; i >= 1; --i) twenty.push_back(Duration::seconds(i));
  EXPECT_EQ(quantile(twenty, 0.5), Duration::millis(10500));
  EXPECT_EQ(quantile(twenty, 0.95), Duration::millis(19050));
  EXPECT_EQ(quantile(twenty, 1.0), Duration::seconds(20));
}

TEST(EvalScore, AlertsPerMillionEventsWhenTheEventsAreKnown) {
  Scenario s;
  EXPECT_FALSE(
      rule_score(evaluate(s.episodes, s.alerts, {}), "wash.round_trip").alerts_per_million_events);
  EvalOptions options;
  options.events = 2'000'000;
  EXPECT_DOUBLE_EQ(*rule_score(evaluate(s.episodes, s.alerts, options), "wash.round_trip")
                        .alerts_per_million_events,
                   2.5);
}

TEST(EvalScore, OnlyTheChosenRules) {
  Scenario s;
  EvalOptions options;
  options.only_rules = {"pump_and_dump"};
  Evaluation e = evaluate(s.episodes, s.alerts, options);
  ASSERT_EQ(e.rules.size(), 1u);
  EXPECT_EQ(e.rules[0].rule, "pump_and_dump");
  EXPECT_EQ(e.episodes, 0u);
  EXPECT_EQ(e.alerts, 1u);
}

TEST(EvalConfusion, EachKindAndTheRulesThatFiredOnIt) {
  Scenario s;
  Confusion c = evaluate(s.episodes, s.alerts, {}).confusion;
  ASSERT_EQ(c.rules, (std::vector<std::string>{"wash.round_trip", "pump_and_dump"}));
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].kind, "round_trip");
  EXPECT_EQ(c.rows[0].episodes, 3u);
  EXPECT_EQ(c.rows[0].fired, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(c.rows[0].none, 1u);  // the one on Y
  EXPECT_EQ(c.rows[1].kind, "self_trade");
  EXPECT_EQ(c.rows[1].episodes, 1u);
  EXPECT_EQ(c.rows[1].fired, (std::vector<uint64_t>{0, 0}));
  EXPECT_EQ(c.rows[1].none, 1u);
}

TEST(EvalReport, JsonCarriesTheFigures) {
  Scenario s;
  std::string json = evaluation_json(evaluate(s.episodes, s.alerts, {}));
  EXPECT_NE(json.find(R"("rule":"wash.round_trip","episodes":4,"true_positives":2)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("median_delay_seconds":5,"p95_delay_seconds":6.8)"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("recall":null)"), std::string::npos) << json;  // pump_and_dump
  EXPECT_NE(json.find(R"("fired":{"wash.round_trip":2,"pump_and_dump":2},"none":1)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("events":null)"), std::string::npos) << json;
}

namespace {

const char* kGoodLine =
    R"({"episode":1,"rule":"wash.round_trip","kind":"round_trip","symbol":"BTCUSDT",)"
    R"("accounts":["T0476"],"start":"2025-01-06T12:10:16.248450Z",)"
    R"("end":"2025-01-06T12:10:19.394974Z","rows":2,"price":41999.05})";

std::string label_error(const std::string& text) {
  try {
    parse_labels(text, "labels.jsonl");
  } catch (const LabelError& e) {
    return e.what();
  }
  return "no error";
}

std::string with(std::string line, const std::string& from, const std::string& to) {
  line.replace(line.find(from), from.size(), to);
  return line;
}

}  // namespace

TEST(EvalLabels, ReadsTheFieldsAndSkipsBlankLines) {
  std::string no_accounts =
      with(with(kGoodLine, "[\"T0476\"]", "[]"), "\"episode\":1", "\"episode\":7");
  auto episodes = parse_labels(std::string(kGoodLine) + "\n\n" + no_accounts + "\n", "x");
  ASSERT_EQ(episodes.size(), 2u);
  const Episode& e = episodes[0];
  EXPECT_EQ(e.id, 1u);
  EXPECT_EQ(e.rule, "wash.round_trip");
  EXPECT_EQ(e.kind, "round_trip");
  EXPECT_EQ(e.symbol, "BTCUSDT");
  EXPECT_EQ(e.accounts, std::vector<std::string>{"T0476"});
  EXPECT_EQ(e.start, *Timestamp::parse_iso8601("2025-01-06T12:10:16.248450Z"));
  EXPECT_EQ(e.end, *Timestamp::parse_iso8601("2025-01-06T12:10:19.394974Z"));
  EXPECT_EQ(episodes[1].id, 7u);
  EXPECT_TRUE(episodes[1].accounts.empty());
  EXPECT_TRUE(e.also.empty());

  auto also =
      parse_labels(with(kGoodLine, "\"accounts\"", "\"also\":[\"a.b\",\"c\"],\"accounts\""), "x");
  ASSERT_EQ(also.size(), 1u);
  EXPECT_EQ(also[0].also, (std::vector<std::string>{"a.b", "c"}));
}

TEST(EvalLabels, BadJsonNamesTheFileAndLine) {
  std::string message = label_error(std::string(kGoodLine) + "\n\n{\"episode\":2,\n");
  EXPECT_NE(message.find("labels.jsonl:3: not a JSON object"), std::string::npos) << message;
}

TEST(EvalLabels, AMissingFieldIsNamed) {
  std::string line = with(kGoodLine, R"("symbol":"BTCUSDT",)", "");
  std::string message = label_error(std::string(kGoodLine) + "\n" + line);
  EXPECT_NE(message.find("labels.jsonl:2: field 'symbol': missing"), std::string::npos) << message;
}

TEST(EvalLabels, ABadTimeIsNamedWithItsText) {
  std::string message = label_error(with(kGoodLine, "2025-01-06T12:10:16", "2025-13-06T12:10:16"));
  EXPECT_NE(message.find("labels.jsonl:1: field 'start': '2025-13-06T12:10:16.248450Z' is not"),
            std::string::npos)
      << message;
}

TEST(EvalLabels, WrongTypesAndAnEndBeforeTheStartAreNamed) {
  EXPECT_NE(label_error(with(kGoodLine, "[\"T0476\"]", "\"T0476\"")).find("field 'accounts'"),
            std::string::npos);
  EXPECT_NE(label_error(with(kGoodLine, "[\"T0476\"]", "[7]")).find("field 'accounts'"),
            std::string::npos);
  EXPECT_NE(
      label_error(with(kGoodLine, "\"episode\":1", "\"episode\":\"1\"")).find("field 'episode'"),
      std::string::npos);
  EXPECT_NE(label_error(with(kGoodLine, "\"rule\":\"wash.round_trip\"", "\"rule\":3"))
                .find("field 'rule': expected a string"),
            std::string::npos);
  EXPECT_NE(label_error(with(kGoodLine, "12:10:19", "12:10:15")).find("field 'end': before start"),
            std::string::npos);
  EXPECT_NE(label_error(with(kGoodLine, "\"accounts\"", "\"also\":\"x\",\"accounts\""))
                .find("labels.jsonl:1: field 'also': expected an array of strings"),
            std::string::npos);
}

TEST(EvalLabels, AMissingFileIsNamed) {
  tw::testing::TempDir dir;
  try {
    read_labels(dir.file("nope.jsonl"));
    FAIL() << "no error";
  } catch (const LabelError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("nope.jsonl")), std::string::npos);
  }
}

TEST(EvalStoredAlerts, ReadsTheAlertsAndTheirRunsEvents) {
  tw::testing::TempDir dir;
  auto store = open_store(dir.file("t.db"));
  RunRecord run;
  run.run_id = "run-1";
  run.events = 12345;
  store->begin_run(run);
  store->emit(alert("wash.round_trip", "X", 0, 7, {"A"}));
  store->emit(alert("pump_and_dump", "X", 0, 150, {}));
  store->finish_run(run);

  ScoredAlerts scored = read_scored_alerts(*store, std::nullopt);
  ASSERT_EQ(scored.alerts.size(), 2u);
  EXPECT_EQ(scored.events, 12345u);
  const Alert& wash = scored.alerts[scored.alerts[0].rule == "wash.round_trip" ? 0 : 1];
  EXPECT_EQ(wash.accounts, std::vector<std::string>{"A"});

  RunRecord second;
  second.run_id = "run-2";
  second.events = 99;
  store->begin_run(second);
  store->emit(alert("wash.round_trip", "X", 900, 907, {"A"}));
  store->finish_run(second);
  EXPECT_FALSE(read_scored_alerts(*store, std::nullopt).events);  // two runs: unknown
  ScoredAlerts only_second = read_scored_alerts(*store, std::string("run-2"));
  EXPECT_EQ(only_second.alerts.size(), 1u);
  EXPECT_EQ(only_second.events, 99u);
}

// Runs taken together: counts summed rule by rule and kind by kind, ratios and delays worked out
// again from the sums (not averaged), events summed when every run knows them.
TEST(EvalCombine, SumsTheCountsAndWorksTheRatiosOutAgain) {
  Scenario s;
  EvalOptions with_events;
  with_events.events = 1'000'000;
  Evaluation one = evaluate(s.episodes, s.alerts, with_events);
  // A second run: one wash episode found at once by one alert, and a spoofing false alarm.
  Evaluation two = evaluate(
      {episode("wash.round_trip", "round_trip", "ETH", 100, 110, {"Z"})},
      {alert("wash.round_trip", "ETH", 100, 100, {"Z"}), alert("spoofing", "ETH", 5, 6, {})},
      with_events);
  Evaluation all = combine({one, two});
  const RuleScore& wash = rule_score(all, "wash.round_trip");
  const RuleScore& wash_one = rule_score(one, "wash.round_trip");
  EXPECT_EQ(wash.episodes, wash_one.episodes + 1);
  EXPECT_EQ(wash.true_positives, wash_one.true_positives + 1);
  EXPECT_EQ(wash.alerts, wash_one.alerts + 1);
  EXPECT_EQ(wash.matching_alerts, wash_one.matching_alerts + 1);
  EXPECT_DOUBLE_EQ(*wash.precision, static_cast<double>(wash_one.matching_alerts + 1) /
                                        static_cast<double>(wash_one.alerts + 1));
  EXPECT_DOUBLE_EQ(*wash.recall, static_cast<double>(wash_one.true_positives + 1) /
                                     static_cast<double>(wash_one.episodes + 1));
  EXPECT_EQ(wash.delays.size(), wash_one.delays.size() + 1);
  EXPECT_EQ(*wash.median_delay, [&] {
    std::vector<Duration> d = wash.delays;
    return quantile(d, 0.5);
  }());
  const RuleScore& spoofing = rule_score(all, "spoofing");
  EXPECT_EQ(spoofing.false_positives, 1u);
  EXPECT_FALSE(spoofing.recall.has_value());
  EXPECT_EQ(all.events, 2'000'000u);
  EXPECT_DOUBLE_EQ(*spoofing.alerts_per_million_events, 0.5);
  EXPECT_EQ(all.episodes, one.episodes + 1);
  uint64_t round_trips = 0;
  for (const ConfusionRow& row : all.confusion.rows) {
    if (row.kind == "round_trip") round_trips = row.episodes;
  }
  EXPECT_EQ(round_trips, 4u);
  EXPECT_FALSE(combine({one, evaluate(s.episodes, s.alerts, {})}).events.has_value());
}
