#include "store/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <variant>

#include "util/json_array.hpp"
#include "util/named_counts.hpp"

namespace tw {
namespace {

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
};
constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));

// A re-run updates an alert's content but keeps when and by which run it was first seen.
constexpr std::string_view kUpsertAlert = R"sql(
INSERT INTO alerts (id, rule, symbol, severity, severity_rank, score, start_ns, end_ns,
                    start_time, end_time, accounts, metrics, why, evidence, evidence_total,
                    run_id, first_seen_run, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?17)
ON CONFLICT (id) DO UPDATE SET
  rule = excluded.rule, symbol = excluded.symbol, severity = excluded.severity,
  severity_rank = excluded.severity_rank, score = excluded.score,
  start_ns = excluded.start_ns, end_ns = excluded.end_ns,
  start_time = excluded.start_time, end_time = excluded.end_time,
  accounts = excluded.accounts, metrics = excluded.metrics, why = excluded.why,
  evidence = excluded.evidence, evidence_total = excluded.evidence_total,
  run_id = excluded.run_id,
  first_seen_run = coalesce(alerts.first_seen_run, excluded.first_seen_run),
  updated_at = excluded.updated_at
)sql";

constexpr std::string_view kUpsertBar = R"sql(
INSERT INTO bars (symbol, interval_ns, start_ns, start_time, open, high, low, close, volume,
                  buy_volume, sell_volume, value, trades)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (symbol, interval_ns, start_ns) DO UPDATE SET
  start_time = excluded.start_time, open = excluded.open, high = excluded.high,
  low = excluded.low, close = excluded.close, volume = excluded.volume,
  buy_volume = excluded.buy_volume, sell_volume = excluded.sell_volume,
  value = excluded.value, trades = excluded.trades
)sql";

// finish_run may pass an empty started_at; the one recorded by begin_run then stays.
constexpr std::string_view kUpsertRun = R"sql(
INSERT INTO runs (id, started_at, finished_at, status, inputs, config_hash, config, events,
                  rejects, alerts, rejects_by_reason, alerts_by_rule, elapsed_seconds,
                  events_per_second, peak_rss_bytes, error, books, feed_counts)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
ON CONFLICT (id) DO UPDATE SET
  started_at = coalesce(nullif(excluded.started_at, ''), runs.started_at),
  finished_at = excluded.finished_at, status = excluded.status, inputs = excluded.inputs,
  config_hash = excluded.config_hash, config = excluded.config, events = excluded.events,
  rejects = excluded.rejects, alerts = excluded.alerts,
  rejects_by_reason = excluded.rejects_by_reason, alerts_by_rule = excluded.alerts_by_rule,
  elapsed_seconds = excluded.elapsed_seconds, events_per_second = excluded.events_per_second,
  peak_rss_bytes = excluded.peak_rss_bytes, error = excluded.error, books = excluded.books,
  feed_counts = excluded.feed_counts
)sql";

constexpr std::string_view kAlertColumns =
    "id, rule, symbol, severity_rank, score, start_ns, end_ns, accounts, metrics, why, "
    "evidence, evidence_total, run_id, first_seen_run";

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

// A WHERE clause for an AlertQuery with its parameters, bound in order from ?1.
struct AlertFilter {
  std::string where;
  std::vector<std::variant<std::string_view, int64_t>> params;

  template <class T>
  void add(std::string_view condition, T value) {
    where += params.empty() ? " WHERE " : " AND ";
    where += condition;
    params.emplace_back(value);
  }

  void bind(sqlite::Statement& statement) const {
    int index = 1;
    for (const auto& param : params) {
      std::visit([&](auto value) { statement.bind(index++, value); }, param);
    }
  }
};

AlertFilter make_filter(const AlertQuery& q) {
  AlertFilter f;
  if (q.rule) f.add("rule = ?", std::string_view(*q.rule));
  if (q.rule_prefix) f.add("instr(rule, ?) = 1", std::string_view(*q.rule_prefix));
  if (q.symbol) f.add("symbol = ?", std::string_view(*q.symbol));
  if (q.min_severity) f.add("severity_rank >= ?", static_cast<int64_t>(*q.min_severity));
  if (q.from) f.add("start_ns >= ?", q.from->nanos());
  if (q.to) f.add("start_ns < ?", q.to->nanos());
  if (q.run_id) f.add("run_id = ?", std::string_view(*q.run_id));
  return f;
}

std::vector<std::string> read_string_array(std::string_view json, std::string_view what,
                                           std::string_view owner) {
  auto items = parse_json_string_array(json);
  if (!items) {
    throw std::runtime_error(std::string(owner) + ": stored " + std::string(what) +
                             " is not a JSON array of strings");
  }
  return std::move(*items);
}

NamedCounts read_counts(std::string_view json, std::string_view what, std::string_view owner) {
  auto counts = parse_counts_json(json);
  if (!counts) {
    throw std::runtime_error(std::string(owner) + ": stored " + std::string(what) +
                             " is not a JSON object of counts");
  }
  return std::move(*counts);
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

}  // namespace

SqliteStore::SqliteStore(const std::string& path, SqliteStoreOptions options)
    : options_(options),
      db_(path, options.busy_timeout_ms),
      schema_version_(migrate(db_)),
      upsert_alert_(db_, kUpsertAlert),
      upsert_bar_(db_, kUpsertBar),
      upsert_run_(db_, kUpsertRun) {
  pending_alerts_.reserve(options_.batch_size);
}

SqliteStore::~SqliteStore() {
  try {
    flush();
  } catch (const std::exception& e) {
    spdlog::error("{} (buffered alerts and bars were lost)", e.what());
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

void SqliteStore::flush() {
  if (pending_alerts_.empty() && pending_bars_.empty()) return;
  // On failure the buffers are kept, so a later flush (say, once a lock is released) retries.
  sqlite::Transaction tx(db_);
  write_alerts();
  write_bars();
  tx.commit();
  pending_alerts_.clear();
  pending_bars_.clear();
}

void SqliteStore::write_alerts() {
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
        .execute();
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
  AlertFilter filter = make_filter(query);
  std::string sql = "SELECT " + std::string(kAlertColumns) + " FROM alerts" + filter.where +
                    " ORDER BY start_ns, id LIMIT ? OFFSET ?";
  sqlite::Statement select(db_, sql);
  filter.bind(select);
  int next = static_cast<int>(filter.params.size()) + 1;
  // SQLite reads a negative LIMIT as "no limit".
  select.bind(next, query.limit == 0 ? int64_t{-1} : static_cast<int64_t>(query.limit));
  select.bind(next + 1, static_cast<int64_t>(query.offset));
  StoredAlert row;
  while (select.step()) {
    Alert& a = row.alert;
    a.id = select.column_text(0);
    a.rule = select.column_text(1);
    a.symbol = select.column_text(2);
    a.severity = static_cast<Severity>(std::clamp<int64_t>(select.column_int(3), 0, 3));
    a.score = select.column_double(4);
    a.start = Timestamp::from_nanos(select.column_int(5));
    a.end = Timestamp::from_nanos(select.column_int(6));
    a.accounts = read_string_array(select.column_text(7), "accounts", "alert " + a.id);
    a.metrics_json = select.column_text(8);
    a.why = select.column_text(9);
    a.evidence = read_string_array(select.column_text(10), "evidence", "alert " + a.id);
    a.evidence_total = static_cast<uint64_t>(select.column_int(11));
    row.run_id = select.column_text(12);
    row.first_seen_run = select.column_text(13);
    visit(row);
  }
}

uint64_t SqliteStore::count_alerts(const AlertQuery& query) {
  flush();
  AlertFilter filter = make_filter(query);
  sqlite::Statement count(db_, "SELECT count(*) FROM alerts" + filter.where);
  filter.bind(count);
  count.step();
  return static_cast<uint64_t>(count.column_int(0));
}

std::optional<RunRecord> SqliteStore::find_run(const std::string& run_id) {
  sqlite::Statement select(db_, R"sql(
SELECT started_at, finished_at, status, inputs, config_hash, config, events, rejects, alerts,
       rejects_by_reason, alerts_by_rule, elapsed_seconds, events_per_second, peak_rss_bytes,
       error, books, feed_counts
FROM runs WHERE id = ?1)sql");
  select.bind(1, run_id);
  if (!select.step()) return std::nullopt;
  RunRecord run;
  run.run_id = run_id;
  run.started_at = select.column_text(0);
  run.finished_at = select.column_text(1);
  run.status = select.column_text(2);
  run.inputs = read_string_array(select.column_text(3), "inputs", "run " + run_id);
  run.config_hash = select.column_text(4);
  run.config_toml = select.column_text(5);
  run.events = static_cast<uint64_t>(select.column_int(6));
  run.rejects = static_cast<uint64_t>(select.column_int(7));
  run.alerts = static_cast<uint64_t>(select.column_int(8));
  run.rejects_json = select.column_text(9);
  run.alerts_json = select.column_text(10);
  run.elapsed_seconds = select.column_double(11);
  run.events_per_second = select.column_double(12);
  run.peak_rss_bytes = static_cast<uint64_t>(select.column_int(13));
  run.error = select.column_text(14);
  run.books = read_counts(select.column_text(15), "books", "run " + run_id);
  run.feed_counts = read_counts(select.column_text(16), "feed_counts", "run " + run_id);
  return run;
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
