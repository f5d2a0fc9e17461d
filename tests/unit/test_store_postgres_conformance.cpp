#include <memory>
#include <optional>

#include "postgres_test_db.hpp"
#include "store/postgres_store.hpp"
#include "store_conformance.hpp"

namespace tw::testing {
namespace {

// Each test gets a database of its own on the server TAPEWATCH_TEST_PG_URL names.
class PostgresBackend {
 public:
  std::unique_ptr<AlertStore> open() {
    auto server = test_pg_url();
    if (!server) return nullptr;
    if (!db_) db_.emplace(*server);
    return std::make_unique<PostgresStore>(db_->url());
  }
  std::string skip_reason() const {
    return "TAPEWATCH_TEST_PG_URL is not set: run through scripts/with-postgres.sh (ctest does) "
           "to test against PostgreSQL";
  }

  Rows rows(const std::string& sql) {
    pg::Connection connection(db_->url());
    pg::Result result = connection.exec(sql, "conformance query");
    Rows out;
    for (int row = 0; row < result.rows(); ++row) {
      auto& values = out.emplace_back();
      for (int column = 0; column < result.columns(); ++column) {
        values.emplace_back(result.is_null(row, column) ? "NULL"
                                                        : std::string(result.text(row, column)));
      }
    }
    return out;
  }

 private:
  std::optional<PostgresTestDb> db_;
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, StoreConformance, PostgresBackend);

}  // namespace tw::testing
