// Thin RAII wrappers over the SQLite C API: a connection, prepared statements, transactions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tw::sqlite {

/// An open connection. Every failure throws std::runtime_error naming the file and SQLite's
/// message, e.g. "sqlite store 'x.db': cannot open: unable to open database file (...)".
class Database {
 public:
  Database(const std::string& path, int busy_timeout_ms);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more statements that return no rows (or whose rows are ignored).
  void exec(const std::string& sql, std::string_view context);
  /// Throws with the connection's latest error.
  [[noreturn]] void fail(std::string_view context) const;
  /// Rows changed by the latest INSERT/UPDATE/DELETE.
  int64_t changes() const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

/// A prepared statement. Text bound with bind() is NOT copied: it must stay alive until the
/// statement is reset or re-bound (it is always used within one execute/step loop here).
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Resets the statement and clears its bindings, ready for a new execution.
  Statement& reset();
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  /// Binds `text`, or NULL when it is empty.
  Statement& bind_or_null(int index, std::string_view text);

  /// Advances to the next row: true when a row is available, false when done.
  bool step();
  /// Runs a statement that returns no rows.
  void execute();

  bool is_null(int column) const;
  int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string_view column_text(int column) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (on an exception).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace tw::sqlite
