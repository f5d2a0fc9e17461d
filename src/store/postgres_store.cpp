#include "store/postgres_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "store/pg_schema.hpp"
#include "util/format.hpp"
#include "util/json_array.hpp"
#include "util/named_counts.hpp"

namespace tw {
namespace {

// Rows a batch COPYs into session-local staging tables before one upsert moves them.
constexpr std::string_view kStagingTables = R"sql(
CREATE TEMP TABLE IF NOT EXISTS staged_alerts (
  change_seq BIGINT, id TEXT, rule TEXT, symbol TEXT, severity TEXT, severity_rank SMALLINT,
  score DOUBLE PRECISION, start_ns BIGINT, end_ns BIGINT, start_time TEXT, end_time TEXT,
  accounts TEXT, metrics TEXT, why TEXT, evidence TEXT, evidence_total BIGINT
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staged_bars (
  seq BIGINT, symbol TEXT, interval_ns BIGINT, start_ns BIGINT, start_time TEXT, open TEXT,
  high TEXT, low TEXT, close TEXT, volume TEXT, buy_volume TEXT, sell_volume TEXT,
  value DOUBLE PRECISION, trades BIGINT
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staged_accounts (change_seq BIGINT, alert_id TEXT, account TEXT)
  ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS staged_evidence (seq BIGINT, alert_id TEXT, evidence TEXT)
  ON COMMIT DELETE ROWS;
)sql";

// A re-run updates an alert's content but keeps when and by which run it was first seen, and
// the analyst's status. Within a batch the last write of an id wins (DISTINCT ON ... DESC).
constexpr std::string_view kUpsertAlerts = R"sql(
INSERT INTO alerts (id, rule, symbol, severity, severity_rank, score, start_ns, end_ns,
                    start_time, end_time, accounts, metrics, why, evidence, evidence_total,
                    run_id, first_seen_run, created_at, updated_at, change_seq)
SELECT DISTINCT ON (id) id, rule, symbol, severity, severity_rank, score, start_ns, end_ns,
       start_time, end_time, accounts, metrics, why, evidence, evidence_total, $1, $1, $2, $2,
       change_seq
FROM staged_alerts ORDER BY id, change_seq DESC
ON CONFLICT (id) DO UPDATE SET
  rule = excluded.rule, symbol = excluded.symbol, severity = excluded.severity,
  severity_rank = excluded.severity_rank, score = excluded.score,
  start_ns = excluded.start_ns, end_ns = excluded.end_ns,
  start_time = excluded.start_time, end_time = excluded.end_time,
  accounts = excluded.accounts, metrics = excluded.metrics, why = excluded.why,
  evidence = excluded.evidence, evidence_total = excluded.evidence_total,
  run_id = excluded.run_id,
  first_seen_run = coalesce(alerts.first_seen_run, excluded.first_seen_run),
  updated_at = excluded.updated_at, change_seq = excluded.change_seq
)sql";

// An alert's accounts as rows (the account filter reads them): those of the write that won.
constexpr std::string_view kReplaceAccounts = R"sql(
DELETE FROM alert_accounts WHERE alert_id IN (SELECT id FROM staged_alerts);
INSERT INTO alert_accounts (alert_id, account)
SELECT DISTINCT s.alert_id, s.account FROM staged_accounts s
JOIN alerts a ON a.id = s.alert_id AND a.change_seq = s.change_seq
ON CONFLICT DO NOTHING;
)sql";

// Takes $1 change numbers; answers the last one taken. The row lock lasts until commit.
constexpr std::string_view kReserveChangeSeqs =
    "UPDATE alert_change_counter SET seq = seq + $1 WHERE id = 1 RETURNING seq";

constexpr std::string_view kUpsertBars = R"sql(
INSERT INTO bars (symbol, interval_ns, start_ns, start_time, open, high, low, close, volume,
                  buy_volume, sell_volume, value, trades)
SELECT DISTINCT ON (symbol, interval_ns, start_ns) symbol, interval_ns, start_ns, start_time,
       open, high, low, close, volume, buy_volume, sell_volume, value, trades
FROM staged_bars ORDER BY symbol, interval_ns, start_ns, seq DESC
ON CONFLICT (symbol, interval_ns, start_ns) DO UPDATE SET
  start_time = excluded.start_time, open = excluded.open, high = excluded.high,
  low = excluded.low, close = excluded.close, volume = excluded.volume,
  buy_volume = excluded.buy_volume, sell_volume = excluded.sell_volume,
  value = excluded.value, trades = excluded.trades
)sql";

constexpr std::string_view kUpsertEvidence = R"sql(
INSERT INTO alert_evidence (alert_id, evidence)
SELECT DISTINCT ON (alert_id) alert_id, evidence FROM staged_evidence
ORDER BY alert_id, seq DESC
ON CONFLICT (alert_id) DO UPDATE SET evidence = excluded.evidence
)sql";

// finish_run may pass an empty started_at; the one recorded by begin_run then stays.
constexpr std::string_view kUpsertRun = R"sql(
INSERT INTO runs (id, started_at, finished_at, status, inputs, config_hash, config, events,
                  rejects, alerts, rejects_by_reason, alerts_by_rule, elapsed_seconds,
                  events_per_second, peak_rss_bytes, error, books, feed_counts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
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
    "evidence, evidence_total, run_id, first_seen_run, status, status_note, updated_at, "
    "change_seq";

constexpr std::string_view kRunColumns =
    "id, started_at, finished_at, status, inputs, config_hash, config, events, rejects, "
    "alerts, rejects_by_reason, alerts_by_rule, elapsed_seconds, events_per_second, "
    "peak_rss_bytes, error, books, feed_counts";

std::string_view json_or_empty_object(const std::string& json) {
  return json.empty() ? std::string_view("{}") : std::string_view(json);
}

// Rows per FETCH when streaming alerts: bounded memory for exports of any size.
constexpr int kFetchRows = 5000;

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

template <class Decimal>
Decimal read_decimal(std::string_view text, std::string_view column) {
  auto value = Decimal::parse(text);
  if (!value) throw std::runtime_error("bars." + std::string(column) + " is not a decimal");
  return *value;
}

// One row of kAlertColumns.
StoredAlert read_alert(const pg::Result& r, int row) {
  StoredAlert stored;
  Alert& a = stored.alert;
  a.id = r.text(row, 0);
  a.rule = r.text(row, 1);
  a.symbol = r.text(row, 2);
  a.severity = static_cast<Severity>(std::clamp<int64_t>(r.integer(row, 3), 0, 3));
  a.score = r.real(row, 4);
  a.start = Timestamp::from_nanos(r.integer(row, 5));
  a.end = Timestamp::from_nanos(r.integer(row, 6));
  a.accounts = read_string_array(r.text(row, 7), "accounts", "alert " + a.id);
  a.metrics_json = r.text(row, 8);
  a.why = r.text(row, 9);
  a.evidence = read_string_array(r.text(row, 10), "evidence", "alert " + a.id);
  a.evidence_total = static_cast<uint64_t>(r.integer(row, 11));
  stored.run_id = r.text(row, 12);
  stored.first_seen_run = r.text(row, 13);
  stored.status = parse_alert_status(r.text(row, 14)).value_or(AlertStatus::kOpen);
  stored.status_note = r.text(row, 15);
  stored.updated_at = r.text(row, 16);
  stored.change_seq = static_cast<uint64_t>(r.integer(row, 17));
  return stored;
}

// One row of kRunColumns.
RunRecord read_run(const pg::Result& r, int row) {
  RunRecord run;
  run.run_id = r.text(row, 0);
  std::string owner = "run " + run.run_id;
  run.started_at = r.text(row, 1);
  run.finished_at = r.text(row, 2);
  run.status = r.text(row, 3);
  run.inputs = read_string_array(r.text(row, 4), "inputs", owner);
  run.config_hash = r.text(row, 5);
  run.config_toml = r.text(row, 6);
  run.events = static_cast<uint64_t>(r.integer(row, 7));
  run.rejects = static_cast<uint64_t>(r.integer(row, 8));
  run.alerts = static_cast<uint64_t>(r.integer(row, 9));
  run.rejects_json = r.text(row, 10);
  run.alerts_json = r.text(row, 11);
  run.elapsed_seconds = r.real(row, 12);
  run.events_per_second = r.real(row, 13);
  run.peak_rss_bytes = static_cast<uint64_t>(r.integer(row, 14));
  run.error = r.text(row, 15);
  run.books = read_counts(r.text(row, 16), "books", owner);
  run.feed_counts = read_counts(r.text(row, 17), "feed_counts", owner);
  return run;
}

// Appends one tab-separated COPY row; the caller passes every field already as text.
class CopyRows {
 public:
  CopyRows& field(std::string_view text) {
    if (!at_row_start_) data_ += '\t';
    pg::append_copy_field(data_, text);
    at_row_start_ = false;
    return *this;
  }
  CopyRows& field(int64_t value) { return field(std::string_view(std::to_string(value))); }
  CopyRows& field(double value) { return field(std::string_view(format_number(value))); }
  void end_row() {
    data_ += '\n';
    at_row_start_ = true;
  }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
  bool at_row_start_ = true;
};

// COPY rows of staged_alerts and staged_accounts; change numbers from `first_change_seq` on.
std::pair<std::string, std::string> alert_rows(const std::vector<Alert>& alerts,
                                               int64_t first_change_seq) {
  CopyRows rows, account_rows;
  std::string accounts, evidence;
  int64_t seq = first_change_seq;
  for (const Alert& a : alerts) {
    accounts.clear();
    append_json_string_array(accounts, a.accounts);
    evidence.clear();
    append_json_string_array(evidence, a.evidence);
    for (const std::string& account : a.accounts) {
      account_rows.field(seq).field(a.id).field(account).end_row();
    }
    rows.field(seq++).field(a.id).field(a.rule).field(a.symbol).field(to_string(a.severity));
    rows.field(static_cast<int64_t>(a.severity)).field(a.score).field(a.start.nanos());
    rows.field(a.end.nanos()).field(a.start.to_iso8601()).field(a.end.to_iso8601());
    rows.field(accounts).field(json_or_empty_object(a.metrics_json)).field(a.why);
    rows.field(evidence).field(static_cast<int64_t>(a.evidence_total));
    rows.end_row();
  }
  return {rows.data(), account_rows.data()};
}

// A WHERE clause for an AlertQuery with its $N parameters.
struct PgAlertFilter {
  std::string where;
  pg::Params params;

  template <class T>
  void add(std::string_view condition_before, T value, std::string_view condition_after = {}) {
    where += where.empty() ? " WHERE " : " AND ";
    params.add(value);
    where += std::string(condition_before) + "$" + std::to_string(params.size()) +
             std::string(condition_after);
  }
};

PgAlertFilter make_filter(const AlertQuery& q) {
  PgAlertFilter f;
  if (q.rule) f.add("rule = ", std::string_view(*q.rule));
  if (q.rule_prefix) f.add("starts_with(rule, ", std::string_view(*q.rule_prefix), ")");
  if (q.symbol) f.add("symbol = ", std::string_view(*q.symbol));
  if (q.min_severity) f.add("severity_rank >= ", static_cast<int64_t>(*q.min_severity));
  if (q.severity) f.add("severity_rank = ", static_cast<int64_t>(*q.severity));
  if (q.from) f.add("start_ns >= ", q.from->nanos());
  if (q.to) f.add("start_ns < ", q.to->nanos());
  if (q.run_id) f.add("run_id = ", std::string_view(*q.run_id));
  if (q.status) f.add("status = ", to_string(*q.status));
  if (q.account)
    f.add("id IN (SELECT alert_id FROM alert_accounts WHERE account = ",
          std::string_view(*q.account), ")");
  return f;
}

}  // namespace

PostgresStore::PostgresStore(const std::string& url, PostgresStoreOptions options)
    : options_(options), db_(url), schema_version_(pg::migrate(db_)) {
  pending_alerts_.reserve(options_.batch_size);
}

PostgresStore::~PostgresStore() {
  try {
    flush();
  } catch (const std::exception& e) {
    spdlog::error("{} (buffered alerts and bars were lost)", e.what());
  }
}

int PostgresStore::latest_schema_version() {
  return pg::latest_schema_version();
}

std::string PostgresStore::describe() const {
  return db_.masked_url();
}

template <class Work>
auto PostgresStore::with_reconnect(std::string_view what, Work&& work) -> decltype(work()) {
  auto delay = options_.first_retry_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const pg::ConnectionLost& e) {
      if (attempt >= options_.max_attempts) throw;
      spdlog::warn("{} failed (try {} of {}), reconnecting in {} ms: {}", what, attempt,
                   options_.max_attempts, delay.count(), e.what());
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, options_.max_retry_delay);
      try {
        db_.reconnect();
        ++reconnects_;
      } catch (const pg::ConnectionLost& reconnect_error) {
        spdlog::warn("{}", reconnect_error.what());  // the next try reconnects again
      }
    }
  }
}

void PostgresStore::begin_run(const RunRecord& run) {
  if (run.run_id.empty()) throw std::invalid_argument("a run needs a non-empty run id");
  flush();  // alerts buffered so far belong to the previous run
  RunRecord started = run;
  if (started.started_at.empty()) started.started_at = pg::wall_clock_iso();
  started.status = "running";
  upsert_run(started, {});
  run_id_ = run.run_id;
}

void PostgresStore::finish_run(const RunRecord& run) {
  if (run.run_id.empty()) throw std::invalid_argument("a run needs a non-empty run id");
  flush();
  upsert_run(run, pg::wall_clock_iso());
}

void PostgresStore::upsert_run(const RunRecord& run, std::string_view finished_at) {
  pg::Params params;
  params.add(run.run_id).add(run.started_at).add_or_null(finished_at).add(run.status);
  params.add(json_string_array(run.inputs)).add(run.config_hash).add(run.config_toml);
  params.add(static_cast<int64_t>(run.events)).add(static_cast<int64_t>(run.rejects));
  params.add(static_cast<int64_t>(run.alerts)).add(json_or_empty_object(run.rejects_json));
  params.add(json_or_empty_object(run.alerts_json)).add(run.elapsed_seconds);
  params.add(run.events_per_second).add(static_cast<int64_t>(run.peak_rss_bytes));
  params.add(run.error).add(counts_json(run.books)).add(counts_json(run.feed_counts));
  with_reconnect("recording run " + run.run_id,
                 [&] { db_.exec(kUpsertRun, params, "cannot record run " + run.run_id); });
}

void PostgresStore::emit(Alert&& alert) {
  pending_alerts_.push_back(std::move(alert));
  if (pending_alerts_.size() >= options_.batch_size) flush();
}

void PostgresStore::write_bar(std::string_view symbol, Duration interval, const Bar& bar) {
  pending_bars_.push_back({std::string(symbol), interval.count(), bar});
  if (pending_bars_.size() >= options_.batch_size) flush();
}

void PostgresStore::write_evidence(const std::string& alert_id, std::string evidence_json) {
  pending_evidence_.push_back({alert_id, std::move(evidence_json)});
  if (pending_evidence_.size() >= options_.batch_size) flush();
}

void PostgresStore::flush() {
  if (pending_alerts_.empty() && pending_bars_.empty() && pending_evidence_.empty()) return;
  // The buffers are cleared only once the transaction has committed: a batch interrupted by a
  // lost connection is written again whole, and the upserts make that harmless.
  with_reconnect("writing a batch", [&] { write_pending(); });
  pending_alerts_.clear();
  pending_bars_.clear();
  pending_evidence_.clear();
}

void PostgresStore::write_pending() {
  pg::Transaction tx(db_);
  db_.exec_script(kStagingTables, "cannot create the staging tables");
  std::string now = pg::wall_clock_iso();
  if (!pending_alerts_.empty()) {
    auto count = static_cast<int64_t>(pending_alerts_.size());
    auto [alerts, accounts] = alert_rows(pending_alerts_, reserve_change_seqs(count));
    db_.copy_in("COPY staged_alerts FROM STDIN", alerts, "cannot copy alerts");
    db_.copy_in("COPY staged_accounts FROM STDIN", accounts, "cannot copy alert accounts");
    db_.exec(kUpsertAlerts, pg::Params().add_or_null(run_id_).add(now), "cannot upsert alerts");
    db_.exec_script(kReplaceAccounts, "cannot write alert accounts");
  }
  if (!pending_bars_.empty()) {
    CopyRows rows;
    int64_t seq = 0;
    for (const PendingBar& p : pending_bars_) {
      const Bar& b = p.bar;
      rows.field(seq++).field(p.symbol).field(p.interval_ns).field(b.start.nanos());
      rows.field(b.start.to_iso8601()).field(b.open.to_string()).field(b.high.to_string());
      rows.field(b.low.to_string()).field(b.close.to_string()).field(b.volume.to_string());
      rows.field(b.buy_volume.to_string()).field(b.sell_volume.to_string()).field(b.value);
      rows.field(static_cast<int64_t>(b.trades)).end_row();
    }
    db_.copy_in("COPY staged_bars FROM STDIN", rows.data(), "cannot copy bars");
    db_.exec(kUpsertBars, "cannot upsert bars");
  }
  if (!pending_evidence_.empty()) {
    CopyRows rows;
    int64_t seq = 0;
    for (const PendingEvidence& e : pending_evidence_) {
      rows.field(seq++).field(e.alert_id).field(e.json).end_row();
    }
    db_.copy_in("COPY staged_evidence FROM STDIN", rows.data(), "cannot copy evidence");
    db_.exec(kUpsertEvidence, "cannot upsert evidence");
  }
  tx.commit();
}

int64_t PostgresStore::reserve_change_seqs(int64_t count) {
  pg::Result last =
      db_.exec(kReserveChangeSeqs, pg::Params().add(count), "cannot take change numbers");
  if (last.rows() != 1) throw std::runtime_error(db_.name() + ": the change counter is missing");
  return last.integer(0, 0) - count + 1;
}

void PostgresStore::for_each_alert(const AlertQuery& query, const AlertVisitor& visit) {
  flush();  // a reader sees what this store has emitted so far
  PgAlertFilter filter = make_filter(query);
  std::string sql = "SELECT " + std::string(kAlertColumns) + " FROM alerts" + filter.where +
                    " ORDER BY start_ns, id";
  // A cursor streams the rows; after a lost connection the read resumes past those visited.
  uint64_t visited = 0;
  with_reconnect("reading alerts", [&] {
    pg::Params params = filter.params;
    std::string paged = sql;
    if (query.limit != 0) {
      if (visited >= query.limit) return;
      params.add(static_cast<int64_t>(query.limit - visited));
      paged += " LIMIT $" + std::to_string(params.size());
    }
    params.add(static_cast<int64_t>(query.offset + visited));
    paged += " OFFSET $" + std::to_string(params.size());
    pg::Transaction tx(db_);
    db_.exec("DECLARE alert_rows NO SCROLL CURSOR FOR " + paged, params, "cannot read alerts");
    for (;;) {
      pg::Result page = db_.exec("FETCH " + std::to_string(kFetchRows) + " FROM alert_rows",
                                 "cannot read alerts");
      for (int row = 0; row < page.rows(); ++row, ++visited) visit(read_alert(page, row));
      if (page.rows() < kFetchRows) break;
    }
    tx.commit();
  });
}

uint64_t PostgresStore::count_alerts(const AlertQuery& query) {
  flush();
  PgAlertFilter filter = make_filter(query);
  return with_reconnect("counting alerts", [&] {
    pg::Result r = db_.exec("SELECT count(*) FROM alerts" + filter.where, filter.params,
                            "cannot count alerts");
    return static_cast<uint64_t>(r.integer(0, 0));
  });
}

std::vector<StoredAlert> PostgresStore::select_alerts(const std::string& sql,
                                                      const pg::Params& params,
                                                      std::string_view context) {
  return with_reconnect(context, [&] {
    pg::Result r = db_.exec(sql, params, context);
    std::vector<StoredAlert> rows;
    rows.reserve(static_cast<size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) rows.push_back(read_alert(r, row));
    return rows;
  });
}

std::optional<StoredAlert> PostgresStore::find_alert(const std::string& id) {
  flush();
  auto rows = select_alerts("SELECT " + std::string(kAlertColumns) + " FROM alerts WHERE id = $1",
                            pg::Params().add(id), "cannot read alert " + id);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

bool PostgresStore::set_status(const std::string& id, AlertStatus status, std::string_view note) {
  flush();
  pg::Params params;
  params.add(id).add(to_string(status)).add(note).add(pg::wall_clock_iso());
  return with_reconnect("setting the status of alert " + id, [&] {
    pg::Transaction tx(db_);  // rolls the counter back when no alert has the id
    pg::Params with_seq = params;
    with_seq.add(reserve_change_seqs(1));
    pg::Result r = db_.exec(
        "UPDATE alerts SET status = $2, status_note = $3, updated_at = $4, change_seq = $5 "
        "WHERE id = $1",
        with_seq, "cannot set the status of alert " + id);
    if (r.affected() == 0) return false;
    tx.commit();
    return true;
  });
}

void PostgresStore::alerts_changed_since(uint64_t change_seq, uint64_t limit,
                                         const AlertVisitor& visit) {
  flush();
  pg::Params params;
  params.add(static_cast<int64_t>(change_seq));
  std::string sql = "SELECT " + std::string(kAlertColumns) +
                    " FROM alerts WHERE change_seq > $1 ORDER BY change_seq";
  if (limit != 0) {
    params.add(static_cast<int64_t>(limit));
    sql += " LIMIT $2";
  }
  for (const StoredAlert& row : select_alerts(sql, params, "cannot read changed alerts")) {
    visit(row);
  }
}

uint64_t PostgresStore::last_change_seq() {
  flush();
  return with_reconnect("reading the last change", [&] {
    pg::Result r =
        db_.exec("SELECT coalesce(max(change_seq), 0) FROM alerts", "cannot read the last change");
    return static_cast<uint64_t>(r.integer(0, 0));
  });
}

std::optional<std::string> PostgresStore::find_evidence(const std::string& alert_id) {
  flush();
  return with_reconnect("reading evidence", [&]() -> std::optional<std::string> {
    pg::Result r =
        db_.exec("SELECT evidence FROM alert_evidence WHERE alert_id = $1",
                 pg::Params().add(alert_id), "cannot read the evidence of alert " + alert_id);
    if (r.rows() == 0) return std::nullopt;
    return std::string(r.text(0, 0));
  });
}

std::optional<RunRecord> PostgresStore::find_run(const std::string& run_id) {
  return with_reconnect("reading run " + run_id, [&]() -> std::optional<RunRecord> {
    pg::Result r = db_.exec("SELECT " + std::string(kRunColumns) + " FROM runs WHERE id = $1",
                            pg::Params().add(run_id), "cannot read run " + run_id);
    if (r.rows() == 0) return std::nullopt;
    return read_run(r, 0);
  });
}

std::vector<RunRecord> PostgresStore::recent_runs(size_t limit) {
  return with_reconnect("reading runs", [&] {
    pg::Result r =
        db_.exec("SELECT " + std::string(kRunColumns) + " FROM runs ORDER BY seq DESC LIMIT $1",
                 pg::Params().add(static_cast<int64_t>(limit)), "cannot read runs");
    std::vector<RunRecord> runs;
    for (int row = 0; row < r.rows(); ++row) runs.push_back(read_run(r, row));
    return runs;
  });
}

RunTotals PostgresStore::run_totals() {
  return with_reconnect("reading run totals", [&] {
    pg::Result r = db_.exec(
        "SELECT count(*), coalesce(sum(events), 0), coalesce(sum(rejects), 0), "
        "coalesce(sum(alerts), 0) FROM runs",
        "cannot read run totals");
    return RunTotals{static_cast<uint64_t>(r.integer(0, 0)), static_cast<uint64_t>(r.integer(0, 1)),
                     static_cast<uint64_t>(r.integer(0, 2)),
                     static_cast<uint64_t>(r.integer(0, 3))};
  });
}

void PostgresStore::for_each_bar(std::string_view symbol, Duration interval, Timestamp from,
                                 Timestamp to, const BarVisitor& visit) {
  flush();
  pg::Params params;
  params.add(symbol).add(interval.count()).add(from.nanos()).add(to.nanos());
  pg::Result r = with_reconnect("reading bars", [&] {
    return db_.exec(
        "SELECT start_ns, open, high, low, close, volume, buy_volume, sell_volume, value, "
        "trades FROM bars WHERE symbol = $1 AND interval_ns = $2 AND start_ns >= $3 AND "
        "start_ns < $4 ORDER BY start_ns",
        params, "cannot read bars");
  });
  Bar bar;
  for (int row = 0; row < r.rows(); ++row) {
    bar.start = Timestamp::from_nanos(r.integer(row, 0));
    bar.open = read_decimal<Price>(r.text(row, 1), "open");
    bar.high = read_decimal<Price>(r.text(row, 2), "high");
    bar.low = read_decimal<Price>(r.text(row, 3), "low");
    bar.close = read_decimal<Price>(r.text(row, 4), "close");
    bar.volume = read_decimal<Quantity>(r.text(row, 5), "volume");
    bar.buy_volume = read_decimal<Quantity>(r.text(row, 6), "buy_volume");
    bar.sell_volume = read_decimal<Quantity>(r.text(row, 7), "sell_volume");
    bar.value = r.real(row, 8);
    bar.trades = static_cast<uint64_t>(r.integer(row, 9));
    visit(bar);
  }
}

}  // namespace tw
