#include "store/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <variant>

#include "store/alert_sql.hpp"
#include "util/json_array.hpp"
#include "util/named_counts.hpp"

namespace tw {
namespace {

constexpr sql::Dialect kDialect = sql::Dialect::kSqlite;

// Schema migrations, oldest first: version N is kMigrations[N - 1]. Append, never edit.
constexpr std::string_view kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  inputs TEXT NOT NULL DEFAULT '[]',
  config_hash TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '',
  events INTEGER NOT NULL DEFAULT 0,
  rejects INTEGER NOT NULL DEFAULT 0,
  alerts INTEGER NOT NULL DEFAULT 0,
  rejects_by_reason TEXT NOT NULL DEFAULT '{}',
  alerts_by_rule TEXT NOT NULL DEFAULT '{}',
  elapsed_seconds REAL NOT NULL DEFAULT 0,
  events_per_second REAL NOT NULL DEFAULT 0,
  peak_rss_bytes INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  symbol TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  score REAL NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  accounts TEXT NOT NULL DEFAULT '[]',
  metrics TEXT NOT NULL DEFAULT '{}',
  why TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '[]',
  evidence_total INTEGER NOT NULL DEFAULT 0,
  run_id TEXT,
  first_seen_run TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX alerts_by_start ON alerts(start_ns, id);
CREATE INDEX alerts_by_rule ON alerts(rule, start_ns);
CREATE INDEX alerts_by_severity ON alerts(severity_rank, start_ns);
CREATE INDEX alerts_by_symbol ON alerts(symbol, start_ns);
CREATE INDEX alerts_by_run ON alerts(run_id);
CREATE TABLE bars (
  symbol TEXT NOT NULL,
  interval_ns INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  start_time TEXT NOT NULL,
  open TEXT NOT NULL,
  high TEXT NOT NULL,
  low TEXT NOT NULL,
  close TEXT NOT NULL,
  volume TEXT NOT NULL,
  buy_volume TEXT NOT NULL,
  sell_volume TEXT NOT NULL,
  value REAL NOT NULL,
  trades INTEGER NOT NULL,
  PRIMARY KEY (symbol, interval_ns, start_ns)
) WITHOUT ROWID;
)sql",
    R"sql(
ALTER TABLE runs ADD COLUMN books TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN feed_counts TEXT NOT NULL DEFAULT '{}';
)sql",
    // Review status, change numbers, accounts as rows (for the account filter) and evidence.
    R"sql(
ALTER TABLE alerts ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE alerts ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE alerts SET change_seq = rowid;
CREATE INDEX alerts_by_change ON alerts(change_seq);
CREATE INDEX alerts_by_status ON alerts(status, start_ns, id);
CREATE TABLE alert_change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO alert_change_counter VALUES (1, (SELECT coalesce(max(change_seq), 0) FROM alerts));
CREATE TABLE alert_accounts (
  alert_id TEXT NOT NULL,
  account TEXT NOT NULL,
  PRIMARY KEY (alert_id, account)
) WITHOUT ROWID;
CREATE INDEX alert_accounts_by_account ON alert_accounts(account, alert_id);
INSERT OR IGNORE INTO alert_accounts SELECT a.id, j.value FROM alerts a, json_each(a.accounts) j;
CREATE TABLE alert_evidence (alert_id TEXT PRIMARY KEY, evidence TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX bars_by_interval ON bars(interval_ns, start_ns);
)sql",  // Indexes for every sort key in both directions (ties by start_ns, id), and rollups kept
    // exact by triggers so the dashboard's statistics read thousands of rows, not millions.
    R"sql(
CREATE INDEX alerts_by_end ON alerts(end_ns, start_ns, id);
CREATE INDEX alerts_by_score ON alerts(score, start_ns, id);
DROP INDEX alerts_by_rule;
CREATE INDEX alerts_by_rule ON alerts(rule, start_ns, id);
DROP INDEX alerts_by_severity;
CREATE INDEX alerts_by_severity ON alerts(severity_rank, start_ns, id);
DROP INDEX alerts_by_symbol;
CREATE INDEX alerts_by_symbol ON alerts(symbol, start_ns, id);
CREATE TABLE alert_counts_minute (
  minute_ns INTEGER NOT NULL,
  severity_rank INTEGER NOT NULL,
  total INTEGER NOT NULL,
  start_min INTEGER NOT NULL,
  end_max INTEGER NOT NULL,
  PRIMARY KEY (minute_ns, severity_rank)
) WITHOUT ROWID;
CREATE TABLE alert_counts_rule (
  hour_ns INTEGER NOT NULL,
  rule TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  total INTEGER NOT NULL,
  score_sum REAL NOT NULL,
  score_max REAL NOT NULL,
  PRIMARY KEY (hour_ns, rule, severity_rank)
) WITHOUT ROWID;
CREATE TABLE alert_counts_symbol (
  hour_ns INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  total INTEGER NOT NULL,
  score_sum REAL NOT NULL,
  score_max REAL NOT NULL,
  PRIMARY KEY (hour_ns, symbol, severity_rank)
) WITHOUT ROWID;
CREATE TABLE account_alert_counts (
  account TEXT PRIMARY KEY,
  total INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE bar_volume_hourly (
  interval_ns INTEGER NOT NULL,
  hour_ns INTEGER NOT NULL,
  symbol TEXT NOT NULL,
  bars INTEGER NOT NULL,
  buy REAL NOT NULL,
  sell REAL NOT NULL,
  total REAL NOT NULL,
  value REAL NOT NULL,
  trades INTEGER NOT NULL,
  PRIMARY KEY (interval_ns, hour_ns, symbol)
) WITHOUT ROWID;
CREATE TRIGGER alerts_counted AFTER INSERT ON alerts BEGIN
  INSERT INTO alert_counts_minute (minute_ns, severity_rank, total, start_min, end_max)
  VALUES ((new.start_ns / 60000000000) * 60000000000, new.severity_rank, 1, new.start_ns, new.end_ns)
  ON CONFLICT (minute_ns, severity_rank) DO UPDATE SET total = total + 1,
    start_min = min(start_min, excluded.start_min), end_max = max(end_max, excluded.end_max);
  INSERT INTO alert_counts_rule (hour_ns, rule, severity_rank, total, score_sum, score_max)
  VALUES ((new.start_ns / 3600000000000) * 3600000000000, new.rule, new.severity_rank, 1, new.score, new.score)
  ON CONFLICT (hour_ns, rule, severity_rank) DO UPDATE SET total = total + 1,
    score_sum = score_sum + excluded.score_sum, score_max = max(score_max, excluded.score_max);
  INSERT INTO alert_counts_symbol (hour_ns, symbol, severity_rank, total, score_sum, score_max)
  VALUES ((new.start_ns / 3600000000000) * 3600000000000, new.symbol, new.severity_rank, 1, new.score, new.score)
  ON CONFLICT (hour_ns, symbol, severity_rank) DO UPDATE SET total = total + 1,
    score_sum = score_sum + excluded.score_sum, score_max = max(score_max, excluded.score_max);
END;
CREATE TRIGGER alerts_recounted
AFTER UPDATE OF rule, symbol, severity_rank, score, start_ns, end_ns ON alerts
WHEN old.rule IS NOT new.rule OR old.symbol IS NOT new.symbol
  OR old.severity_rank IS NOT new.severity_rank OR old.score IS NOT new.score
  OR old.start_ns IS NOT new.start_ns OR old.end_ns IS NOT new.end_ns
BEGIN
  UPDATE alert_counts_minute SET total = total - 1,
    start_min = coalesce((SELECT min(start_ns) FROM alerts WHERE severity_rank = old.severity_rank
      AND start_ns >= (old.start_ns / 60000000000) * 60000000000 AND start_ns < (old.start_ns / 60000000000) * 60000000000 + 60000000000), 0),
    end_max = coalesce((SELECT max(end_ns) FROM alerts WHERE severity_rank = old.severity_rank
      AND start_ns >= (old.start_ns / 60000000000) * 60000000000 AND start_ns < (old.start_ns / 60000000000) * 60000000000 + 60000000000), 0)
  WHERE minute_ns = (old.start_ns / 60000000000) * 60000000000 AND severity_rank = old.severity_rank;
  DELETE FROM alert_counts_minute
  WHERE minute_ns = (old.start_ns / 60000000000) * 60000000000 AND severity_rank = old.severity_rank AND total = 0;
  UPDATE alert_counts_rule SET total = total - 1, score_sum = score_sum - old.score,
    score_max = coalesce((SELECT max(score) FROM alerts WHERE rule = old.rule
      AND severity_rank = old.severity_rank AND start_ns >= (old.start_ns / 3600000000000) * 3600000000000
      AND start_ns < (old.start_ns / 3600000000000) * 3600000000000 + 3600000000000), 0)
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND rule = old.rule AND severity_rank = old.severity_rank;
  DELETE FROM alert_counts_rule
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND rule = old.rule AND severity_rank = old.severity_rank AND total = 0;
  UPDATE alert_counts_symbol SET total = total - 1, score_sum = score_sum - old.score,
    score_max = coalesce((SELECT max(score) FROM alerts WHERE symbol = old.symbol
      AND severity_rank = old.severity_rank AND start_ns >= (old.start_ns / 3600000000000) * 3600000000000
      AND start_ns < (old.start_ns / 3600000000000) * 3600000000000 + 3600000000000), 0)
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol AND severity_rank = old.severity_rank;
  DELETE FROM alert_counts_symbol
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol AND severity_rank = old.severity_rank AND total = 0;
  INSERT INTO alert_counts_minute (minute_ns, severity_rank, total, start_min, end_max)
  VALUES ((new.start_ns / 60000000000) * 60000000000, new.severity_rank, 1, new.start_ns, new.end_ns)
  ON CONFLICT (minute_ns, severity_rank) DO UPDATE SET total = total + 1,
    start_min = min(start_min, excluded.start_min), end_max = max(end_max, excluded.end_max);
  INSERT INTO alert_counts_rule (hour_ns, rule, severity_rank, total, score_sum, score_max)
  VALUES ((new.start_ns / 3600000000000) * 3600000000000, new.rule, new.severity_rank, 1, new.score, new.score)
  ON CONFLICT (hour_ns, rule, severity_rank) DO UPDATE SET total = total + 1,
    score_sum = score_sum + excluded.score_sum, score_max = max(score_max, excluded.score_max);
  INSERT INTO alert_counts_symbol (hour_ns, symbol, severity_rank, total, score_sum, score_max)
  VALUES ((new.start_ns / 3600000000000) * 3600000000000, new.symbol, new.severity_rank, 1, new.score, new.score)
  ON CONFLICT (hour_ns, symbol, severity_rank) DO UPDATE SET total = total + 1,
    score_sum = score_sum + excluded.score_sum, score_max = max(score_max, excluded.score_max);
END;
CREATE TRIGGER alerts_uncounted AFTER DELETE ON alerts BEGIN
  UPDATE alert_counts_minute SET total = total - 1,
    start_min = coalesce((SELECT min(start_ns) FROM alerts WHERE severity_rank = old.severity_rank
      AND start_ns >= (old.start_ns / 60000000000) * 60000000000 AND start_ns < (old.start_ns / 60000000000) * 60000000000 + 60000000000), 0),
    end_max = coalesce((SELECT max(end_ns) FROM alerts WHERE severity_rank = old.severity_rank
      AND start_ns >= (old.start_ns / 60000000000) * 60000000000 AND start_ns < (old.start_ns / 60000000000) * 60000000000 + 60000000000), 0)
  WHERE minute_ns = (old.start_ns / 60000000000) * 60000000000 AND severity_rank = old.severity_rank;
  DELETE FROM alert_counts_minute
  WHERE minute_ns = (old.start_ns / 60000000000) * 60000000000 AND severity_rank = old.severity_rank AND total = 0;
  UPDATE alert_counts_rule SET total = total - 1, score_sum = score_sum - old.score,
    score_max = coalesce((SELECT max(score) FROM alerts WHERE rule = old.rule
      AND severity_rank = old.severity_rank AND start_ns >= (old.start_ns / 3600000000000) * 3600000000000
      AND start_ns < (old.start_ns / 3600000000000) * 3600000000000 + 3600000000000), 0)
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND rule = old.rule AND severity_rank = old.severity_rank;
  DELETE FROM alert_counts_rule
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND rule = old.rule AND severity_rank = old.severity_rank AND total = 0;
  UPDATE alert_counts_symbol SET total = total - 1, score_sum = score_sum - old.score,
    score_max = coalesce((SELECT max(score) FROM alerts WHERE symbol = old.symbol
      AND severity_rank = old.severity_rank AND start_ns >= (old.start_ns / 3600000000000) * 3600000000000
      AND start_ns < (old.start_ns / 3600000000000) * 3600000000000 + 3600000000000), 0)
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol AND severity_rank = old.severity_rank;
  DELETE FROM alert_counts_symbol
  WHERE hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol AND severity_rank = old.severity_rank AND total = 0;
END;
CREATE TRIGGER alert_accounts_counted AFTER INSERT ON alert_accounts BEGIN
  INSERT INTO account_alert_counts (account, total) VALUES (new.account, 1)
  ON CONFLICT (account) DO UPDATE SET total = total + 1;
END;
CREATE TRIGGER alert_accounts_uncounted AFTER DELETE ON alert_accounts BEGIN
  UPDATE account_alert_counts SET total = total - 1 WHERE account = old.account;
  DELETE FROM account_alert_counts WHERE account = old.account AND total = 0;
END;
CREATE TRIGGER bars_counted AFTER INSERT ON bars BEGIN
  INSERT INTO bar_volume_hourly (interval_ns, hour_ns, symbol, bars, buy, sell, total, value, trades)
  VALUES (new.interval_ns, (new.start_ns / 3600000000000) * 3600000000000, new.symbol, 1, CAST(new.buy_volume AS REAL), CAST(new.sell_volume AS REAL), CAST(new.volume AS REAL), new.value, new.trades)
  ON CONFLICT (interval_ns, hour_ns, symbol) DO UPDATE SET bars = bars + 1,
    buy = buy + excluded.buy, sell = sell + excluded.sell, total = total + excluded.total,
    value = value + excluded.value, trades = trades + excluded.trades;
END;
CREATE TRIGGER bars_recounted AFTER UPDATE ON bars BEGIN
  UPDATE bar_volume_hourly SET bars = bars - 1, buy = buy - CAST(old.buy_volume AS REAL),
    sell = sell - CAST(old.sell_volume AS REAL), total = total - CAST(old.volume AS REAL),
    value = value - old.value, trades = trades - old.trades
  WHERE interval_ns = old.interval_ns AND hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol;
  DELETE FROM bar_volume_hourly WHERE interval_ns = old.interval_ns AND hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol AND bars = 0;
  INSERT INTO bar_volume_hourly (interval_ns, hour_ns, symbol, bars, buy, sell, total, value, trades)
  VALUES (new.interval_ns, (new.start_ns / 3600000000000) * 3600000000000, new.symbol, 1, CAST(new.buy_volume AS REAL), CAST(new.sell_volume AS REAL), CAST(new.volume AS REAL), new.value, new.trades)
  ON CONFLICT (interval_ns, hour_ns, symbol) DO UPDATE SET bars = bars + 1,
    buy = buy + excluded.buy, sell = sell + excluded.sell, total = total + excluded.total,
    value = value + excluded.value, trades = trades + excluded.trades;
END;
CREATE TRIGGER bars_uncounted AFTER DELETE ON bars BEGIN
  UPDATE bar_volume_hourly SET bars = bars - 1, buy = buy - CAST(old.buy_volume AS REAL),
    sell = sell - CAST(old.sell_volume AS REAL), total = total - CAST(old.volume AS REAL),
    value = value - old.value, trades = trades - old.trades
  WHERE interval_ns = old.interval_ns AND hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol;
  DELETE FROM bar_volume_hourly WHERE interval_ns = old.interval_ns AND hour_ns = (old.start_ns / 3600000000000) * 3600000000000 AND symbol = old.symbol AND bars = 0;
END;
CREATE VIRTUAL TABLE alert_text USING fts5(body, tokenize = 'trigram');
CREATE TRIGGER alerts_text_added AFTER INSERT ON alerts BEGIN
  INSERT INTO alert_text (rowid, body) VALUES (new.rowid, new.why || char(10) || new.rule || char(10) || new.symbol || char(10) || new.id || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(new.accounts)), ''));
END;
CREATE TRIGGER alerts_text_changed AFTER UPDATE OF why, rule, symbol, accounts ON alerts
WHEN old.why IS NOT new.why OR old.rule IS NOT new.rule OR old.symbol IS NOT new.symbol
  OR old.accounts IS NOT new.accounts
BEGIN
  DELETE FROM alert_text WHERE rowid = old.rowid;
  INSERT INTO alert_text (rowid, body) VALUES (new.rowid, new.why || char(10) || new.rule || char(10) || new.symbol || char(10) || new.id || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(new.accounts)), ''));
END;
CREATE TRIGGER alerts_text_removed AFTER DELETE ON alerts BEGIN
  DELETE FROM alert_text WHERE rowid = old.rowid;
END;
INSERT INTO alert_text (rowid, body) SELECT rowid, alerts.why || char(10) || alerts.rule || char(10) || alerts.symbol || char(10) || alerts.id || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(alerts.accounts)), '') FROM alerts;
-- Views for BI tools (docs/API.md, "SQL views"); the same names and columns in PostgreSQL.
CREATE VIEW alerts_per_minute AS
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', (start_ns / 60000000000) * 60000000000 / 1000000000, 'unixepoch') AS minute_start,
       (start_ns / 60000000000) * 60000000000 AS minute_ns, rule, severity, count(*) AS alerts
FROM alerts GROUP BY 2, 3, 4;
CREATE VIEW alerts_per_hour AS
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', hour_ns / 1000000000, 'unixepoch') AS hour_start, hour_ns, rule,
       CASE severity_rank WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END AS severity, total AS alerts
FROM alert_counts_rule;
CREATE VIEW alerts_per_rule AS
SELECT rule, sum(total) AS alerts, sum(CASE WHEN severity_rank = 0 THEN total ELSE 0 END) AS low, sum(CASE WHEN severity_rank = 1 THEN total ELSE 0 END) AS medium, sum(CASE WHEN severity_rank = 2 THEN total ELSE 0 END) AS high, sum(CASE WHEN severity_rank = 3 THEN total ELSE 0 END) AS critical,
       sum(score_sum) / sum(total) AS mean_score, max(score_max) AS max_score
FROM alert_counts_rule GROUP BY rule;
CREATE VIEW alerts_rule_severity AS
SELECT rule, CASE severity_rank WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END AS severity, sum(total) AS alerts
FROM alert_counts_rule GROUP BY rule, severity_rank;
CREATE VIEW symbol_risk AS
SELECT symbol, sum(total) AS alerts, sum(CASE WHEN severity_rank = 0 THEN total ELSE 0 END) AS low, sum(CASE WHEN severity_rank = 1 THEN total ELSE 0 END) AS medium, sum(CASE WHEN severity_rank = 2 THEN total ELSE 0 END) AS high, sum(CASE WHEN severity_rank = 3 THEN total ELSE 0 END) AS critical,
       3 * sum(CASE WHEN severity_rank = 3 THEN total ELSE 0 END)
         + 2 * sum(CASE WHEN severity_rank = 2 THEN total ELSE 0 END)
         + sum(CASE WHEN severity_rank = 1 THEN total ELSE 0 END) AS risk,
       sum(score_sum) AS score_sum, max(score_max) AS max_score
FROM alert_counts_symbol GROUP BY symbol;
INSERT INTO alert_counts_minute (minute_ns, severity_rank, total, start_min, end_max)
SELECT (start_ns / 60000000000) * 60000000000, severity_rank, count(*), min(start_ns), max(end_ns)
FROM alerts GROUP BY 1, 2;
INSERT INTO alert_counts_rule (hour_ns, rule, severity_rank, total, score_sum, score_max)
SELECT (start_ns / 3600000000000) * 3600000000000, rule, severity_rank, count(*), sum(score), max(score)
FROM alerts GROUP BY 1, 2, 3;
INSERT INTO alert_counts_symbol (hour_ns, symbol, severity_rank, total, score_sum, score_max)
SELECT (start_ns / 3600000000000) * 3600000000000, symbol, severity_rank, count(*), sum(score), max(score)
FROM alerts GROUP BY 1, 2, 3;
INSERT INTO account_alert_counts (account, total)
SELECT account, count(*) FROM alert_accounts GROUP BY account;
INSERT INTO bar_volume_hourly (interval_ns, hour_ns, symbol, bars, buy, sell, total, value, trades)
SELECT interval_ns, (start_ns / 3600000000000) * 3600000000000, symbol, count(*), sum(CAST(buy_volume AS REAL)),
       sum(CAST(sell_volume AS REAL)), sum(CAST(volume AS REAL)), sum(value), sum(trades)
FROM bars GROUP BY 1, 2, 3;
)sql",
    // Symbol risk reads the symbol rollup in symbol order, without sorting it.
    R"sql(
CREATE INDEX alert_counts_by_symbol
  ON alert_counts_symbol(symbol, hour_ns, severity_rank, total, score_sum, score_max);
)sql",
};
constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

std::string_view json_or_empty_object(const std::string& json) {
  return json.empty() ? std::string_view("{}") : std::string_view(json);
}

std::string wall_clock_iso() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
  return Timestamp::from_nanos(ns).floor_to(Duration::millis(1)).to_iso8601();
}

int stored_version(sqlite::Database& db) {
  sqlite::Statement query(db, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  query.step();
  return static_cast<int>(query.column_int(0));
}

void apply_migration(sqlite::Database& db, int version) {
  sqlite::Transaction tx(db);
  // Another process may have migrated since we looked; the write lock makes this check final.
  if (stored_version(db) >= version) return;
  db.exec(std::string(kMigrations[version - 1]),
          "cannot apply schema migration " + std::to_string(version));
  sqlite::Statement record(db,
                           "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
  std::string now = wall_clock_iso();
  record.bind(1, int64_t{version}).bind(2, now).execute();
  tx.commit();
}

// Sets the connection up and brings the schema to kLatestVersion; returns that version.
int migrate(sqlite::Database& db) {
  db.exec("PRAGMA journal_mode = WAL", "cannot enable the WAL journal");
  db.exec("PRAGMA synchronous = NORMAL", "cannot set synchronous mode");
  // Alert ids are hashes, so upserts land on random index pages: a 32 MiB page cache (default
  // 2 MiB) keeps them in memory instead of re-reading them from the OS for every batch.
  db.exec("PRAGMA cache_size = -32768", "cannot set the cache size");
  // A checkpoint copies the WAL into the database file and syncs both; at the default of 1000
  // pages (4 MiB) checkpoints cost more than the inserts of a batch of alerts. 10000 pages
  // bound the WAL at about 40 MiB; each commit stays as durable as before (synchronous=NORMAL).
  db.exec("PRAGMA wal_autocheckpoint = 10000", "cannot set the WAL checkpoint interval");
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at TEXT NOT NULL)",
      "cannot create the schema_migrations table");
  int version = stored_version(db);
  if (version > kLatestVersion) {
    throw std::runtime_error("sqlite store '" + db.path() + "': the database has schema version " +
                             std::to_string(version) + " but this build of tapewatch knows only " +
                             "versions up to " + std::to_string(kLatestVersion) +
                             "; open it with a newer tapewatch");
  }
  for (int v = version + 1; v <= kLatestVersion; ++v) apply_migration(db, v);
  return kLatestVersion;
}

Price read_price(std::string_view text, std::string_view column) {
  auto value = Price::parse(text);
  if (!value) throw std::runtime_error("bars." + std::string(column) + " is not a decimal");
  return *value;
}

Quantity read_quantity(std::string_view text, std::string_view column) {
  auto value = Quantity::parse(text);
  if (!value) throw std::runtime_error("bars." + std::string(column) + " is not a decimal");
  return *value;
}

// The shared decoders' view of the current row of a statement.
class StatementRow final : public sql::Row {
 public:
  explicit StatementRow(const sqlite::Statement& statement) : s_(statement) {}
  bool is_null(int column) const override { return s_.is_null(column); }
  int64_t integer(int column) const override { return s_.column_int(column); }
  double real(int column) const override { return s_.column_double(column); }
  std::string_view text(int column) const override { return s_.column_text(column); }

 private:
  const sqlite::Statement& s_;
};

// Prepares and binds a shared query; `query` must outlive the statement's use (bound text is
// not copied).
void bind_all(sqlite::Statement& statement, const sql::Query& query) {
  int index = 1;
  for (const sql::Param& param : query.params) {
    std::visit([&](const auto& value) { statement.bind(index++, value); }, param);
  }
}

// Runs `query`, passing each row to `visit`.
template <class Visit>
void for_each_row(sqlite::Database& db, const sql::Query& query, Visit&& visit) {
  sqlite::Statement statement(db, query.text);
  bind_all(statement, query);
  StatementRow row(statement);
  while (statement.step()) visit(row);
}

// Runs `query` and decodes every row with `read`.
template <class Read>
auto read_rows(sqlite::Database& db, const sql::Query& query, Read read) {
  std::vector<decltype(read(std::declval<const sql::Row&>()))> rows;
  for_each_row(db, query, [&](const sql::Row& row) { rows.push_back(read(row)); });
  return rows;
}

// Runs a query of one row (an aggregate) and decodes it with `read`.
template <class Read>
auto read_one(sqlite::Database& db, const sql::Query& query, Read read) {
  auto rows = read_rows(db, query, read);
  if (rows.size() != 1) throw std::logic_error("an aggregate query returned no row");
  return std::move(rows.front());
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, SqliteStoreOptions options)
    : options_(options),
      db_(path, options.busy_timeout_ms),
      schema_version_(migrate(db_)),
      upsert_alert_(db_, sql::upsert_alert(kDialect)),
      delete_accounts_(db_, sql::delete_accounts(kDialect)),
      upsert_account_(db_, sql::upsert_account(kDialect)),
      upsert_evidence_(db_, sql::upsert_evidence(kDialect)),
      reserve_change_seqs_(db_, sql::reserve_change_seqs(kDialect)),
      upsert_bar_(db_, sql::upsert_bar(kDialect)),
      upsert_run_(db_, sql::upsert_run(kDialect)) {
  pending_alerts_.reserve(options_.batch_size);
}

SqliteStore::~SqliteStore() {
  try {
    flush();
  } catch (const std::exception& e) {
    spdlog::error("{} (buffered alerts, evidence and bars were lost)", e.what());
  }
}

int SqliteStore::latest_schema_version() {
  return kLatestVersion;
}

std::string SqliteStore::describe() const {
  return "sqlite:" + db_.path();
}

void SqliteStore::begin_run(const RunRecord& run) {
  if (run.run_id.empty()) throw std::invalid_argument("a run needs a non-empty run id");
  flush();  // alerts buffered so far belong to the previous run
  RunRecord started = run;
  if (started.started_at.empty()) started.started_at = wall_clock_iso();
  started.status = "running";
  upsert_run(started, {});
  run_id_ = run.run_id;
}

void SqliteStore::finish_run(const RunRecord& run) {
  if (run.run_id.empty()) throw std::invalid_argument("a run needs a non-empty run id");
  flush();
  upsert_run(run, wall_clock_iso());
}

void SqliteStore::upsert_run(const RunRecord& run, std::string_view finished_at) {
  // Bound text is not copied, so it lives here until the statement has run.
  std::string inputs = json_string_array(run.inputs);
  std::string books = counts_json(run.books);
  std::string feed_counts = counts_json(run.feed_counts);
  upsert_run_.reset()
      .bind(1, run.run_id)
      .bind(2, run.started_at)
      .bind_or_null(3, finished_at)
      .bind(4, run.status)
      .bind(5, inputs)
      .bind(6, run.config_hash)
      .bind(7, run.config_toml)
      .bind(8, static_cast<int64_t>(run.events))
      .bind(9, static_cast<int64_t>(run.rejects))
      .bind(10, static_cast<int64_t>(run.alerts))
      .bind(11, json_or_empty_object(run.rejects_json))
      .bind(12, json_or_empty_object(run.alerts_json))
      .bind(13, run.elapsed_seconds)
      .bind(14, run.events_per_second)
      .bind(15, static_cast<int64_t>(run.peak_rss_bytes))
      .bind(16, run.error)
      .bind(17, books)
      .bind(18, feed_counts)
      .execute();
}

void SqliteStore::emit(Alert&& alert) {
  pending_alerts_.push_back(std::move(alert));
  if (pending_alerts_.size() >= options_.batch_size) flush();
}

void SqliteStore::write_bar(std::string_view symbol, Duration interval, const Bar& bar) {
  pending_bars_.push_back({std::string(symbol), interval.count(), bar});
  if (pending_bars_.size() >= options_.batch_size) flush();
}

void SqliteStore::write_evidence(const std::string& alert_id, std::string evidence_json) {
  pending_evidence_.emplace_back(alert_id, std::move(evidence_json));
  if (pending_evidence_.size() >= options_.batch_size) flush();
}

void SqliteStore::flush() {
  if (pending_alerts_.empty() && pending_bars_.empty() && pending_evidence_.empty()) return;
  // On failure the buffers are kept, so a later flush (say, once a lock is released) retries.
  sqlite::Transaction tx(db_);
  write_alerts();
  write_bars();
  write_pending_evidence();
  tx.commit();
  pending_alerts_.clear();
  pending_bars_.clear();
  pending_evidence_.clear();
}

uint64_t SqliteStore::reserve_change_seqs(uint64_t count) {
  reserve_change_seqs_.reset().bind(1, static_cast<int64_t>(count));
  if (!reserve_change_seqs_.step()) db_.fail("the change counter row is missing");
  auto last = static_cast<uint64_t>(reserve_change_seqs_.column_int(0));
  reserve_change_seqs_.execute();
  return last - count + 1;
}

void SqliteStore::write_alerts() {
  if (pending_alerts_.empty()) return;
  uint64_t change_seq = reserve_change_seqs(pending_alerts_.size());
  std::string now = wall_clock_iso();
  std::string accounts, evidence, start_time, end_time;
  for (const Alert& a : pending_alerts_) {
    accounts.clear();
    append_json_string_array(accounts, a.accounts);
    evidence.clear();
    append_json_string_array(evidence, a.evidence);
    start_time = a.start.to_iso8601();
    end_time = a.end.to_iso8601();
    upsert_alert_.reset()
        .bind(1, a.id)
        .bind(2, a.rule)
        .bind(3, a.symbol)
        .bind(4, to_string(a.severity))
        .bind(5, static_cast<int64_t>(a.severity))
        .bind(6, a.score)
        .bind(7, a.start.nanos())
        .bind(8, a.end.nanos())
        .bind(9, start_time)
        .bind(10, end_time)
        .bind(11, accounts)
        .bind(12, json_or_empty_object(a.metrics_json))
        .bind(13, a.why)
        .bind(14, evidence)
        .bind(15, static_cast<int64_t>(a.evidence_total))
        .bind_or_null(16, run_id_)
        .bind(17, now)
        .bind(18, static_cast<int64_t>(change_seq++))
        .execute();
    write_accounts(a);
  }
}

void SqliteStore::write_accounts(const Alert& a) {
  delete_accounts_.reset().bind(1, a.id).execute();
  for (const std::string& account : a.accounts) {
    upsert_account_.reset().bind(1, a.id).bind(2, account).execute();
  }
}

void SqliteStore::write_pending_evidence() {
  for (const auto& [alert_id, evidence] : pending_evidence_) {
    upsert_evidence_.reset().bind(1, alert_id).bind(2, evidence).execute();
  }
}

void SqliteStore::write_bars() {
  std::string start_time, open, high, low, close, volume, buy_volume, sell_volume;
  for (const PendingBar& p : pending_bars_) {
    const Bar& b = p.bar;
    start_time = b.start.to_iso8601();
    open = b.open.to_string();
    high = b.high.to_string();
    low = b.low.to_string();
    close = b.close.to_string();
    volume = b.volume.to_string();
    buy_volume = b.buy_volume.to_string();
    sell_volume = b.sell_volume.to_string();
    upsert_bar_.reset()
        .bind(1, p.symbol)
        .bind(2, p.interval_ns)
        .bind(3, b.start.nanos())
        .bind(4, start_time)
        .bind(5, open)
        .bind(6, high)
        .bind(7, low)
        .bind(8, close)
        .bind(9, volume)
        .bind(10, buy_volume)
        .bind(11, sell_volume)
        .bind(12, b.value)
        .bind(13, static_cast<int64_t>(b.trades))
        .execute();
  }
}

void SqliteStore::for_each_alert(const AlertQuery& query, const AlertVisitor& visit) {
  flush();  // a reader sees what this store has emitted so far
  for_each_row(db_, sql::select_alerts(query, kDialect),
               [&](const sql::Row& row) { visit(sql::read_alert(row)); });
}

uint64_t SqliteStore::count_alerts(const AlertQuery& query) {
  flush();
  return read_one(db_, sql::count_alerts(query, kDialect),
                  [](const sql::Row& row) { return static_cast<uint64_t>(row.integer(0)); });
}

std::optional<StoredAlert> SqliteStore::find_alert(const std::string& id) {
  flush();
  auto rows = read_rows(db_, sql::find_alert(id, kDialect), sql::read_alert);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

bool SqliteStore::set_status(const std::string& id, AlertStatus status, std::string_view note) {
  flush();
  sqlite::Transaction tx(db_);  // rolls the counter back when no alert has the id
  auto change_seq = static_cast<int64_t>(reserve_change_seqs(1));
  std::string now = wall_clock_iso();
  sqlite::Statement update(db_, sql::update_status(kDialect));
  update.bind(1, to_string(status)).bind(2, note).bind(3, now).bind(4, change_seq).bind(5, id);
  update.execute();
  if (db_.changes() == 0) return false;
  tx.commit();
  return true;
}

void SqliteStore::alerts_changed_since(uint64_t change_seq, uint64_t limit,
                                       const AlertVisitor& visit) {
  flush();
  for_each_row(db_, sql::alerts_changed_since(change_seq, limit, kDialect),
               [&](const sql::Row& row) { visit(sql::read_alert(row)); });
}

uint64_t SqliteStore::last_change_seq() {
  flush();
  return read_one(db_, sql::last_change_seq(kDialect),
                  [](const sql::Row& row) { return static_cast<uint64_t>(row.integer(0)); });
}

std::optional<std::string> SqliteStore::find_evidence(const std::string& alert_id) {
  flush();
  auto rows = read_rows(db_, sql::find_evidence(alert_id, kDialect),
                        [](const sql::Row& row) { return std::string(row.text(0)); });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

AlertSummary SqliteStore::summarize(const AlertQuery& query) {
  flush();
  return read_one(db_, sql::summarize(query, kDialect), sql::read_summary);
}

std::vector<TimeBucket> SqliteStore::timeline(const AlertQuery& query, Duration bucket) {
  flush();
  return read_rows(db_, sql::timeline(query, bucket, kDialect), sql::read_time_bucket);
}

std::vector<RuleCount> SqliteStore::count_by_rule(const AlertQuery& query) {
  flush();
  return read_rows(db_, sql::count_by_rule(query, kDialect), sql::read_rule_count);
}

std::vector<SymbolRisk> SqliteStore::symbol_risk(const AlertQuery& query) {
  flush();
  return read_rows(db_, sql::symbol_risk(query, kDialect), sql::read_symbol_risk);
}

std::vector<SymbolVolume> SqliteStore::volume_by_symbol(Duration interval, Timestamp from,
                                                        Timestamp to,
                                                        std::optional<std::string> symbol) {
  flush();
  return read_rows(db_, sql::volume_by_symbol(interval, from, to, symbol, kDialect),
                   sql::read_symbol_volume);
}

std::vector<VolumeBucket> SqliteStore::volume_over_time(Duration interval, Duration bucket,
                                                        Timestamp from, Timestamp to,
                                                        std::optional<std::string> symbol) {
  flush();
  return read_rows(db_, sql::volume_over_time(interval, bucket, from, to, symbol, kDialect),
                   sql::read_volume_bucket);
}

std::optional<std::pair<Timestamp, Timestamp>> SqliteStore::bar_range(Duration interval) {
  flush();
  return read_one(db_, sql::bar_range(interval, kDialect), sql::read_bar_range);
}

std::optional<RunRecord> SqliteStore::find_run(const std::string& run_id) {
  auto rows = read_rows(db_, sql::find_run(run_id, kDialect), sql::read_run);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<RunRecord> SqliteStore::recent_runs(size_t limit) {
  return read_rows(db_, sql::recent_runs(limit, "rowid", kDialect), sql::read_run);
}

RunTotals SqliteStore::run_totals() {
  return read_one(db_, sql::run_totals(kDialect), sql::read_run_totals);
}

void SqliteStore::for_each_bar(std::string_view symbol, Duration interval, Timestamp from,
                               Timestamp to, const BarVisitor& visit) {
  flush();
  sqlite::Statement select(db_, R"sql(
SELECT start_ns, open, high, low, close, volume, buy_volume, sell_volume, value, trades
FROM bars WHERE symbol = ?1 AND interval_ns = ?2 AND start_ns >= ?3 AND start_ns < ?4
ORDER BY start_ns)sql");
  select.bind(1, symbol).bind(2, interval.count()).bind(3, from.nanos()).bind(4, to.nanos());
  Bar bar;
  while (select.step()) {
    bar.start = Timestamp::from_nanos(select.column_int(0));
    bar.open = read_price(select.column_text(1), "open");
    bar.high = read_price(select.column_text(2), "high");
    bar.low = read_price(select.column_text(3), "low");
    bar.close = read_price(select.column_text(4), "close");
    bar.volume = read_quantity(select.column_text(5), "volume");
    bar.buy_volume = read_quantity(select.column_text(6), "buy_volume");
    bar.sell_volume = read_quantity(select.column_text(7), "sell_volume");
    bar.value = select.column_double(8);
    bar.trades = static_cast<uint64_t>(select.column_int(9));
    visit(bar);
  }
}

}  // namespace tw
