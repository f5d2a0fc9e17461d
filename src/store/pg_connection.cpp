#include "store/pg_connection.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <utility>

#include "util/format.hpp"

namespace tw::pg {
namespace {

// SQLSTATEs of a session the server ended: connection exceptions (class 08), and the
// administrator, a crash or a restart terminating the backend (pg_terminate_backend: 57P01).
bool is_connection_state(std::string_view state) {
  return state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03";
}

// Server notices (e.g. "relation already exists, skipping") go to the debug log, not stderr.
void log_notice(void* /*unused*/, const char* message) {
  std::string_view text(message);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  spdlog::debug("postgresql: {}", text);
}

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Replaces [begin, end) of `text` by ***.
void mask_range(std::string& text, size_t begin, size_t end) {
  if (end > begin) text.replace(begin, end - begin, "***");
}

}  // namespace

std::string mask_password(std::string_view url) {
  std::string masked(url);
  size_t scheme_end = masked.find("://");
  if (scheme_end != std::string::npos) {
    size_t authority = scheme_end + 3;
    size_t authority_end = masked.find_first_of("/?", authority);
    if (authority_end == std::string::npos) authority_end = masked.size();
    size_t at = masked.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority) {
      size_t colon = masked.find(':', authority);
      if (colon != std::string::npos && colon < at) mask_range(masked, colon + 1, at);
    }
  }
  for (size_t pos = masked.find("password="); pos != std::string::npos;
       pos = masked.find("password=", pos + 1)) {
    size_t value = pos + 9;
    size_t value_end = masked.find_first_of("& ", value);
    mask_range(masked, value, value_end == std::string::npos ? masked.size() : value_end);
  }
  return masked;
}

Params& Params::add(std::string_view text) {
  values_.emplace_back(std::string(text));
  return *this;
}

Params& Params::add(int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::add(double value) {
  values_.emplace_back(format_number(value));
  return *this;
}

Params& Params::add_null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::add_or_null(std::string_view text) {
  return text.empty() ? add_null() : add(text);
}

Params& Params::add_text_array(const std::vector<std::string_view>& items) {
  // An array literal with every element quoted: {"a","b\"c"}.
  std::string literal = "{";
  for (std::string_view item : items) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  values_.emplace_back(std::move(literal));
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& value : values_) out.push_back(value ? value->c_str() : nullptr);
  return out;
}

Result::Result(pg_result* result) : result_(result) {}

Result::Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

Result::~Result() {
  PQclear(result_);
}

int Result::rows() const {
  return PQntuples(result_);
}

int Result::columns() const {
  return PQnfields(result_);
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_, row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
}

std::string_view Result::column_name(int column) const {
  const char* name = PQfname(result_, column);
  return name ? name : "?";
}

int64_t Result::integer(int row, int column) const {
  std::string_view t = text(row, column);
  int64_t value = 0;
  auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (error != std::errc() || end != t.data() + t.size()) {
    throw std::runtime_error("postgresql column " + std::string(column_name(column)) + ": '" +
                             std::string(t) + "' is not an integer");
  }
  return value;
}

double Result::real(int row, int column) const {
  std::string_view t = text(row, column);
  double value = 0;
  auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (error != std::errc() || end != t.data() + t.size()) {
    throw std::runtime_error("postgresql column " + std::string(column_name(column)) + ": '" +
                             std::string(t) + "' is not a number");
  }
  return value;
}

int64_t Result::affected() const {
  const char* count = PQcmdTuples(result_);
  return count && *count ? std::stoll(count) : 0;
}

Connection::Connection(std::string url)
    : url_(std::move(url)),
      masked_url_(mask_password(url_)),
      name_("postgresql store '" + masked_url_ + "'") {
  connect();
}

Connection::~Connection() {
  disconnect();
}

void Connection::connect() {
  conn_ = PQconnectdb(url_.c_str());
  if (!conn_) throw ConnectionLost(name_ + ": cannot connect: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn_));
    disconnect();
    throw ConnectionLost(name_ + ": cannot connect: " + message);
  }
  PQsetNoticeProcessor(conn_, log_notice, nullptr);
}

void Connection::disconnect() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void Connection::reconnect() {
  disconnect();
  connect();
}

int Connection::backend_pid() const {
  return conn_ ? PQbackendPID(conn_) : 0;
}

void Connection::fail(std::string_view context, const pg_result* result) const {
  std::string message = trimmed(result ? PQresultErrorMessage(result) : nullptr);
  if (message.empty() && conn_) message = trimmed(PQerrorMessage(conn_));
  if (message.empty()) message = "no connection";
  std::string text = name_ + ": " + std::string(context) + ": " + message;
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (!conn_ || PQstatus(conn_) == CONNECTION_BAD || (state && is_connection_state(state))) {
    throw ConnectionLost(text);
  }
  throw std::runtime_error(text);
}

Result Connection::check(pg_result* raw, int expected_status, std::string_view context) {
  Result result(raw);
  if (!raw || PQresultStatus(raw) != expected_status) fail(context, raw);
  return result;
}

Result Connection::exec(std::string_view sql, const Params& params, std::string_view context) {
  if (!conn_) fail(context, nullptr);
  std::string text(sql);
  std::vector<const char*> values = params.pointers();
  pg_result* raw = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0);
  ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  return check(raw, status == PGRES_TUPLES_OK ? PGRES_TUPLES_OK : PGRES_COMMAND_OK, context);
}

void Connection::exec_script(std::string_view sql, std::string_view context) {
  if (!conn_) fail(context, nullptr);
  std::string text(sql);
  check(PQexec(conn_, text.c_str()), PGRES_COMMAND_OK, context);
}

void Connection::copy_in(std::string_view copy_sql, std::string_view data,
                         std::string_view context) {
  if (!conn_) fail(context, nullptr);
  std::string text(copy_sql);
  check(PQexec(conn_, text.c_str()), PGRES_COPY_IN, context);
  // PQputCopyData takes an int length: send big buffers in slices.
  constexpr size_t kSlice = size_t{1} << 20;
  for (size_t pos = 0; pos < data.size(); pos += kSlice) {
    size_t length = std::min(kSlice, data.size() - pos);
    if (PQputCopyData(conn_, data.data() + pos, static_cast<int>(length)) != 1) break;
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) fail(context, nullptr);
  // The COPY's outcome; the results after it (the terminating null) are drained first, so
  // the connection is ready for the next command even when the COPY failed.
  pg_result* outcome = PQgetResult(conn_);
  while (pg_result* rest = PQgetResult(conn_)) PQclear(rest);
  check(outcome, PGRES_COMMAND_OK, context);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN", "cannot begin a transaction");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.exec("ROLLBACK", "cannot roll back");
  } catch (const std::exception& e) {
    spdlog::debug("{}", e.what());  // a lost connection has rolled back already
  }
}

void Transaction::commit() {
  connection_.exec("COMMIT", "cannot commit");
  open_ = false;
}

void append_copy_field(std::string& row, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        row += "\\\\";
        break;
      case '\t':
        row += "\\t";
        break;
      case '\n':
        row += "\\n";
        break;
      case '\r':
        row += "\\r";
        break;
      default:
        row += c;
    }
  }
}

}  // namespace tw::pg
