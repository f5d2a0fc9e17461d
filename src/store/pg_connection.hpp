// A thin RAII layer over libpq: a connection, results, parameterised statements and COPY.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace tw::pg {

/// A failure because the connection to the server is gone (dropped, terminated, server
/// restarting): the caller may reconnect and try again.
class ConnectionLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `url` with its password (URL user info or password=...) replaced by ***, for messages.
std::string mask_password(std::string_view url);

/// The parameters of one statement, $1 first, sent as text apart from the SQL
/// (PQexecParams): values are never spliced into SQL text.
class Params {
 public:
  Params& add(std::string_view text);
  Params& add(int64_t value);
  Params& add(double value);
  Params& add_null();
  /// Binds `text`, or NULL when it is empty.
  Params& add_or_null(std::string_view text);
  /// Binds a text[] array of `items` (for `= ANY($N)`).
  Params& add_text_array(const std::vector<std::string_view>& items);
  size_t size() const { return values_.size(); }
  /// PQexecParams' paramValues: pointers into this object, valid while it is unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

/// A query's rows, in text format. Integer and real readers throw naming the column when the
/// text is not a number.
class Result {
 public:
  explicit Result(pg_result* result);
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  ~Result();

  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;
  int64_t integer(int row, int column) const;
  double real(int row, int column) const;
  /// The number of rows an INSERT, UPDATE or DELETE changed.
  int64_t affected() const;

 private:
  std::string_view column_name(int column) const;
  pg_result* result_;
};

/// One open connection, made from any libpq URL or keyword string. Every failure throws
/// std::runtime_error (pg::ConnectionLost when the connection is gone) naming the URL with
/// its password masked, what was being done and the server's message.
class Connection {
 public:
  explicit Connection(std::string url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Drops the connection (if any) and opens a new one.
  void reconnect();
  /// Runs one statement with its parameters; `context` says what it was for in errors.
  Result exec(std::string_view sql, const Params& params, std::string_view context);
  Result exec(std::string_view sql, std::string_view context) { return exec(sql, {}, context); }
  /// Runs several statements separated by semicolons, without parameters (schema scripts).
  void exec_script(std::string_view sql, std::string_view context);
  /// Runs `copy_sql` (COPY ... FROM STDIN) and sends `data`, rows in COPY text format.
  void copy_in(std::string_view copy_sql, std::string_view data, std::string_view context);
  /// The server process serving this connection (pg_backend_pid()).
  int backend_pid() const;
  /// "postgresql store 'URL'", the URL's password masked.
  const std::string& name() const { return name_; }
  const std::string& masked_url() const { return masked_url_; }

 private:
  void connect();
  void disconnect();
  Result check(pg_result* result, int expected_status, std::string_view context);
  [[noreturn]] void fail(std::string_view context, const pg_result* result) const;

  std::string url_;
  std::string masked_url_;
  std::string name_;
  pg_conn* conn_ = nullptr;
};

/// BEGIN ... COMMIT; rolls back when destroyed uncommitted (on an exception). A rollback on
/// a connection that is gone is skipped: the server has already dropped the transaction.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

/// Appends `text` as one field of a COPY text-format row: backslash, tab, newline and
/// carriage return escaped.
void append_copy_field(std::string& row, std::string_view text);

}  // namespace tw::pg
