// Test helper: a fresh PostgreSQL database per test on the server TAPEWATCH_TEST_PG_URL names.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <string>

#include "store/pg_connection.hpp"

namespace tw::testing {

/// The server's URL, or nullopt when the tests run without one (scripts/with-postgres.sh sets
/// it; ctest runs the PostgreSQL tests through that script).
inline std::optional<std::string> test_pg_url() {
  const char* url = std::getenv("TAPEWATCH_TEST_PG_URL");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

/// `url` naming database `name` instead of its own.
inline std::string with_database(const std::string& url, const std::string& name) {
  size_t authority = url.find("://") + 3;
  size_t path = url.find('/', authority);
  size_t query = url.find('?', authority);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, std::min(path, query)) + "/" + name + tail;
}

/// Creates an empty database for one test and drops it afterwards; admin() is a connection to
/// the server's default database for looking at (or ending) the store's sessions.
class PostgresTestDb {
 public:
  explicit PostgresTestDb(const std::string& server_url)
      : admin_(server_url),
        name_("tapewatch_test_" + std::to_string(getpid()) + "_" + std::to_string(next_id())),
        url_(with_database(server_url, name_)) {
    admin_.exec("CREATE DATABASE " + name_, "create the test database");
  }
  ~PostgresTestDb() {
    try {
      admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", "drop the test database");
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
  PostgresTestDb(const PostgresTestDb&) = delete;
  PostgresTestDb& operator=(const PostgresTestDb&) = delete;

  const std::string& url() const { return url_; }
  pg::Connection& admin() { return admin_; }

  /// Ends every session on this database except admin's; returns how many it ended.
  int64_t terminate_sessions() {
    pg::Result r = admin_.exec(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 "
        "AND pid <> pg_backend_pid()",
        pg::Params().add(name_), "terminate the store's sessions");
    return r.integer(0, 0);
  }

  /// A single integer from `sql` run on this test's database through a new connection.
  int64_t integer(const std::string& sql) {
    pg::Connection db(url_);
    return db.exec(sql, "test query").integer(0, 0);
  }

 private:
  static int next_id() {
    static std::atomic<int> counter{0};
    return ++counter;
  }

  pg::Connection admin_;
  std::string name_;
  std::string url_;
};

/// A fixture for tests against PostgreSQL: skips the test when no server is configured, else
/// gives it a fresh database.
class PostgresFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = test_pg_url();
    if (!url) {
      GTEST_SKIP() << "TAPEWATCH_TEST_PG_URL is not set: run through scripts/with-postgres.sh "
                      "(ctest does) to test against PostgreSQL";
    }
    server_url_ = *url;
    db_.emplace(server_url_);
  }

  PostgresTestDb& db() { return *db_; }
  const std::string& server_url() const { return server_url_; }

 private:
  std::string server_url_;
  std::optional<PostgresTestDb> db_;
};

}  // namespace tw::testing
