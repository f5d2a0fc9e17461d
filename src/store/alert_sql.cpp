#include "store/alert_sql.hpp"

#include <algorithm>
#include <stdexcept>

#include "util/json_array.hpp"
#include "util/named_counts.hpp"

namespace tw::sql {
namespace {

constexpr std::string_view kAlertColumns =
    "id, rule, symbol, severity_rank, score, start_ns, end_ns, accounts, metrics, why, "
    "evidence, evidence_total, run_id, first_seen_run, status, status_note, updated_at, "
    "change_seq";

// Counts by severity rank 0..3, then the total: the columns read_severity_counts reads.
constexpr std::string_view kSeverityCounts =
    "sum(CASE WHEN severity_rank = 0 THEN 1 ELSE 0 END), "
    "sum(CASE WHEN severity_rank = 1 THEN 1 ELSE 0 END), "
    "sum(CASE WHEN severity_rank = 2 THEN 1 ELSE 0 END), "
    "sum(CASE WHEN severity_rank = 3 THEN 1 ELSE 0 END), count(*)";

// Bar volumes are exact decimal text; charts add them up as doubles. SQLite reads the type
// name DOUBLE PRECISION as REAL, so one spelling serves both dialects.
constexpr std::string_view kBarVolumeSums =
    "sum(CAST(buy_volume AS DOUBLE PRECISION)), sum(CAST(sell_volume AS DOUBLE PRECISION)), "
    "sum(CAST(volume AS DOUBLE PRECISION))";

std::string_view like(Dialect dialect) {
  // SQLite's LIKE ignores ASCII case already; PostgreSQL's needs ILIKE.
  return dialect == Dialect::kPostgres ? " ILIKE " : " LIKE ";
}

// Starts a condition: " WHERE " for the first, " AND " after.
void next_condition(Builder& b, bool& first) {
  b.sql(first ? " WHERE " : " AND ");
  first = false;
}

void text_condition(Builder& b, const std::string& text) {
  std::string p = b.placeholder(b.add(contains_pattern(text)));
  std::string match = std::string(like(b.dialect())) + p + " ESCAPE '\\'";
  b.sql("(why" + match + " OR rule" + match + " OR symbol" + match + " OR id" + match +
        " OR id IN (SELECT alert_id FROM alert_accounts WHERE account" + match + "))");
}

// The WHERE clause selecting `q`'s alerts (nothing when every alert is selected).
void where(Builder& b, const AlertQuery& q) {
  bool first = true;
  auto condition = [&](std::string_view before, Param value, std::string_view after = {}) {
    next_condition(b, first);
    b.sql(before).param(std::move(value)).sql(after);
  };
  if (q.rule) condition("rule = ", *q.rule);
  if (q.rule_prefix) {
    condition(b.dialect() == Dialect::kPostgres ? "strpos(rule, " : "instr(rule, ", *q.rule_prefix,
              ") = 1");
  }
  if (q.symbol) condition("symbol = ", *q.symbol);
  if (q.min_severity) condition("severity_rank >= ", static_cast<int64_t>(*q.min_severity));
  if (q.severity) condition("severity_rank = ", static_cast<int64_t>(*q.severity));
  if (q.from) condition("start_ns >= ", q.from->nanos());
  if (q.to) condition("start_ns < ", q.to->nanos());
  if (q.run_id) condition("run_id = ", *q.run_id);
  if (q.status) condition("status = ", std::string(to_string(*q.status)));
  if (q.account) {
    condition("id IN (SELECT alert_id FROM alert_accounts WHERE account = ", *q.account, ")");
  }
  if (q.text) {
    next_condition(b, first);
    text_condition(b, *q.text);
  }
}

std::string_view sort_column(AlertSortKey key) {
  switch (key) {
    case AlertSortKey::kStart:
      return "start_ns";
    case AlertSortKey::kEnd:
      return "end_ns";
    case AlertSortKey::kScore:
      return "score";
    case AlertSortKey::kSeverity:
      return "severity_rank";
    case AlertSortKey::kSymbol:
      return "symbol";
    case AlertSortKey::kRule:
      return "rule";
  }
  throw std::invalid_argument("unknown alert sort key");
}

// Ties go by (start, id) in the sort's direction, so one index on (key, start_ns, id) serves
// a sort both ways.
std::string order_by(AlertSort sort) {
  std::string_view dir = sort.descending ? " DESC" : "";
  std::string text = " ORDER BY ";
  std::string_view key = sort_column(sort.key);
  if (key != "start_ns") text.append(key).append(dir).append(", ");
  text.append("start_ns").append(dir).append(", id").append(dir);
  return text;
}

void limit_offset(Builder& b, uint64_t limit, uint64_t offset) {
  if (limit > 0) b.sql(" LIMIT ").param(static_cast<int64_t>(limit));
  // SQLite takes an OFFSET only after a LIMIT, where -1 means none.
  else if (offset > 0 && b.dialect() == Dialect::kSqlite)
    b.sql(" LIMIT -1");
  if (offset > 0) b.sql(" OFFSET ").param(static_cast<int64_t>(offset));
}

int64_t positive_ns(Duration d, std::string_view what) {
  if (d.count() <= 0) throw std::invalid_argument(std::string(what) + " must be positive");
  return d.count();
}

// The start of the UTC-aligned bucket of `width` holding start_ns (event times are after 1970,
// so integer division floors).
std::string bucket_start(Duration width, std::string_view what) {
  std::string ns = std::to_string(positive_ns(width, what));
  return "(start_ns / " + ns + ") * " + ns;
}

SeverityCounts read_severity_counts(const Row& row, int first_column) {
  SeverityCounts counts{};
  for (int i = 0; i < 4; ++i) counts[static_cast<size_t>(i)] = row.integer(first_column + i);
  return counts;
}

uint64_t read_count(const Row& row, int column) {
  return static_cast<uint64_t>(std::max<int64_t>(row.integer(column), 0));
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

void bar_conditions(Builder& b, Duration interval, Timestamp from, Timestamp to,
                    const std::optional<std::string>& symbol) {
  b.sql(" FROM bars WHERE interval_ns = ")
      .param(positive_ns(interval, "the bar interval"))
      .sql(" AND start_ns >= ")
      .param(from.nanos())
      .sql(" AND start_ns < ")
      .param(to.nanos());
  if (symbol) b.sql(" AND symbol = ").param(*symbol);
}

}  // namespace

Builder& Builder::sql(std::string_view text) {
  query_.text.append(text);
  return *this;
}

Builder& Builder::param(Param value) {
  return sql(placeholder(add(std::move(value))));
}

int Builder::add(Param value) {
  query_.params.push_back(std::move(value));
  return static_cast<int>(query_.params.size());
}

std::string Builder::placeholder(int number) const {
  return (dialect_ == Dialect::kPostgres ? "$" : "?") + std::to_string(number);
}

Query Builder::done() && {
  return std::move(query_);
}

std::string in_dialect(std::string_view sqlite_text, Dialect dialect) {
  std::string out(sqlite_text);
  if (dialect != Dialect::kPostgres) return out;
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    bool digit_follows = out[i + 1] >= '0' && out[i + 1] <= '9';
    if (out[i] == '?' && digit_follows) out[i] = '$';
  }
  return out;
}

std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

std::string upsert_alert(Dialect dialect) {
  return in_dialect(R"sql(
INSERT INTO alerts (id, rule, symbol, severity, severity_rank, score, start_ns, end_ns,
                    start_time, end_time, accounts, metrics, why, evidence, evidence_total,
                    run_id, first_seen_run, created_at, updated_at, change_seq)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?17, ?18)
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
)sql",
                    dialect);
}

std::string delete_accounts(Dialect dialect) {
  return in_dialect("DELETE FROM alert_accounts WHERE alert_id = ?1", dialect);
}

std::string upsert_account(Dialect dialect) {
  return in_dialect(
      "INSERT INTO alert_accounts (alert_id, account) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
      dialect);
}

std::string upsert_evidence(Dialect dialect) {
  return in_dialect(
      "INSERT INTO alert_evidence (alert_id, evidence) VALUES (?1, ?2) "
      "ON CONFLICT (alert_id) DO UPDATE SET evidence = excluded.evidence",
      dialect);
}

std::string reserve_change_seqs(Dialect dialect) {
  return in_dialect("UPDATE alert_change_counter SET seq = seq + ?1 RETURNING seq", dialect);
}

std::string update_status(Dialect dialect) {
  return in_dialect(
      "UPDATE alerts SET status = ?1, status_note = ?2, updated_at = ?3, change_seq = ?4 "
      "WHERE id = ?5",
      dialect);
}

std::string upsert_bar(Dialect dialect) {
  return in_dialect(R"sql(
INSERT INTO bars (symbol, interval_ns, start_ns, start_time, open, high, low, close, volume,
                  buy_volume, sell_volume, value, trades)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (symbol, interval_ns, start_ns) DO UPDATE SET
  start_time = excluded.start_time, open = excluded.open, high = excluded.high,
  low = excluded.low, close = excluded.close, volume = excluded.volume,
  buy_volume = excluded.buy_volume, sell_volume = excluded.sell_volume,
  value = excluded.value, trades = excluded.trades
)sql",
                    dialect);
}

std::string upsert_run(Dialect dialect) {
  return in_dialect(R"sql(
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
)sql",
                    dialect);
}

Query select_alerts(const AlertQuery& query, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(kAlertColumns).sql(" FROM alerts");
  where(b, query);
  b.sql(order_by(query.sort));
  limit_offset(b, query.limit, query.offset);
  return std::move(b).done();
}

Query count_alerts(const AlertQuery& query, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT count(*) FROM alerts");
  where(b, query);
  return std::move(b).done();
}

Query find_alert(const std::string& id, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(kAlertColumns).sql(" FROM alerts WHERE id = ").param(id);
  return std::move(b).done();
}

Query alerts_changed_since(uint64_t change_seq, uint64_t limit, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(kAlertColumns).sql(" FROM alerts WHERE change_seq > ");
  b.param(static_cast<int64_t>(change_seq)).sql(" ORDER BY change_seq");
  limit_offset(b, limit, 0);
  return std::move(b).done();
}

Query last_change_seq(Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT coalesce(max(change_seq), 0) FROM alerts");
  return std::move(b).done();
}

Query find_evidence(const std::string& alert_id, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT evidence FROM alert_evidence WHERE alert_id = ").param(alert_id);
  return std::move(b).done();
}

StoredAlert read_alert(const Row& row) {
  StoredAlert stored;
  Alert& a = stored.alert;
  a.id = row.text(0);
  a.rule = row.text(1);
  a.symbol = row.text(2);
  a.severity = static_cast<Severity>(std::clamp<int64_t>(row.integer(3), 0, 3));
  a.score = row.real(4);
  a.start = Timestamp::from_nanos(row.integer(5));
  a.end = Timestamp::from_nanos(row.integer(6));
  a.accounts = read_string_array(row.text(7), "accounts", "alert " + a.id);
  a.metrics_json = row.text(8);
  a.why = row.text(9);
  a.evidence = read_string_array(row.text(10), "evidence", "alert " + a.id);
  a.evidence_total = read_count(row, 11);
  stored.run_id = row.text(12);
  stored.first_seen_run = row.text(13);
  auto status = parse_alert_status(row.text(14));
  if (!status) throw std::runtime_error("alert " + a.id + ": stored status is not a status");
  stored.status = *status;
  stored.status_note = row.text(15);
  stored.updated_at = row.text(16);
  stored.change_seq = read_count(row, 17);
  return stored;
}

Query summarize(const AlertQuery& query, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(kSeverityCounts);
  b.sql(
      ", count(DISTINCT symbol), count(DISTINCT rule), coalesce(avg(score), 0), "
      "min(start_ns), max(end_ns), (SELECT count(DISTINCT account) FROM alert_accounts "
      "WHERE alert_id IN (SELECT id FROM alerts");
  where(b, query);
  b.sql(")) FROM alerts");
  where(b, query);
  return std::move(b).done();
}

AlertSummary read_summary(const Row& row) {
  AlertSummary s;
  s.by_severity = read_severity_counts(row, 0);
  s.alerts = read_count(row, 4);
  s.symbols = read_count(row, 5);
  s.rules = read_count(row, 6);
  s.mean_score = row.real(7);
  if (!row.is_null(8)) s.first_start = Timestamp::from_nanos(row.integer(8));
  if (!row.is_null(9)) s.last_end = Timestamp::from_nanos(row.integer(9));
  s.accounts = read_count(row, 10);
  return s;
}

Query timeline(const AlertQuery& query, Duration bucket, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(bucket_start(bucket, "the timeline bucket")).sql(", ");
  b.sql(kSeverityCounts).sql(" FROM alerts");
  where(b, query);
  b.sql(" GROUP BY 1 ORDER BY 1");
  return std::move(b).done();
}

TimeBucket read_time_bucket(const Row& row) {
  TimeBucket t;
  t.start = Timestamp::from_nanos(row.integer(0));
  t.by_severity = read_severity_counts(row, 1);
  t.total = read_count(row, 5);
  return t;
}

Query count_by_rule(const AlertQuery& query, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT rule, ").sql(kSeverityCounts).sql(", avg(score), max(score) FROM alerts");
  where(b, query);
  b.sql(" GROUP BY rule ORDER BY 6 DESC, rule");
  return std::move(b).done();
}

RuleCount read_rule_count(const Row& row) {
  RuleCount r;
  r.rule = row.text(0);
  r.by_severity = read_severity_counts(row, 1);
  r.total = read_count(row, 5);
  r.mean_score = row.real(6);
  r.max_score = row.real(7);
  return r;
}

Query symbol_risk(const AlertQuery& query, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT symbol, ").sql(kSeverityCounts);
  b.sql(
      ", 3 * sum(CASE WHEN severity_rank = 3 THEN 1 ELSE 0 END) + "
      "2 * sum(CASE WHEN severity_rank = 2 THEN 1 ELSE 0 END) + "
      "sum(CASE WHEN severity_rank = 1 THEN 1 ELSE 0 END), sum(score), max(score) FROM alerts");
  where(b, query);
  b.sql(" GROUP BY symbol ORDER BY 7 DESC, 8 DESC, symbol");
  return std::move(b).done();
}

SymbolRisk read_symbol_risk(const Row& row) {
  SymbolRisk r;
  r.symbol = row.text(0);
  r.by_severity = read_severity_counts(row, 1);
  r.alerts = read_count(row, 5);
  r.risk = read_count(row, 6);
  r.score_sum = row.real(7);
  r.max_score = row.real(8);
  return r;
}

Query volume_by_symbol(Duration interval, Timestamp from, Timestamp to,
                       const std::optional<std::string>& symbol, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT symbol, ").sql(kBarVolumeSums).sql(", sum(value), sum(trades)");
  bar_conditions(b, interval, from, to, symbol);
  b.sql(" GROUP BY symbol ORDER BY 4 DESC, symbol");
  return std::move(b).done();
}

SymbolVolume read_symbol_volume(const Row& row) {
  SymbolVolume v;
  v.symbol = row.text(0);
  v.buy = row.real(1);
  v.sell = row.real(2);
  v.total = row.real(3);
  v.value = row.real(4);
  v.trades = read_count(row, 5);
  return v;
}

Query volume_over_time(Duration interval, Duration bucket, Timestamp from, Timestamp to,
                       const std::optional<std::string>& symbol, Dialect dialect) {
  if (bucket.count() <= 0 || interval.count() <= 0 || bucket.count() % interval.count() != 0) {
    throw std::invalid_argument("the volume bucket must be a positive multiple of the interval");
  }
  Builder b(dialect);
  b.sql("SELECT ").sql(bucket_start(bucket, "the volume bucket")).sql(", ");
  b.sql(kBarVolumeSums).sql(", sum(trades)");
  bar_conditions(b, interval, from, to, symbol);
  b.sql(" GROUP BY 1 ORDER BY 1");
  return std::move(b).done();
}

VolumeBucket read_volume_bucket(const Row& row) {
  VolumeBucket v;
  v.start = Timestamp::from_nanos(row.integer(0));
  v.buy = row.real(1);
  v.sell = row.real(2);
  v.total = row.real(3);
  v.trades = read_count(row, 4);
  return v;
}

Query bar_range(Duration interval, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT min(start_ns), max(start_ns) FROM bars WHERE interval_ns = ")
      .param(positive_ns(interval, "the bar interval"));
  return std::move(b).done();
}

std::optional<std::pair<Timestamp, Timestamp>> read_bar_range(const Row& row) {
  if (row.is_null(0)) return std::nullopt;
  return std::pair{Timestamp::from_nanos(row.integer(0)), Timestamp::from_nanos(row.integer(1))};
}

std::string run_columns() {
  return "id, started_at, finished_at, status, inputs, config_hash, config, events, rejects, "
         "alerts, rejects_by_reason, alerts_by_rule, elapsed_seconds, events_per_second, "
         "peak_rss_bytes, error, books, feed_counts";
}

Query find_run(const std::string& run_id, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(run_columns()).sql(" FROM runs WHERE id = ").param(run_id);
  return std::move(b).done();
}

Query recent_runs(size_t limit, std::string_view order_column, Dialect dialect) {
  Builder b(dialect);
  b.sql("SELECT ").sql(run_columns()).sql(" FROM runs ORDER BY ");
  b.sql(order_column).sql(" DESC");
  limit_offset(b, limit, 0);
  return std::move(b).done();
}

RunRecord read_run(const Row& row) {
  RunRecord run;
  run.run_id = row.text(0);
  std::string owner = "run " + run.run_id;
  run.started_at = row.text(1);
  run.finished_at = row.text(2);
  run.status = row.text(3);
  run.inputs = read_string_array(row.text(4), "inputs", owner);
  run.config_hash = row.text(5);
  run.config_toml = row.text(6);
  run.events = read_count(row, 7);
  run.rejects = read_count(row, 8);
  run.alerts = read_count(row, 9);
  run.rejects_json = row.text(10);
  run.alerts_json = row.text(11);
  run.elapsed_seconds = row.real(12);
  run.events_per_second = row.real(13);
  run.peak_rss_bytes = read_count(row, 14);
  run.error = row.text(15);
  run.books = read_counts(row.text(16), "books", owner);
  run.feed_counts = read_counts(row.text(17), "feed_counts", owner);
  return run;
}

Query run_totals(Dialect dialect) {
  Builder b(dialect);
  b.sql(
      "SELECT count(*), coalesce(sum(events), 0), coalesce(sum(rejects), 0), "
      "coalesce(sum(alerts), 0) FROM runs");
  return std::move(b).done();
}

RunTotals read_run_totals(const Row& row) {
  return {read_count(row, 0), read_count(row, 1), read_count(row, 2), read_count(row, 3)};
}

}  // namespace tw::sql
