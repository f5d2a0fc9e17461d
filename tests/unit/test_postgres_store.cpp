#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "postgres_test_db.hpp"
#include "store/alert_store.hpp"
#include "store/pg_connection.hpp"
#include "store/postgres_store.hpp"
#include "store_test_util.hpp"

using namespace tw;
using tw::testing::at;
using tw::testing::make_alert;
using tw::testing::PostgresFixture;

namespace {

class PostgresStoreTest : public PostgresFixture {};

std::vector<StoredAlert> read_all(AlertStore& store, const AlertQuery& q = {}) {
  std::vector<StoredAlert> rows;
  store.for_each_alert(q, [&](const StoredAlert& row) { rows.push_back(row); });
  return rows;
}

RunRecord run_named(std::string id) {
  RunRecord run;
  run.run_id = std::move(id);
  run.inputs = {"trades.csv", "tab\there \"quoted\"\\.csv"};
  run.config_hash = "abc123";
  run.config_toml = "[rules]\nx = 1\n";
  return run;
}

Bar make_bar(int64_t start_seconds, const char* close) {
  Bar b;
  b.start = at(start_seconds);
  b.open = *Price::parse("87648.21");
  b.high = *Price::parse("87700.5");
  b.low = *Price::parse("0.00000001");
  b.close = *Price::parse(close);
  b.volume = *Quantity::parse("3.5");
  b.buy_volume = *Quantity::parse("2.25");
  b.sell_volume = *Quantity::parse("1.25");
  b.value = 306768.735;
  b.trades = 7;
  return b;
}

}  // namespace

TEST(PostgresUrl, MasksThePassword) {
  EXPECT_EQ(pg::mask_password("postgresql://user:secret@host:5432/db"),
            "postgresql://user:***@host:5432/db");
  EXPECT_EQ(pg::mask_password("postgres://user@host/db?password=secret&sslmode=disable"),
            "postgres://user@host/db?password=***&sslmode=disable");
  EXPECT_EQ(pg::mask_password("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(pg::mask_password("postgresql://host/db"), "postgresql://host/db");
}

TEST(PostgresUrl, ConnectFailureNamesTheUrlWithoutThePassword) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  try {
    PostgresStore store("postgresql://someone:hunter2@127.0.0.1:1/nowhere?connect_timeout=2");
    FAIL() << "opened a store with no server";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("postgresql://someone:***@127.0.0.1:1/nowhere"), std::string::npos)
        << message;
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

TEST_F(PostgresStoreTest, MigratesOnceAndRecordsTheVersion) {
  {
    PostgresStore store(db().url());
    EXPECT_EQ(store.schema_version(), PostgresStore::latest_schema_version());
  }
  PostgresStore again(db().url());  // reopening applies nothing twice
  EXPECT_EQ(db().integer("SELECT count(*) FROM schema_migrations"),
            PostgresStore::latest_schema_version());
  EXPECT_EQ(db().integer("SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                         "('alerts', 'runs', 'bars', 'alert_evidence')"),
            4);
}

TEST_F(PostgresStoreTest, ConcurrentOpensMigrateOnce) {
  std::vector<std::thread> openers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    openers.emplace_back([&] {
      try {
        PostgresStore store(db().url());
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : openers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db().integer("SELECT count(*) FROM schema_migrations"),
            PostgresStore::latest_schema_version());
}

TEST_F(PostgresStoreTest, RefusesADatabaseFromANewerBuild) {
  { PostgresStore store(db().url()); }
  db().integer("INSERT INTO schema_migrations VALUES (999, 'x') RETURNING version");
  try {
    PostgresStore store(db().url());
    FAIL() << "opened a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 999"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("newer tapewatch"), std::string::npos) << e.what();
  }
}

TEST_F(PostgresStoreTest, AlertsRoundTripExactly) {
  PostgresStore store(db().url());
  store.begin_run(run_named("run-1"));
  Alert a = make_alert("wash.round_trip", "BTCUSDT", Severity::kHigh, 10);
  a.why = "tab\there, newline\nthere, back\\slash, 'quote' and \"double\"";
  a.score = 0.1 + 0.2;
  store.emit(Alert(a));
  store.emit(make_alert("pump_and_dump", "ETHUSDT", Severity::kCritical, 5));
  auto rows = read_all(store);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].alert.rule, "pump_and_dump");  // ordered by window start
  const StoredAlert& got = rows[1];
  EXPECT_EQ(got.alert.id, a.id);
  EXPECT_EQ(got.alert.why, a.why);
  EXPECT_EQ(got.alert.score, a.score);
  EXPECT_EQ(got.alert.start, a.start);
  EXPECT_EQ(got.alert.end, a.end);
  EXPECT_EQ(got.alert.accounts, a.accounts);
  EXPECT_EQ(got.alert.evidence, a.evidence);
  EXPECT_EQ(got.alert.evidence_total, a.evidence_total);
  EXPECT_EQ(got.alert.metrics_json, a.metrics_json);
  EXPECT_EQ(got.alert.severity, Severity::kHigh);
  EXPECT_EQ(got.run_id, "run-1");
  EXPECT_EQ(got.first_seen_run, "run-1");
  EXPECT_EQ(got.status, AlertStatus::kOpen);
  EXPECT_GT(got.change_seq, 0u);
}

TEST_F(PostgresStoreTest, ReRunKeepsFirstSeenRunAndStatus) {
  PostgresStore store(db().url());
  Alert a = make_alert("spoofing", "BTCUSDT", Severity::kMedium, 0);
  store.begin_run(run_named("run-1"));
  store.emit(Alert(a));
  store.finish_run(run_named("run-1"));
  ASSERT_TRUE(store.set_status(a.id, AlertStatus::kEscalated, "sent on"));
  EXPECT_FALSE(store.set_status("no-such-id", AlertStatus::kDismissed, ""));
  uint64_t after_status = store.last_change_seq();

  store.begin_run(run_named("run-2"));
  a.score = 99;
  store.emit(Alert(a));
  store.emit(Alert(a));  // the same id twice in one batch: the last write wins
  store.finish_run(run_named("run-2"));

  auto got = store.find_alert(a.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->alert.score, 99);
  EXPECT_EQ(got->run_id, "run-2");
  EXPECT_EQ(got->first_seen_run, "run-1");
  EXPECT_EQ(got->status, AlertStatus::kEscalated);
  EXPECT_EQ(got->status_note, "sent on");
  EXPECT_GT(got->change_seq, after_status);
  EXPECT_EQ(store.count_alerts({}), 1u);
  EXPECT_EQ(store.count_alerts({.account = "acct-2"}), 1u);

  store.begin_run(run_named("run-3"));
  a.accounts = {"acct-9"};  // a re-run's accounts replace the earlier ones
  store.emit(Alert(a));
  EXPECT_EQ(store.count_alerts({.account = "acct-2"}), 0u);
  EXPECT_EQ(store.count_alerts({.account = "acct-9"}), 1u);
  EXPECT_EQ(db().integer("SELECT count(*) FROM alert_accounts"), 1);

  std::vector<std::string> changed;
  store.alerts_changed_since(after_status, 0,
                             [&](const StoredAlert& s) { changed.push_back(s.alert.id); });
  EXPECT_EQ(changed, std::vector<std::string>{a.id});
  changed.clear();
  store.alerts_changed_since(store.last_change_seq(), 0,
                             [&](const StoredAlert& s) { changed.push_back(s.alert.id); });
  EXPECT_TRUE(changed.empty());
}

TEST_F(PostgresStoreTest, FiltersLimitAndOffset) {
  PostgresStore store(db().url());
  store.begin_run(run_named("run-1"));
  for (int i = 0; i < 10; ++i) {
    store.emit(make_alert(i % 2 ? "wash.round_trip" : "spoofing", i < 5 ? "BTCUSDT" : "ETHUSDT",
                          static_cast<Severity>(i % 4), i * 60, std::to_string(i)));
  }
  EXPECT_EQ(store.count_alerts({}), 10u);
  EXPECT_EQ(store.count_alerts({.rule = "spoofing"}), 5u);
  EXPECT_EQ(store.count_alerts({.rule_prefix = "wash."}), 5u);
  EXPECT_EQ(store.count_alerts({.rule_prefix = "wash%"}), 0u);  // no wildcards
  EXPECT_EQ(store.count_alerts({.symbol = "ETHUSDT"}), 5u);
  EXPECT_EQ(store.count_alerts({.min_severity = Severity::kHigh}), 4u);
  EXPECT_EQ(store.count_alerts({.severity = Severity::kLow}), 3u);
  EXPECT_EQ(store.count_alerts({.from = at(120), .to = at(300)}), 3u);
  EXPECT_EQ(store.count_alerts({.run_id = "run-1"}), 10u);
  EXPECT_EQ(store.count_alerts({.account = "acct-1"}), 10u);
  EXPECT_EQ(store.count_alerts({.account = "acct"}), 0u);  // whole accounts only
  EXPECT_EQ(store.count_alerts({.status = AlertStatus::kOpen}), 10u);

  auto page = read_all(store, {.limit = 3, .offset = 4});
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].alert.start, at(240));
  EXPECT_EQ(page[2].alert.start, at(360));
}

TEST_F(PostgresStoreTest, StreamsMoreAlertsThanOneFetch) {
  PostgresStore store(db().url());
  for (int i = 0; i < 12'345; ++i) {
    store.emit(make_alert("spoofing", "BTCUSDT", Severity::kLow, i, std::to_string(i)));
  }
  int64_t seen = 0, previous = -1;
  bool ordered = true;
  store.for_each_alert({}, [&](const StoredAlert& s) {
    ordered = ordered && s.alert.start.nanos() > previous;
    previous = s.alert.start.nanos();
    ++seen;
  });
  EXPECT_EQ(seen, 12'345);
  EXPECT_TRUE(ordered);
  EXPECT_EQ(read_all(store, {.limit = 7'000, .offset = 6'000}).size(), 6'345u);
}

TEST_F(PostgresStoreTest, RunsAreRecordedAndTotalled) {
  PostgresStore store(db().url());
  RunRecord run = run_named("run-1");
  run.started_at = "2026-11-22T06:00:00.000Z";
  store.begin_run(run);
  EXPECT_EQ(store.find_run("run-1")->status, "running");
  run.status = "ok";
  run.events = 1000;
  run.rejects = 3;
  run.alerts = 2;
  run.rejects_json = R"({"bad_price":3})";
  run.books = {{"symbols", 2}, {"live_orders", 5}};
  run.elapsed_seconds = 1.25;
  store.finish_run(run);
  RunRecord second = run_named("run-2");
  second.started_at = "2026-11-22T07:00:00.000Z";
  second.events = 500;
  store.begin_run(second);
  store.finish_run(second);

  auto got = store.find_run("run-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "ok");
  EXPECT_EQ(got->inputs, run.inputs);
  EXPECT_EQ(got->config_toml, run.config_toml);
  EXPECT_EQ(got->rejects_json, run.rejects_json);
  EXPECT_EQ(got->books, run.books);
  EXPECT_EQ(got->elapsed_seconds, 1.25);
  EXPECT_EQ(got->started_at, "2026-11-22T06:00:00.000Z");
  EXPECT_FALSE(got->finished_at.empty());
  EXPECT_FALSE(store.find_run("run-3"));

  auto recent = store.recent_runs(1);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].run_id, "run-2");
  RunTotals totals = store.run_totals();
  EXPECT_EQ(totals.runs, 2u);
  EXPECT_EQ(totals.events, 1500u);
  EXPECT_EQ(totals.rejects, 3u);
}

TEST_F(PostgresStoreTest, BarsKeepExactDecimalsAndUpsert) {
  PostgresStore store(db().url());
  store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(0, "87650.01"));
  store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(60, "1.1"));
  store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(60, "87651.12345678"));
  store.write_bar("ETHUSDT", Duration::minutes(1), make_bar(0, "3000"));
  std::vector<Bar> bars;
  store.for_each_bar("BTCUSDT", Duration::minutes(1), at(0), at(3600),
                     [&](const Bar& b) { bars.push_back(b); });
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[1].close.to_string(), "87651.12345678");
  EXPECT_EQ(bars[0].low.to_string(), "0.00000001");
  EXPECT_EQ(bars[0].value, 306768.735);
  EXPECT_EQ(bars[0].trades, 7u);
  EXPECT_EQ(bars[0].buy_volume.to_string(), "2.25");
}

TEST_F(PostgresStoreTest, EvidenceIsUpsertedByAlertId) {
  PostgresStore store(db().url());
  store.write_evidence("a1", R"({"trades":[]})");
  store.write_evidence("a1", R"({"trades":[1]})");
  EXPECT_EQ(store.find_evidence("a1"), std::optional<std::string>(R"({"trades":[1]})"));
  EXPECT_FALSE(store.find_evidence("a2"));
}

TEST_F(PostgresStoreTest, OpenStoreDispatchesPostgresUrls) {
  auto store = open_store(db().url(), StoreOpen::kExisting);
  EXPECT_EQ(store->describe().rfind("postgresql://", 0), 0u) << store->describe();
  std::string other = db().url();
  other.replace(0, std::string_view("postgresql").size(), "postgres");
  EXPECT_EQ(open_store(other)->count_alerts({}), 0u);
}

TEST_F(PostgresStoreTest, AccountsOfOddIdsAreReplacedToo) {
  PostgresStore store(db().url());
  Alert a = make_alert("spoofing", "BTCUSDT", Severity::kLow, 0);
  a.id = R"(we"ird\,id {x})";
  store.emit(Alert(a));
  store.flush();
  a.accounts = {"acct-7"};
  store.emit(Alert(a));
  EXPECT_EQ(store.count_alerts({.account = "acct-1"}), 0u);
  EXPECT_EQ(store.count_alerts({.account = "acct-7"}), 1u);
  EXPECT_EQ(store.find_alert(a.id)->alert.accounts, a.accounts);
}

// Each rollup against the same figures computed afresh from the rows they count: the rows
// of `rollup` and of `fresh` that are not in the other (sums rounded against float drift).
int64_t rollup_mismatches(tw::testing::PostgresTestDb& db, const std::string& rollup,
                          const std::string& fresh) {
  return db.integer("SELECT count(*) FROM (((" + rollup + ") EXCEPT (" + fresh + ")) UNION ALL ((" +
                    fresh + ") EXCEPT (" + rollup + "))) x");
}

TEST_F(PostgresStoreTest, RollupsMatchTheAlertsAfterReRunsStatusChangesAndDeletes) {
  PostgresStore store(db().url(), {.batch_size = 64});
  std::vector<Alert> alerts;
  for (int i = 0; i < 300; ++i) {
    alerts.push_back(make_alert(i % 3 ? "wash.round_trip" : "spoofing", i % 2 ? "BTCUSDT" : "ETH",
                                static_cast<Severity>(i % 4), i * 97, std::to_string(i)));
    alerts.back().accounts = {"acct-" + std::to_string(i % 7), "acct-" + std::to_string(i % 5)};
    store.emit(Alert(alerts.back()));
    store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(i * 60, "101.5"));
  }
  store.flush();
  for (int i = 0; i < 300; i += 3) {  // a re-run that changes a third of them
    alerts[i].severity = Severity::kCritical;
    alerts[i].score = 100.0 - i / 10.0;
    alerts[i].accounts = {"acct-x"};
    store.emit(Alert(alerts[i]));
    Bar bar = make_bar(i * 60, "99");
    bar.volume = *Quantity::parse("7.25");
    bar.trades = 3;
    store.write_bar("BTCUSDT", Duration::minutes(1), bar);
  }
  store.set_status(alerts[5].id, AlertStatus::kDismissed, "noise");
  store.flush();
  db().integer(
      "WITH d AS (DELETE FROM alerts WHERE (start_ns / 1000000000) % 2 = 0 RETURNING 1) SELECT "
      "count(*) FROM d");
  db().integer(
      "WITH d AS (DELETE FROM alert_accounts WHERE account = 'acct-3' RETURNING 1) SELECT count(*) "
      "FROM d");

  EXPECT_EQ(
      rollup_mismatches(
          db(),
          "SELECT minute_ns, severity_rank, total, start_min, end_max FROM alert_counts_minute",
          "SELECT (start_ns / 60000000000) * 60000000000, severity_rank, count(*), min(start_ns), "
          "max(end_ns) FROM alerts GROUP BY 1, 2"),
      0);
  for (const std::string key : {"rule", "symbol"}) {
    EXPECT_EQ(rollup_mismatches(db(),
                                "SELECT hour_ns, " + key +
                                    ", severity_rank, total, round(score_sum::numeric, 6), "
                                    "score_max FROM alert_counts_" +
                                    key,
                                "SELECT (start_ns / 3600000000000) * 3600000000000, " + key +
                                    ", severity_rank, count(*), round(sum(score)::numeric, 6), "
                                    "max(score) FROM alerts GROUP BY 1, 2, 3"),
              0)
        << key;
  }
  EXPECT_EQ(rollup_mismatches(db(), "SELECT account, total FROM account_alert_counts",
                              "SELECT account, count(*) FROM alert_accounts GROUP BY account"),
            0);
  EXPECT_EQ(rollup_mismatches(db(),
                              "SELECT interval_ns, hour_ns, symbol, bars, round(total::numeric, "
                              "6), trades FROM bar_volume_hourly",
                              "SELECT interval_ns, (start_ns / 3600000000000) * 3600000000000, "
                              "symbol, count(*), round(sum(CAST(volume AS DOUBLE "
                              "PRECISION))::numeric, 6), sum(trades) FROM bars GROUP BY 1, 2, 3"),
            0);
  EXPECT_GT(db().integer("SELECT count(*) FROM alert_counts_minute"), 0);
}
