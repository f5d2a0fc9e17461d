#include <sqlite3.h>

#include <stdexcept>

#include "store/sqlite_store.hpp"
#include "store_conformance.hpp"
#include "temp_dir.hpp"

namespace tw::testing {
namespace {

// Each test gets its own database file in its own directory.
class SqliteBackend {
 public:
  std::unique_ptr<AlertStore> open() { return std::make_unique<SqliteStore>(path()); }
  std::string skip_reason() const { return {}; }

  Rows rows(const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      throw std::runtime_error("cannot open " + path());
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error(sql + ": " + message);
    }
    Rows out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      auto& row = out.emplace_back();
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

 private:
  std::string path() const { return dir_.file("conformance.db"); }
  TempDir dir_;
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StoreConformance, SqliteBackend);

}  // namespace tw::testing
