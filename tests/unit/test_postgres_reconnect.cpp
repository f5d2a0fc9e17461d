#include <gtest/gtest.h>

#include <thread>

#include "postgres_test_db.hpp"
#include "store/postgres_store.hpp"
#include "store_test_util.hpp"

using namespace tw;
using tw::testing::make_alert;
using tw::testing::PostgresFixture;

namespace {

class PostgresReconnectTest : public PostgresFixture {};

PostgresStoreOptions quick_retries(size_t batch_size) {
  PostgresStoreOptions options;
  options.batch_size = batch_size;
  options.first_retry_delay = std::chrono::milliseconds(10);
  return options;
}

Alert numbered(int i) {
  return make_alert("spoofing", "BTCUSDT", Severity::kLow, i, std::to_string(i));
}

RunRecord finished_run(std::string id) {
  RunRecord run;
  run.run_id = std::move(id);
  run.status = "ok";
  return run;
}

}  // namespace

TEST_F(PostgresReconnectTest, WriteAfterTheBackendWasTerminated) {
  PostgresStore store(db().url(), quick_retries(100));
  store.begin_run(finished_run("run-1"));
  for (int i = 0; i < 50; ++i) store.emit(numbered(i));
  store.flush();
  EXPECT_EQ(db().terminate_sessions(), 1);
  for (int i = 50; i < 150; ++i) store.emit(numbered(i));  // the batch of 100 hits a dead link
  store.finish_run(finished_run("run-1"));
  EXPECT_GE(store.reconnects(), 1u);
  EXPECT_EQ(db().integer("SELECT count(*) FROM alerts"), 150);
  EXPECT_EQ(db().integer("SELECT count(*) FROM alerts WHERE first_seen_run = 'run-1'"), 150);
  EXPECT_EQ(db().integer("SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
}

TEST_F(PostgresReconnectTest, ReadAfterTheBackendWasTerminated) {
  PostgresStore store(db().url(), quick_retries(100));
  for (int i = 0; i < 10; ++i) store.emit(numbered(i));
  EXPECT_EQ(store.count_alerts({}), 10u);
  EXPECT_EQ(db().terminate_sessions(), 1);
  EXPECT_EQ(store.count_alerts({}), 10u);
  EXPECT_EQ(db().terminate_sessions(), 1);
  int seen = 0;
  store.for_each_alert({}, [&](const StoredAlert&) { ++seen; });
  EXPECT_EQ(seen, 10);
  EXPECT_EQ(store.reconnects(), 2u);
}

TEST_F(PostgresReconnectTest, EveryAlertArrivesOnceWhenTheBackendDiesMidRun) {
  constexpr int kAlerts = 20'000;
  PostgresStore store(db().url(), quick_retries(250));
  store.begin_run(finished_run("run-1"));
  // Another session ends the store's backend once half the alerts are in, wherever the
  // writer is then (between batches or inside one).
  std::thread killer([&] {
    pg::Connection watcher(db().url());
    while (watcher.exec("SELECT count(*) FROM alerts", "count").integer(0, 0) < kAlerts / 2) {
      std::this_thread::yield();
    }
    db().terminate_sessions();
  });
  for (int i = 0; i < kAlerts; ++i) store.emit(numbered(i));
  store.flush();
  killer.join();
  store.finish_run(finished_run("run-1"));  // on a dead link when the writer had finished first
  EXPECT_GE(store.reconnects(), 1u);
  EXPECT_EQ(db().integer("SELECT count(*) FROM alerts"), kAlerts);
  EXPECT_EQ(db().integer("SELECT count(DISTINCT id) FROM alerts"), kAlerts);
  std::vector<std::string> missing;
  for (int i = 0; i < kAlerts; ++i) {
    if (!store.find_alert(numbered(i).id)) missing.push_back(std::to_string(i));
    if (missing.size() > 5) break;
  }
  EXPECT_TRUE(missing.empty()) << "alert " << missing.front() << " was lost";
}

TEST_F(PostgresReconnectTest, GivesUpAfterTheConfiguredAttempts) {
  PostgresStoreOptions options = quick_retries(10);
  options.max_attempts = 2;
  PostgresStore store(db().url(), options);
  store.emit(numbered(1));
  store.flush();
  // No new session may start on the database, so every reconnect fails.
  db().admin().exec(
      "ALTER DATABASE " + db().url().substr(db().url().rfind('/') + 1) + " ALLOW_CONNECTIONS false",
      "block connections");
  db().terminate_sessions();
  store.emit(numbered(2));
  EXPECT_THROW(store.flush(), pg::ConnectionLost);
  db().admin().exec(
      "ALTER DATABASE " + db().url().substr(db().url().rfind('/') + 1) + " ALLOW_CONNECTIONS true",
      "allow connections");
  store.flush();  // the batch stayed buffered: it is written once the server is back
  EXPECT_EQ(db().integer("SELECT count(*) FROM alerts"), 2);
}

TEST_F(PostgresReconnectTest, AStreamedReadResumesWhereItWasCut) {
  constexpr int kAlerts = 12'000;  // more than two FETCHes of the cursor
  PostgresStore store(db().url(), quick_retries(4096));
  for (int i = 0; i < kAlerts; ++i) store.emit(numbered(i));
  store.flush();
  std::vector<int64_t> starts;
  store.for_each_alert({}, [&](const StoredAlert& s) {
    starts.push_back(s.alert.start.nanos());
    if (starts.size() == 7'000) db().terminate_sessions();  // the next FETCH hits a dead link
  });
  EXPECT_EQ(store.reconnects(), 1u);
  ASSERT_EQ(starts.size(), static_cast<size_t>(kAlerts));
  for (int i = 0; i < kAlerts; ++i) {
    ASSERT_EQ(starts[static_cast<size_t>(i)], numbered(i).start.nanos()) << "row " << i;
  }
}
