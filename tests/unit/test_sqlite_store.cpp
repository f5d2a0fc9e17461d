#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "store/alert_store.hpp"
#include "store/sqlite_store.hpp"
#include "store_test_util.hpp"

using namespace tw;
using tw::testing::at;
using tw::testing::make_alert;
using tw::testing::TempDir;

namespace {

// A second, independent connection for looking at (or locking) what the store wrote.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("raw open");
  }
  ~RawDb() { sqlite3_close(db_); }

  int64_t integer(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    int64_t value = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string value = "<no row>";
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      value = t ? reinterpret_cast<const char*>(t) : "<null>";
    }
    sqlite3_finalize(stmt);
    return value;
  }

  void exec(const std::string& sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
  }

 private:
  sqlite3* db_ = nullptr;
};

std::vector<StoredAlert> read_all(AlertStore& store, const AlertQuery& q = {}) {
  std::vector<StoredAlert> rows;
  store.for_each_alert(q, [&](const StoredAlert& row) { rows.push_back(row); });
  return rows;
}

std::vector<std::string> ids(AlertStore& store, const AlertQuery& q) {
  std::vector<std::string> out;
  for (const StoredAlert& row : read_all(store, q)) out.push_back(row.alert.id);
  return out;
}

RunRecord run_named(std::string id) {
  RunRecord run;
  run.run_id = std::move(id);
  run.inputs = {"trades.csv", "more \"quoted\".csv"};
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

TEST(SqliteStore, MigrationsCreateSchemaAndRecordVersion) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  {
    SqliteStore store(path);
    EXPECT_EQ(store.schema_version(), SqliteStore::latest_schema_version());
  }
  RawDb raw(path);
  for (const char* table : {"alerts", "runs", "bars", "schema_migrations"}) {
    EXPECT_EQ(raw.integer(std::string("SELECT count(*) FROM sqlite_master WHERE type='table' "
                                      "AND name='") +
                          table + "'"),
              1)
        << table;
  }
  for (const char* column : {"start_ns", "rule", "severity_rank", "symbol"}) {
    EXPECT_GE(raw.integer(std::string("SELECT count(*) FROM sqlite_master m, "
                                      "pragma_index_info(m.name) i WHERE m.type='index' AND "
                                      "m.tbl_name='alerts' AND i.seqno=0 AND i.name='") +
                          column + "'"),
              1)
        << "no index leads with alerts." << column;
  }
  EXPECT_EQ(raw.integer("SELECT max(version) FROM schema_migrations"),
            SqliteStore::latest_schema_version());
  EXPECT_EQ(raw.integer("SELECT count(*) FROM schema_migrations WHERE applied_at LIKE '20%Z'"),
            SqliteStore::latest_schema_version());
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
}

TEST(SqliteStore, ReopenIsIdempotent) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  {
    SqliteStore store(path);
    store.emit(make_alert("wash.round_trip", "BTCUSDT", Severity::kHigh, 0));
  }
  SqliteStore again(path);
  EXPECT_EQ(again.count_alerts({}), 1u);
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM schema_migrations"),
            SqliteStore::latest_schema_version());
}

TEST(SqliteStore, RefusesNewerSchema) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  { SqliteStore store(path); }
  int future = SqliteStore::latest_schema_version() + 1;
  RawDb(path).exec("INSERT INTO schema_migrations VALUES (" + std::to_string(future) +
                   ", '2030-01-01T00:00:00Z')");
  try {
    SqliteStore store(path);
    FAIL() << "opened a database from a newer schema";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("schema version " + std::to_string(future)), std::string::npos)
        << message;
    EXPECT_NE(message.find("newer"), std::string::npos) << message;
  }
}

TEST(SqliteStore, UpsertsByIdKeepingFirstSeenRun) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  Alert first = make_alert("wash.round_trip", "BTCUSDT", Severity::kMedium, 0);
  Alert second = first;
  second.why = "seen again, worse";
  second.score = 99.5;
  second.severity = Severity::kCritical;
  second.accounts = {"acct-9"};

  store.begin_run(run_named("run-1"));
  store.emit(Alert(first));
  store.emit(Alert(first));  // the same id twice within one batch
  store.finish_run(run_named("run-1"));
  store.begin_run(run_named("run-2"));
  store.emit(Alert(second));
  store.finish_run(run_named("run-2"));

  auto rows = read_all(store);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].alert.id, first.id);
  EXPECT_EQ(rows[0].alert.why, "seen again, worse");
  EXPECT_EQ(rows[0].alert.score, 99.5);
  EXPECT_EQ(rows[0].alert.severity, Severity::kCritical);
  EXPECT_EQ(rows[0].alert.accounts, std::vector<std::string>{"acct-9"});
  EXPECT_EQ(rows[0].run_id, "run-2");
  EXPECT_EQ(rows[0].first_seen_run, "run-1");
}

TEST(SqliteStore, RoundTripsEveryAlertField) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  Alert a = make_alert("spoofing", "AMZN", Severity::kHigh, 5);
  a.start = Timestamp::from_nanos(a.start.nanos() + 123456789);
  a.accounts = {"o'brien", "semi;colon", "quote\"d"};
  a.why = "line one\nline \"two\", with comma";
  a.metrics_json = R"({"ratio":0.125,"label":"x\"y"})";
  for (int i = 0; i < 60; ++i) a.add_evidence("order", std::to_string(i));
  store.emit(Alert(a));
  auto rows = read_all(store);
  ASSERT_EQ(rows.size(), 1u);
  const Alert& b = rows[0].alert;
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.rule, a.rule);
  EXPECT_EQ(b.symbol, a.symbol);
  EXPECT_EQ(b.severity, a.severity);
  EXPECT_EQ(b.score, a.score);
  EXPECT_EQ(b.start, a.start);
  EXPECT_EQ(b.end, a.end);
  EXPECT_EQ(b.accounts, a.accounts);
  EXPECT_EQ(b.metrics_json, a.metrics_json);
  EXPECT_EQ(b.why, a.why);
  EXPECT_EQ(b.evidence, a.evidence);
  EXPECT_EQ(b.evidence.size(), kMaxEvidenceIds);
  EXPECT_EQ(b.evidence_total, 62u);
  EXPECT_TRUE(rows[0].run_id.empty());  // emitted outside any run
}

TEST(SqliteStore, WritesInBatchesAndOnDestruction) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  RawDb raw(path);
  {
    SqliteStore store(path, {.busy_timeout_ms = 1000, .batch_size = 3});
    for (int i = 0; i < 3; ++i) {
      store.emit(make_alert("wash.self_trade", "ETHUSDT", Severity::kLow, i));
    }
    EXPECT_EQ(raw.integer("SELECT count(*) FROM alerts"), 3) << "a full batch is written";
    store.emit(make_alert("wash.self_trade", "ETHUSDT", Severity::kLow, 10));
    EXPECT_EQ(raw.integer("SELECT count(*) FROM alerts"), 3) << "a partial batch waits";
  }
  EXPECT_EQ(raw.integer("SELECT count(*) FROM alerts"), 4) << "the destructor flushes";
}

TEST(SqliteStore, BarsUpsertByKeyAndStayExact) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(0, "87650"));
  store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(60, "87651"));
  store.write_bar("BTCUSDT", Duration::minutes(5), make_bar(0, "1"));
  store.flush();
  store.write_bar("BTCUSDT", Duration::minutes(1), make_bar(0, "87655.12345678"));

  std::vector<Bar> bars;
  store.for_each_bar("BTCUSDT", Duration::minutes(1), at(0), at(3600),
                     [&](const Bar& b) { bars.push_back(b); });
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].start, at(0));
  EXPECT_EQ(bars[0].close.to_string(), "87655.12345678");
  EXPECT_EQ(bars[0].low.to_string(), "0.00000001");
  EXPECT_EQ(bars[0].open.to_string(), "87648.21");
  EXPECT_EQ(bars[0].buy_volume.to_string(), "2.25");
  EXPECT_EQ(bars[0].value, 306768.735);
  EXPECT_EQ(bars[0].trades, 7u);
  EXPECT_EQ(bars[1].close.to_string(), "87651");

  std::vector<Bar> five;
  store.for_each_bar("BTCUSDT", Duration::minutes(5), at(0), at(3600),
                     [&](const Bar& b) { five.push_back(b); });
  ASSERT_EQ(five.size(), 1u);
  EXPECT_EQ(five[0].close.to_string(), "1");

  std::vector<Bar> none;
  store.for_each_bar("BTCUSDT", Duration::minutes(1), at(1), at(60),
                     [&](const Bar& b) { none.push_back(b); });
  EXPECT_TRUE(none.empty());
}

TEST(SqliteStore, QueriesFilterAndOrderByStartThenId) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  store.begin_run(run_named("r1"));
  // Emitted out of order; two share a start so the id breaks the tie.
  Alert a = make_alert("wash.round_trip", "BTCUSDT", Severity::kLow, 300);
  Alert b = make_alert("pump_and_dump", "ETHUSDT", Severity::kCritical, 100);
  Alert c = make_alert("wash.self_trade", "BTCUSDT", Severity::kHigh, 100, "c");
  Alert d = make_alert("spoofing", "BTCUSDT", Severity::kMedium, 200);
  Alert e = make_alert("washout.wash.x", "BTCUSDT", Severity::kMedium, 50);
  for (const Alert& x : {a, b, c, d, e}) store.emit(Alert(x));
  store.finish_run(run_named("r1"));
  store.begin_run(run_named("r2"));
  Alert f = make_alert("wash.round_trip", "SOLUSDT", Severity::kHigh, 400);
  store.emit(Alert(f));
  store.flush();

  std::string first_of_pair = std::min(b.id, c.id), second_of_pair = std::max(b.id, c.id);
  EXPECT_EQ(ids(store, {}),
            (std::vector<std::string>{e.id, first_of_pair, second_of_pair, d.id, a.id, f.id}));
  EXPECT_EQ(ids(store, {.rule = "pump_and_dump"}), std::vector<std::string>{b.id});
  EXPECT_EQ(ids(store, {.rule_prefix = "wash."}), (std::vector<std::string>{c.id, a.id, f.id}));
  EXPECT_EQ(ids(store, {.symbol = "BTCUSDT", .min_severity = Severity::kMedium}),
            (std::vector<std::string>{e.id, c.id, d.id}));
  EXPECT_EQ(ids(store, {.from = at(100), .to = at(300)}),
            (std::vector<std::string>{first_of_pair, second_of_pair, d.id}));
  EXPECT_EQ(ids(store, {.run_id = "r2"}), std::vector<std::string>{f.id});
  EXPECT_EQ(ids(store, {.limit = 2, .offset = 1}),
            (std::vector<std::string>{first_of_pair, second_of_pair}));

  EXPECT_EQ(store.count_alerts({}), 6u);
  EXPECT_EQ(store.count_alerts({.rule_prefix = "wash.", .limit = 1}), 3u);
  EXPECT_EQ(store.count_alerts({.min_severity = Severity::kHigh}), 3u);
  EXPECT_EQ(store.count_alerts({.symbol = "NOPE"}), 0u);
}

TEST(SqliteStore, RecordsRunBeginAndFinish) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  RunRecord run = run_named("run-42");
  store.begin_run(run);
  auto started = store.find_run("run-42");
  ASSERT_TRUE(started);
  EXPECT_EQ(started->status, "running");
  EXPECT_TRUE(started->finished_at.empty());
  EXPECT_FALSE(started->started_at.empty()) << "the store stamps a missing start time";
  EXPECT_EQ(started->inputs, run.inputs);
  EXPECT_EQ(started->config_toml, run.config_toml);

  run.status = "ok";
  run.events = 5000;
  run.rejects = 3;
  run.alerts = 2;
  run.rejects_json = R"({"bad_price":3})";
  run.alerts_json = R"({"wash.round_trip":{"HIGH":2}})";
  run.elapsed_seconds = 0.5;
  run.events_per_second = 10000;
  run.peak_rss_bytes = 12345678;
  store.finish_run(run);
  auto finished = store.find_run("run-42");
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->status, "ok");
  EXPECT_EQ(finished->started_at, started->started_at);
  EXPECT_FALSE(finished->finished_at.empty());
  EXPECT_EQ(finished->events, 5000u);
  EXPECT_EQ(finished->rejects, 3u);
  EXPECT_EQ(finished->alerts, 2u);
  EXPECT_EQ(finished->rejects_json, run.rejects_json);
  EXPECT_EQ(finished->alerts_json, run.alerts_json);
  EXPECT_EQ(finished->elapsed_seconds, 0.5);
  EXPECT_EQ(finished->events_per_second, 10000);
  EXPECT_EQ(finished->peak_rss_bytes, 12345678u);
  EXPECT_FALSE(store.find_run("missing"));
}

TEST(SqliteStore, RoundTripsBookReportAndFeedCounts) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  RunRecord run = run_named("run-books");
  {
    SqliteStore store(path);
    store.begin_run(run);
    auto started = store.find_run("run-books");
    ASSERT_TRUE(started);
    EXPECT_TRUE(started->books.empty());
    EXPECT_TRUE(started->feed_counts.empty());
    run.status = "ok";
    run.books = {{"symbols", 2}, {"live_orders", 17}, {"crossed", 3}, {"unknown_order", 0}};
    run.feed_counts = {{"messages", 1000}, {"R", 8906}, {"a", 1}, {"unknown_types", 4}};
    store.finish_run(run);
  }
  SqliteStore store(path);
  auto finished = store.find_run("run-books");
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->books, run.books) << "names, values and order kept";
  EXPECT_EQ(finished->feed_counts, run.feed_counts);
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT json_extract(books, '$.crossed') FROM runs"), 3);
  EXPECT_EQ(raw.integer("SELECT json_extract(feed_counts, '$.R') FROM runs"), 8906);
}

TEST(SqliteStore, UnreadableStoredCountsNameTheRunAndColumn) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  SqliteStore store(path);
  store.begin_run(run_named("run-7"));
  RawDb(path).exec("UPDATE runs SET feed_counts = '{\"A\":-1}'");
  try {
    store.find_run("run-7");
    FAIL() << "read a negative count";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("run run-7"), std::string::npos) << message;
    EXPECT_NE(message.find("feed_counts"), std::string::npos) << message;
  }
}

// tests/unit/fixtures/store_schema_v1.sql is a dump of a store the first schema wrote.
TEST(SqliteStore, MigratesAVersion1StoreKeepingItsRunsAlertsAndBars) {
  std::ifstream dump(std::string(TAPEWATCH_SOURCE_DIR) +
                     "/tests/unit/fixtures/store_schema_v1.sql");
  ASSERT_TRUE(dump) << "fixture missing";
  std::string sql((std::istreambuf_iterator<char>(dump)), std::istreambuf_iterator<char>());
  TempDir dir;
  std::string path = dir.file("old.db");
  RawDb(path).exec(sql);
  const std::string old_run = "run-2026-11-21T16:47:39-438e";

  SqliteStore store(path);
  EXPECT_EQ(store.schema_version(), SqliteStore::latest_schema_version());
  EXPECT_EQ(RawDb(path).integer("SELECT max(version) FROM schema_migrations"),
            SqliteStore::latest_schema_version());
  auto old = store.find_run(old_run);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, "ok");
  EXPECT_EQ(old->events, 2u);
  EXPECT_EQ(old->inputs, std::vector<std::string>{"t.csv"});
  EXPECT_TRUE(old->books.empty()) << "a run from before the column reads as no report";
  EXPECT_TRUE(old->feed_counts.empty());
  EXPECT_EQ(store.count_alerts({.run_id = old_run}), 1u);
  int bars = 0;
  store.for_each_bar("BTCUSDT", Duration::seconds(60), at(0), at(60), [&](const Bar& bar) {
    EXPECT_EQ(bar.close.to_string(), "42010");
    ++bars;
  });
  EXPECT_EQ(bars, 1);

  // What later versions add is filled in for the alerts and bars already stored.
  auto alert = store.find_alert("cc6bb1d49d0a34c5");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->status, AlertStatus::kOpen);
  EXPECT_EQ(alert->change_seq, 1u);
  EXPECT_EQ(store.last_change_seq(), 1u);
  EXPECT_EQ(store.count_alerts({.account = "A1"}), 1u);
  EXPECT_EQ(store.count_alerts({.text = "both sides of btc"}), 1u);
  EXPECT_EQ(store.count_alerts({.text = "both sides of eth"}), 0u);
  AlertSummary summary = store.summarize({});
  EXPECT_EQ(summary.alerts, 1u);
  EXPECT_EQ(summary.accounts, 1u);
  EXPECT_EQ(summary.by_severity, (SeverityCounts{0, 1, 0, 0}));
  EXPECT_EQ(summary.last_end, at(0));
  auto rules = store.count_by_rule({});
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].rule, "wash.round_trip");
  EXPECT_NEAR(rules[0].max_score, 49.3487, 1e-4);
  auto timeline = store.timeline({}, Duration::minutes(1));
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(timeline[0].start, at(0));
  auto volume = store.volume_by_symbol(Duration::minutes(1), at(0), at(3600), std::nullopt);
  ASSERT_EQ(volume.size(), 1u);
  EXPECT_DOUBLE_EQ(volume[0].total, 3);
  EXPECT_EQ(volume[0].trades, 2u);
  store.emit(make_alert("spoofing", "BTCUSDT", Severity::kHigh, 0));
  EXPECT_EQ(store.last_change_seq(), 2u) << "new changes follow the backfilled ones";

  RunRecord run = run_named("run-new");
  run.books = {{"symbols", 1}};
  run.feed_counts = {{"messages", 5}};
  store.begin_run(run);
  store.finish_run(run);
  EXPECT_EQ(store.find_run("run-new")->books, run.books);
  EXPECT_EQ(store.find_run("run-new")->feed_counts, run.feed_counts);
}

/// The error of opening a store at `path`; a test failure when it opens.
static std::string open_error(const std::string& path) {
  try {
    SqliteStore store(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "opened " << path;
  return {};
}

TEST(SqliteStore, UnwritablePathErrorNamesThePath) {
  TempDir dir;
  std::string not_a_dir = dir.file("plain_file");
  std::ofstream(not_a_dir) << "x";
  std::string path = not_a_dir + "/alerts.db";  // refused even to root
  std::string message = open_error(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("unable to open"), std::string::npos) << message;
}

TEST(SqliteStore, FileThatIsNotADatabaseIsRefused) {
  TempDir dir;
  std::string path = dir.file("notes.db");
  std::ofstream(path) << "these are not the pages you are looking for, not even close to 100 bytes "
                         "of a SQLite header but long enough to be read as one";
  std::string message = open_error(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("not a database"), std::string::npos) << message;
}

TEST(SqliteStore, LockedDatabaseFailsCleanlyAndRetries) {
  TempDir dir;
  std::string path = dir.file("alerts.db");
  SqliteStore store(path, {.busy_timeout_ms = 50, .batch_size = 1000});
  RawDb other(path);
  other.exec("BEGIN IMMEDIATE");
  store.emit(make_alert("wash.round_trip", "BTCUSDT", Severity::kHigh, 0));
  try {
    store.flush();
    FAIL() << "wrote through another writer's lock";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("locked"), std::string::npos) << message;
  }
  other.exec("ROLLBACK");
  store.flush();  // the alert stayed buffered
  EXPECT_EQ(other.integer("SELECT count(*) FROM alerts"), 1);
}

TEST(SqliteStore, OpenStoreAcceptsSqliteUrlsOnly) {
  TempDir dir;
  for (const std::string& url : {"sqlite:" + dir.file("a.db"), "sqlite://" + dir.file("b.x"),
                                 dir.file("c.sqlite"), dir.file("d.db")}) {
    auto store = open_store(url);
    ASSERT_TRUE(store) << url;
    store->emit(make_alert("spoofing", "X", Severity::kLow, 0));
    EXPECT_EQ(store->count_alerts({}), 1u) << url;
  }
  EXPECT_TRUE(std::filesystem::exists(dir.file("b.x")));
  for (const std::string& url :
       {std::string("postgresql://user@host/db"), dir.file("e.txt"), std::string("sqlite:")}) {
    try {
      open_store(url);
      FAIL() << "accepted " << url;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
    }
  }
  try {
    open_store("mysql://user@host/db");
    FAIL() << "accepted mysql://";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("sqlite:PATH"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("postgresql://"), std::string::npos) << e.what();
  }
}
