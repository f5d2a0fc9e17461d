#include "store/pg_schema.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

#include "model/timestamp.hpp"
#include "store/alert_sql.hpp"

namespace tw::pg {
namespace {

// The tables of the first schema version. Migrations, oldest first, are this and then the
// versions migration_sql lists; append, never edit.
// The SQLite schema in PostgreSQL types: times as BIGINT nanoseconds (and ISO text), bar
// prices and quantities as exact decimal TEXT, JSON as TEXT so both stores read it alike.
// Keys sort by byte (COLLATE "C") as in SQLite, whatever the database's default collation.
constexpr std::string_view kTables = R"sql(
CREATE TABLE runs (
  id TEXT COLLATE "C" PRIMARY KEY,
  seq BIGSERIAL UNIQUE,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  inputs TEXT NOT NULL DEFAULT '[]',
  config_hash TEXT NOT NULL DEFAULT '',
  config TEXT NOT NULL DEFAULT '',
  events BIGINT NOT NULL DEFAULT 0,
  rejects BIGINT NOT NULL DEFAULT 0,
  alerts BIGINT NOT NULL DEFAULT 0,
  rejects_by_reason TEXT NOT NULL DEFAULT '{}',
  alerts_by_rule TEXT NOT NULL DEFAULT '{}',
  elapsed_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  events_per_second DOUBLE PRECISION NOT NULL DEFAULT 0,
  peak_rss_bytes BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  books TEXT NOT NULL DEFAULT '{}',
  feed_counts TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE alerts (
  id TEXT COLLATE "C" PRIMARY KEY,
  rule TEXT COLLATE "C" NOT NULL,
  symbol TEXT COLLATE "C" NOT NULL,
  severity TEXT NOT NULL,
  severity_rank SMALLINT NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  start_ns BIGINT NOT NULL,
  end_ns BIGINT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  accounts TEXT NOT NULL DEFAULT '[]',
  metrics TEXT NOT NULL DEFAULT '{}',
  why TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '[]',
  evidence_total BIGINT NOT NULL DEFAULT 0,
  run_id TEXT COLLATE "C",
  first_seen_run TEXT COLLATE "C",
  status TEXT COLLATE "C" NOT NULL DEFAULT 'open',
  status_note TEXT NOT NULL DEFAULT '',
  change_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX alerts_by_start ON alerts(start_ns, id);
CREATE INDEX alerts_by_rule ON alerts(rule, start_ns);
CREATE INDEX alerts_by_severity ON alerts(severity_rank, start_ns);
CREATE INDEX alerts_by_symbol ON alerts(symbol, start_ns);
CREATE INDEX alerts_by_run ON alerts(run_id);
CREATE INDEX alerts_by_change ON alerts(change_seq);
CREATE INDEX alerts_by_status ON alerts(status, start_ns, id);
-- One row: the last change number handed out. Writers take numbers by updating it, which
-- also serialises them, so change numbers become visible in order.
CREATE TABLE alert_change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
INSERT INTO alert_change_counter VALUES (1, 0);
CREATE TABLE alert_accounts (
  alert_id TEXT COLLATE "C" NOT NULL,
  account TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (alert_id, account)
);
CREATE INDEX alert_accounts_by_account ON alert_accounts(account, alert_id);
CREATE TABLE alert_evidence (alert_id TEXT COLLATE "C" PRIMARY KEY, evidence TEXT NOT NULL);
CREATE TABLE bars (
  symbol TEXT COLLATE "C" NOT NULL,
  interval_ns BIGINT NOT NULL,
  start_ns BIGINT NOT NULL,
  start_time TEXT NOT NULL,
  open TEXT NOT NULL,
  high TEXT NOT NULL,
  low TEXT NOT NULL,
  close TEXT NOT NULL,
  volume TEXT NOT NULL,
  buy_volume TEXT NOT NULL,
  sell_volume TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  trades BIGINT NOT NULL,
  PRIMARY KEY (symbol, interval_ns, start_ns)
);
CREATE INDEX bars_by_interval ON bars(interval_ns, start_ns);
)sql";
// Version 3: the rollups of version 2 kept by statement-level triggers instead of row-level
// ones. A batch's upsert then updates each rollup group once, from the statement's
// transition table (`changed`: the rows inserted, or the rows before an update or delete),
// instead of three upserts per alert: writes are several times faster, the counts the same.
// Sign 1 adds the rows, -1 removes them; an update removes the old rows, then adds the new.
// Emptied groups are deleted by key, so a one-row change (a status) stays a few lookups.
constexpr std::string_view kSetBasedRollups = R"sql(
DROP TRIGGER alerts_counted ON alerts;
DROP TRIGGER alerts_recounted ON alerts;
DROP TRIGGER alert_accounts_counted ON alert_accounts;
DROP TRIGGER bars_counted ON bars;

CREATE FUNCTION tw_alerts_counted_set() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_ARGV[0]::INTEGER > 0 THEN
    INSERT INTO alert_counts_minute (minute_ns, severity_rank, total, start_min, end_max)
    SELECT (start_ns / 60000000000) * 60000000000, severity_rank, count(*), min(start_ns),
           max(end_ns)
    FROM changed GROUP BY 1, 2
    ON CONFLICT (minute_ns, severity_rank) DO UPDATE SET
      total = alert_counts_minute.total + excluded.total,
      start_min = least(alert_counts_minute.start_min, excluded.start_min),
      end_max = greatest(alert_counts_minute.end_max, excluded.end_max);
    INSERT INTO alert_counts_rule (hour_ns, rule, severity_rank, total, score_sum, score_max)
    SELECT (start_ns / 3600000000000) * 3600000000000, rule, severity_rank, count(*),
           sum(score), max(score)
    FROM changed GROUP BY 1, 2, 3
    ON CONFLICT (hour_ns, rule, severity_rank) DO UPDATE SET
      total = alert_counts_rule.total + excluded.total,
      score_sum = alert_counts_rule.score_sum + excluded.score_sum,
      score_max = greatest(alert_counts_rule.score_max, excluded.score_max);
    INSERT INTO alert_counts_symbol (hour_ns, symbol, severity_rank, total, score_sum, score_max)
    SELECT (start_ns / 3600000000000) * 3600000000000, symbol, severity_rank, count(*),
           sum(score), max(score)
    FROM changed GROUP BY 1, 2, 3
    ON CONFLICT (hour_ns, symbol, severity_rank) DO UPDATE SET
      total = alert_counts_symbol.total + excluded.total,
      score_sum = alert_counts_symbol.score_sum + excluded.score_sum,
      score_max = greatest(alert_counts_symbol.score_max, excluded.score_max);
  ELSE
    -- The extremes of a group that loses rows come again from the alerts, which already
    -- hold the statement's changes.
    UPDATE alert_counts_minute c SET total = c.total - g.n,
      start_min = coalesce((SELECT min(a.start_ns) FROM alerts a
        WHERE a.severity_rank = g.severity_rank AND a.start_ns >= g.m
          AND a.start_ns < g.m + 60000000000), 0),
      end_max = coalesce((SELECT max(a.end_ns) FROM alerts a
        WHERE a.severity_rank = g.severity_rank AND a.start_ns >= g.m
          AND a.start_ns < g.m + 60000000000), 0)
    FROM (SELECT (start_ns / 60000000000) * 60000000000 AS m, severity_rank, count(*) AS n
          FROM changed GROUP BY 1, 2) g
    WHERE c.minute_ns = g.m AND c.severity_rank = g.severity_rank;
    UPDATE alert_counts_rule c SET total = c.total - g.n, score_sum = c.score_sum - g.s,
      score_max = coalesce((SELECT max(a.score) FROM alerts a
        WHERE a.rule = g.rule AND a.severity_rank = g.severity_rank AND a.start_ns >= g.h
          AND a.start_ns < g.h + 3600000000000), 0)
    FROM (SELECT (start_ns / 3600000000000) * 3600000000000 AS h, rule, severity_rank,
                 count(*) AS n, sum(score) AS s
          FROM changed GROUP BY 1, 2, 3) g
    WHERE c.hour_ns = g.h AND c.rule = g.rule AND c.severity_rank = g.severity_rank;
    UPDATE alert_counts_symbol c SET total = c.total - g.n, score_sum = c.score_sum - g.s,
      score_max = coalesce((SELECT max(a.score) FROM alerts a
        WHERE a.symbol = g.symbol AND a.severity_rank = g.severity_rank AND a.start_ns >= g.h
          AND a.start_ns < g.h + 3600000000000), 0)
    FROM (SELECT (start_ns / 3600000000000) * 3600000000000 AS h, symbol, severity_rank,
                 count(*) AS n, sum(score) AS s
          FROM changed GROUP BY 1, 2, 3) g
    WHERE c.hour_ns = g.h AND c.symbol = g.symbol AND c.severity_rank = g.severity_rank;
    DELETE FROM alert_counts_minute c USING changed g
    WHERE c.minute_ns = (g.start_ns / 60000000000) * 60000000000
      AND c.severity_rank = g.severity_rank AND c.total = 0;
    DELETE FROM alert_counts_rule c USING changed g
    WHERE c.hour_ns = (g.start_ns / 3600000000000) * 3600000000000 AND c.rule = g.rule
      AND c.severity_rank = g.severity_rank AND c.total = 0;
    DELETE FROM alert_counts_symbol c USING changed g
    WHERE c.hour_ns = (g.start_ns / 3600000000000) * 3600000000000 AND c.symbol = g.symbol
      AND c.severity_rank = g.severity_rank AND c.total = 0;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER alerts_counted_insert AFTER INSERT ON alerts
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_alerts_counted_set('1');
-- Update triggers fire in name order: the old rows leave before the new ones come.
CREATE TRIGGER alerts_counted_update_1 AFTER UPDATE ON alerts
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_alerts_counted_set('-1');
CREATE TRIGGER alerts_counted_update_2 AFTER UPDATE ON alerts
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_alerts_counted_set('1');
CREATE TRIGGER alerts_counted_delete AFTER DELETE ON alerts
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_alerts_counted_set('-1');

CREATE FUNCTION tw_accounts_counted_set() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO account_alert_counts AS c (account, total)
  SELECT account, TG_ARGV[0]::INTEGER * count(*) FROM changed GROUP BY account
  ON CONFLICT (account) DO UPDATE SET total = c.total + excluded.total;
  DELETE FROM account_alert_counts c USING changed g
  WHERE c.account = g.account AND c.total = 0;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER alert_accounts_counted_insert AFTER INSERT ON alert_accounts
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_accounts_counted_set('1');
CREATE TRIGGER alert_accounts_counted_delete AFTER DELETE ON alert_accounts
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT
EXECUTE FUNCTION tw_accounts_counted_set('-1');

CREATE FUNCTION tw_bars_counted_set() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  sign INTEGER := TG_ARGV[0]::INTEGER;
BEGIN
  INSERT INTO bar_volume_hourly AS v
    (interval_ns, hour_ns, symbol, bars, buy, sell, total, value, trades)
  SELECT interval_ns, (start_ns / 3600000000000) * 3600000000000, symbol, sign * count(*),
         sign * sum(CAST(buy_volume AS DOUBLE PRECISION)),
         sign * sum(CAST(sell_volume AS DOUBLE PRECISION)),
         sign * sum(CAST(volume AS DOUBLE PRECISION)), sign * sum(value), sign * sum(trades)
  FROM changed GROUP BY 1, 2, 3
  ON CONFLICT (interval_ns, hour_ns, symbol) DO UPDATE SET bars = v.bars + excluded.bars,
    buy = v.buy + excluded.buy, sell = v.sell + excluded.sell, total = v.total + excluded.total,
    value = v.value + excluded.value, trades = v.trades + excluded.trades;
  DELETE FROM bar_volume_hourly v USING changed g
  WHERE v.interval_ns = g.interval_ns AND v.symbol = g.symbol
    AND v.hour_ns = (g.start_ns / 3600000000000) * 3600000000000 AND v.bars = 0;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER bars_counted_insert AFTER INSERT ON bars
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_bars_counted_set('1');
CREATE TRIGGER bars_counted_update_1 AFTER UPDATE ON bars
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_bars_counted_set('-1');
CREATE TRIGGER bars_counted_update_2 AFTER UPDATE ON bars
REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_bars_counted_set('1');
CREATE TRIGGER bars_counted_delete AFTER DELETE ON bars
REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tw_bars_counted_set('-1');
)sql";

constexpr int kLatestVersion = 3;

// The SQL that brings the schema from version - 1 to `version`.
std::string migration_sql(int version) {
  switch (version) {
    case 1:
      return std::string(kTables);
    // The rollup tables with their plpgsql triggers, sort indexes, BI views and trigram
    // indexes: what the shared statistics queries read, in both stores.
    case 2:
      return sql::postgres_rollups();
    case 3:
      return std::string(kSetBasedRollups);
    default:
      throw std::logic_error("no schema migration " + std::to_string(version));
  }
}

// Any fixed 64-bit number: every tapewatch process migrating one database takes this lock.
constexpr int64_t kMigrationLock = 0x7461706577617463;  // "tapewatc"

// Locks, then reads the stored version: with the lock held no other process changes it.
int locked_version(Connection& db) {
  db.exec("SELECT pg_advisory_xact_lock($1)", Params().add(kMigrationLock),
          "cannot lock the schema for migrating");
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at TEXT NOT NULL)",
      "cannot create the schema_migrations table");
  Result version = db.exec("SELECT coalesce(max(version), 0) FROM schema_migrations",
                           "cannot read the schema version");
  return static_cast<int>(version.integer(0, 0));
}

}  // namespace

std::string wall_clock_iso() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
  return Timestamp::from_nanos(ns).floor_to(Duration::millis(1)).to_iso8601();
}

int latest_schema_version() {
  return kLatestVersion;
}

int migrate(Connection& db) {
  for (;;) {
    Transaction tx(db);
    int version = locked_version(db);
    if (version > kLatestVersion) {
      throw std::runtime_error(db.name() + ": the database has schema version " +
                               std::to_string(version) + " but this build of tapewatch knows " +
                               "only versions up to " + std::to_string(kLatestVersion) +
                               "; open it with a newer tapewatch");
    }
    if (version == kLatestVersion) {
      tx.commit();
      return version;
    }
    int next = version + 1;
    db.exec_script(migration_sql(next), "cannot apply schema migration " + std::to_string(next));
    db.exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            Params().add(int64_t{next}).add(wall_clock_iso()),
            "cannot record schema migration " + std::to_string(next));
    tx.commit();
  }
}

}  // namespace tw::pg
