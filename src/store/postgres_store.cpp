#include "store/postgres_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <utility>
#include <variant>

#include "store/alert_sql.hpp"
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

// An alert's accounts as rows (the account filter reads them): $1 the batch's alert ids, whose
// rows are replaced by those of the write of each id that won. The ids come as an array so
// the delete probes the index instead of joining the whole table to an unanalysed temp table.
constexpr std::string_view kDeleteAccounts =
    "DELETE FROM alert_accounts WHERE alert_id = ANY($1::text[])";
constexpr std::string_view kInsertAccounts = R"sql(
INSERT INTO alert_accounts (alert_id, account)
SELECT DISTINCT s.alert_id, s.account FROM staged_accounts s
JOIN (SELECT id, max(change_seq) AS change_seq FROM staged_alerts GROUP BY id) w
  ON w.id = s.alert_id AND w.change_seq = s.change_seq
ON CONFLICT DO NOTHING
)sql";

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

std::string_view json_or_empty_object(const std::string& json) {
  return json.empty() ? std::string_view("{}") : std::string_view(json);
}

constexpr sql::Dialect kDialect = sql::Dialect::kPostgres;

// Rows per FETCH when streaming alerts: bounded memory for exports of any size.
constexpr int kFetchRows = 5000;

uint64_t count_of(const sql::Row& row) {
  return static_cast<uint64_t>(row.integer(0));
}

template <class Decimal>
Decimal read_decimal(std::string_view text, std::string_view column) {
  auto value = Decimal::parse(text);
  if (!value) throw std::runtime_error("bars." + std::string(column) + " is not a decimal");
  return *value;
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

// The shared decoders' view of one row of a result; NULL reads as 0 or empty text.
class ResultRow final : public sql::Row {
 public:
  ResultRow(const pg::Result& result, int row) : result_(result), row_(row) {}
  bool is_null(int column) const override { return result_.is_null(row_, column); }
  int64_t integer(int column) const override {
    return is_null(column) ? 0 : result_.integer(row_, column);
  }
  double real(int column) const override {
    return is_null(column) ? 0 : result_.real(row_, column);
  }
  std::string_view text(int column) const override { return result_.text(row_, column); }

 private:
  const pg::Result& result_;
  int row_;
};

pg::Params params_of(const sql::Query& query) {
  pg::Params params;
  for (const sql::Param& param : query.params) {
    std::visit([&](const auto& value) { params.add(value); }, param);
  }
  return params;
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
auto PostgresStore::with_reconnect(Work&& work) -> decltype(work()) {
  auto delay = options_.first_retry_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      return work();
    } catch (const pg::ConnectionLost& e) {
      if (attempt >= options_.max_attempts) throw;
      spdlog::warn("{} (try {} of {}); reconnecting in {} ms", e.what(), attempt,
                   options_.max_attempts, delay.count());
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
  // A run loads in bulk, faster than autovacuum's next look: without fresh statistics the
  // planner takes the new tables for small ones, and the dashboard's first queries after the
  // run scan where they should probe an index.
  with_reconnect([&] {
    db_.exec("ANALYZE alerts, alert_accounts, bars", "cannot update the planner's statistics");
  });
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
  std::string upsert = sql::upsert_run(kDialect);
  with_reconnect([&] { db_.exec(upsert, params, "cannot record run " + run.run_id); });
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
  with_reconnect([&] { write_pending(); });
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
    std::vector<std::string_view> ids;
    ids.reserve(pending_alerts_.size());
    for (const Alert& a : pending_alerts_) ids.push_back(a.id);
    db_.exec(kDeleteAccounts, pg::Params().add_text_array(ids), "cannot replace alert accounts");
    db_.exec(kInsertAccounts, "cannot write alert accounts");
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
  pg::Result last = db_.exec(sql::reserve_change_seqs(kDialect), pg::Params().add(count),
                             "cannot take change numbers");
  if (last.rows() != 1) throw std::runtime_error(db_.name() + ": the change counter is missing");
  return last.integer(0, 0) - count + 1;
}

template <class Read>
auto PostgresStore::read_rows(const sql::Query& query, std::string_view context, Read read) {
  pg::Params params = params_of(query);
  return with_reconnect([&] {
    pg::Result result = db_.exec(query.text, params, context);
    std::vector<decltype(read(std::declval<const sql::Row&>()))> rows;
    rows.reserve(static_cast<size_t>(result.rows()));
    for (int row = 0; row < result.rows(); ++row) rows.push_back(read(ResultRow(result, row)));
    return rows;
  });
}

template <class Read>
auto PostgresStore::read_one(const sql::Query& query, std::string_view context, Read read) {
  auto rows = read_rows(query, context, read);
  if (rows.size() != 1) throw std::logic_error(db_.name() + ": " + std::string(context));
  return std::move(rows.front());
}

void PostgresStore::for_each_alert(const AlertQuery& query, const AlertVisitor& visit) {
  flush();  // a reader sees what this store has emitted so far
  sql::Query select = sql::select_alerts(query, kDialect);
  pg::Params params = params_of(select);
  // A cursor streams the rows in bounded memory. After a lost connection the query runs
  // again and skips the rows already visited (the order is total: ties end on the id).
  uint64_t visited = 0;
  with_reconnect([&] {
    pg::Transaction tx(db_);
    db_.exec("DECLARE alert_rows NO SCROLL CURSOR FOR " + select.text, params,
             "cannot read alerts");
    std::string fetch = "FETCH " + std::to_string(kFetchRows) + " FROM alert_rows";
    uint64_t position = 0;
    for (;;) {
      pg::Result page = db_.exec(fetch, "cannot read alerts");
      for (int row = 0; row < page.rows(); ++row, ++position) {
        if (position < visited) continue;
        visit(sql::read_alert(ResultRow(page, row)));
        ++visited;
      }
      if (page.rows() < kFetchRows) break;
    }
    tx.commit();
  });
}

uint64_t PostgresStore::count_alerts(const AlertQuery& query) {
  flush();
  return read_one(sql::count_alerts(query, kDialect), "cannot count alerts", count_of);
}

std::optional<StoredAlert> PostgresStore::find_alert(const std::string& id) {
  flush();
  auto rows = read_rows(sql::find_alert(id, kDialect), "cannot read alert " + id, sql::read_alert);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

bool PostgresStore::set_status(const std::string& id, AlertStatus status, std::string_view note) {
  flush();
  std::string update = sql::update_status(kDialect);
  std::string now = pg::wall_clock_iso();
  return with_reconnect([&] {
    pg::Transaction tx(db_);  // rolls the counter back when no alert has the id
    pg::Params params;
    params.add(to_string(status)).add(note).add(now).add(reserve_change_seqs(1)).add(id);
    pg::Result r = db_.exec(update, params, "cannot set the status of alert " + id);
    if (r.affected() == 0) return false;
    tx.commit();
    return true;
  });
}

void PostgresStore::alerts_changed_since(uint64_t change_seq, uint64_t limit,
                                         const AlertVisitor& visit) {
  flush();
  for (const StoredAlert& row : read_rows(sql::alerts_changed_since(change_seq, limit, kDialect),
                                          "cannot read changed alerts", sql::read_alert)) {
    visit(row);
  }
}

uint64_t PostgresStore::last_change_seq() {
  flush();
  return read_one(sql::last_change_seq(kDialect), "cannot read the last change", count_of);
}

std::optional<std::string> PostgresStore::find_evidence(const std::string& alert_id) {
  flush();
  auto rows = read_rows(sql::find_evidence(alert_id, kDialect),
                        "cannot read the evidence of alert " + alert_id,
                        [](const sql::Row& row) { return std::string(row.text(0)); });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

AlertSummary PostgresStore::summarize(const AlertQuery& query) {
  flush();
  return read_one(sql::summarize(query, kDialect), "cannot summarize alerts", sql::read_summary);
}

std::vector<TimeBucket> PostgresStore::timeline(const AlertQuery& query, Duration bucket) {
  flush();
  return read_rows(sql::timeline(query, bucket, kDialect), "cannot read the alert timeline",
                   sql::read_time_bucket);
}

std::vector<RuleCount> PostgresStore::count_by_rule(const AlertQuery& query) {
  flush();
  return read_rows(sql::count_by_rule(query, kDialect), "cannot count alerts by rule",
                   sql::read_rule_count);
}

std::vector<SymbolRisk> PostgresStore::symbol_risk(const AlertQuery& query) {
  flush();
  return read_rows(sql::symbol_risk(query, kDialect), "cannot read symbol risk",
                   sql::read_symbol_risk);
}

std::vector<SymbolVolume> PostgresStore::volume_by_symbol(Duration interval, Timestamp from,
                                                          Timestamp to,
                                                          std::optional<std::string> symbol) {
  flush();
  return read_rows(sql::volume_by_symbol(interval, from, to, symbol, kDialect),
                   "cannot read volume by symbol", sql::read_symbol_volume);
}

std::vector<VolumeBucket> PostgresStore::volume_over_time(Duration interval, Duration bucket,
                                                          Timestamp from, Timestamp to,
                                                          std::optional<std::string> symbol) {
  flush();
  return read_rows(sql::volume_over_time(interval, bucket, from, to, symbol, kDialect),
                   "cannot read volume over time", sql::read_volume_bucket);
}

std::optional<std::pair<Timestamp, Timestamp>> PostgresStore::bar_range(Duration interval) {
  flush();
  return read_one(sql::bar_range(interval, kDialect), "cannot read the bar range",
                  sql::read_bar_range);
}

std::optional<RunRecord> PostgresStore::find_run(const std::string& run_id) {
  auto rows =
      read_rows(sql::find_run(run_id, kDialect), "cannot read run " + run_id, sql::read_run);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<RunRecord> PostgresStore::recent_runs(size_t limit) {
  return read_rows(sql::recent_runs(limit, "seq", kDialect), "cannot read runs", sql::read_run);
}

RunTotals PostgresStore::run_totals() {
  return read_one(sql::run_totals(kDialect), "cannot read run totals", sql::read_run_totals);
}

void PostgresStore::for_each_bar(std::string_view symbol, Duration interval, Timestamp from,
                                 Timestamp to, const BarVisitor& visit) {
  flush();
  pg::Params params;
  params.add(symbol).add(interval.count()).add(from.nanos()).add(to.nanos());
  pg::Result r = with_reconnect([&] {
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
