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

// Counts by severity rank 0..3, then the total: the columns read_severity_counts reads. Over
// the alerts each row counts 1; over a rollup each row counts its `total`.
std::string severity_counts(std::string_view each = "1") {
  std::string out;
  for (int rank = 0; rank < 4; ++rank) {
    out += "sum(CASE WHEN severity_rank = " + std::to_string(rank) + " THEN ";
    out.append(each).append(" ELSE 0 END), ");
  }
  return out + (each == "1" ? "count(*)" : "sum(" + std::string(each) + ")");
}

// 3 x CRITICAL + 2 x HIGH + 1 x MEDIUM.
std::string risk(std::string_view each = "1") {
  std::string e(each);
  return "3 * sum(CASE WHEN severity_rank = 3 THEN " + e + " ELSE 0 END) + 2 * sum(CASE WHEN " +
         "severity_rank = 2 THEN " + e + " ELSE 0 END) + sum(CASE WHEN severity_rank = 1 THEN " +
         e + " ELSE 0 END)";
}

constexpr int64_t kMinuteNs = 60'000'000'000;
constexpr int64_t kHourNs = 3'600'000'000'000;

// The rollup tables (kept exact by triggers): alert_counts_minute by (minute, severity),
// alert_counts_rule and alert_counts_symbol by (hour, rule or symbol, severity). A rollup can
// answer a query whose filters it keeps, with from/to on its grain.
enum class Rollup { kMinute, kRule, kSymbol };

bool rollup_answers(const AlertQuery& q, Rollup rollup) {
  if (q.run_id || q.status || q.account || q.text) return false;
  if ((q.rule || q.rule_prefix) && rollup != Rollup::kRule) return false;
  if (q.symbol && rollup != Rollup::kSymbol) return false;
  int64_t grain = rollup == Rollup::kMinute ? kMinuteNs : kHourNs;
  auto aligned = [&](const std::optional<Timestamp>& t) { return !t || t->nanos() % grain == 0; };
  return aligned(q.from) && aligned(q.to);
}

std::string_view rollup_table(Rollup rollup) {
  switch (rollup) {
    case Rollup::kMinute:
      return "alert_counts_minute";
    case Rollup::kRule:
      return "alert_counts_rule";
    case Rollup::kSymbol:
      return "alert_counts_symbol";
  }
  throw std::invalid_argument("unknown rollup");
}

std::string_view rollup_time(Rollup rollup) {
  return rollup == Rollup::kMinute ? "minute_ns" : "hour_ns";
}

bool no_filter(const AlertQuery& q) {
  return !q.rule && !q.rule_prefix && !q.symbol && !q.min_severity && !q.severity && !q.from &&
         !q.to && !q.run_id && !q.status && !q.account && !q.text;
}

std::string_view like(Dialect dialect) {
  // SQLite's LIKE ignores ASCII case already; PostgreSQL's needs ILIKE.
  return dialect == Dialect::kPostgres ? " ILIKE " : " LIKE ";
}

// Starts a condition: " WHERE " for the first, " AND " after.
void next_condition(Builder& b, bool& first) {
  b.sql(first ? " WHERE " : " AND ");
  first = false;
}

size_t code_points(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// An FTS5 phrase: the text in double quotes, its own quotes doubled.
std::string fts_phrase(std::string_view text) {
  std::string phrase = "\"";
  for (char c : text) phrase += c == '"' ? std::string("\"\"") : std::string(1, c);
  return phrase + "\"";
}

void text_condition(Builder& b, const std::string& text) {
  // SQLite's trigram index (alert_text) narrows to the alerts holding the text's trigrams;
  // the LIKEs below stay the definition. Under 3 characters there is no trigram to look up.
  if (b.dialect() == Dialect::kSqlite && code_points(text) >= 3) {
    b.sql("rowid IN (SELECT rowid FROM alert_text WHERE alert_text MATCH ");
    b.param(fts_phrase(text)).sql(") AND ");
  }
  std::string p = b.placeholder(b.add(contains_pattern(text)));
  std::string match = std::string(like(b.dialect())) + p + " ESCAPE '\\'";
  // PostgreSQL: each branch on its own reaches its trigram index (an OR with the EXISTS
  // below cannot), so the union narrows first, as alert_text does for SQLite.
  if (b.dialect() == Dialect::kPostgres && code_points(text) >= 3) {
    b.sql("id IN (SELECT id FROM alerts WHERE why" + match + " UNION SELECT id FROM alerts " +
          "WHERE rule" + match + " UNION SELECT id FROM alerts WHERE symbol" + match +
          " UNION SELECT id FROM alerts WHERE id" + match +
          " UNION SELECT alert_id FROM alert_accounts WHERE account" + match + ") AND ");
  }
  b.sql("(why" + match + " OR rule" + match + " OR symbol" + match + " OR id" + match +
        " OR EXISTS (SELECT 1 FROM alert_accounts WHERE alert_accounts.alert_id = alerts.id AND "
        "alert_accounts.account" +
        match + "))");
}

// The WHERE clause selecting `q`'s alerts (nothing when every alert is selected); over a
// rollup, `start` names its time column.
void where(Builder& b, const AlertQuery& q, std::string_view start = "start_ns") {
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
  if (q.from) condition(std::string(start) + " >= ", q.from->nanos());
  if (q.to) condition(std::string(start) + " < ", q.to->nanos());
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
std::string bucket_start(Duration width, std::string_view what,
                         std::string_view column = "start_ns") {
  std::string ns = std::to_string(positive_ns(width, what));
  return "(" + std::string(column) + " / " + ns + ") * " + ns;
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

// Bars of one interval starting in [from, to) as rows (symbol, start_ns, buy, sell, total,
// value, trades). Bar volumes are exact decimal text, added up as doubles; SQLite reads the
// type name DOUBLE PRECISION as REAL, so one spelling serves both dialects.
void bar_rows(Builder& b, Duration interval, int64_t from, int64_t to,
              const std::optional<std::string>& symbol) {
  b.sql(
       "SELECT symbol, start_ns, CAST(buy_volume AS DOUBLE PRECISION) AS buy, "
       "CAST(sell_volume AS DOUBLE PRECISION) AS sell, CAST(volume AS DOUBLE PRECISION) AS "
       "total, value, trades FROM bars WHERE interval_ns = ")
      .param(positive_ns(interval, "the bar interval"))
      .sql(" AND start_ns >= ")
      .param(from)
      .sql(" AND start_ns < ")
      .param(to);
  if (symbol) b.sql(" AND symbol = ").param(*symbol);
}

// The same rows for [from, to); with `whole_hours`, the hours inside the range come one row per
// symbol and hour from the bar_volume_hourly rollup, and only the partial hours at either end
// from the bars themselves.
void volume_rows(Builder& b, Duration interval, Timestamp from, Timestamp to,
                 const std::optional<std::string>& symbol, bool whole_hours) {
  Duration hour = Duration::nanos(kHourNs);
  Timestamp first_hour = from.floor_to(hour) == from ? from : from.floor_to(hour) + hour;
  Timestamp end_hour = to.floor_to(hour);
  if (!whole_hours || first_hour >= end_hour)
    return bar_rows(b, interval, from.nanos(), to.nanos(), symbol);
  b.sql(
       "SELECT symbol, hour_ns AS start_ns, buy, sell, total, value, trades FROM "
       "bar_volume_hourly WHERE interval_ns = ")
      .param(positive_ns(interval, "the bar interval"))
      .sql(" AND hour_ns >= ")
      .param(first_hour.nanos())
      .sql(" AND hour_ns < ")
      .param(end_hour.nanos());
  if (symbol) b.sql(" AND symbol = ").param(*symbol);
  if (from < first_hour) {
    b.sql(" UNION ALL ");
    bar_rows(b, interval, from.nanos(), first_hour.nanos(), symbol);
  }
  if (end_hour < to) {
    b.sql(" UNION ALL ");
    bar_rows(b, interval, end_hour.nanos(), to.nanos(), symbol);
  }
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
  for (Rollup rollup : {Rollup::kRule, Rollup::kSymbol, Rollup::kMinute}) {
    if (!rollup_answers(query, rollup)) continue;
    b.sql("SELECT coalesce(sum(total), 0) FROM ").sql(rollup_table(rollup));
    where(b, query, rollup_time(rollup));
    return std::move(b).done();
  }
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

// Distinct accounts of the selected alerts: the per-account counts when nothing is filtered.
void accounts_column(Builder& b, const AlertQuery& query) {
  if (no_filter(query)) {
    b.sql("(SELECT count(*) FROM account_alert_counts)");
    return;
  }
  b.sql(
      "(SELECT count(DISTINCT account) FROM alert_accounts WHERE alert_id IN (SELECT id FROM "
      "alerts");
  where(b, query);
  b.sql("))");
}

// The earliest start and latest end: index lookups on the alerts when nothing is filtered,
// else from the minute rollup.
void extremes_columns(Builder& b, const AlertQuery& query) {
  if (no_filter(query)) {
    b.sql("(SELECT min(start_ns) FROM alerts), (SELECT max(end_ns) FROM alerts), ");
    return;
  }
  b.sql("(SELECT min(start_min) FROM alert_counts_minute");
  where(b, query, "minute_ns");
  b.sql("), (SELECT max(end_max) FROM alert_counts_minute");
  where(b, query, "minute_ns");
  b.sql("), ");
}

Query summarize(const AlertQuery& query, Dialect dialect) {
  Builder b(dialect);
  if (rollup_answers(query, Rollup::kMinute) && rollup_answers(query, Rollup::kRule)) {
    b.sql("SELECT ").sql(severity_counts("total"));
    b.sql(", (SELECT count(DISTINCT symbol) FROM alert_counts_symbol");
    where(b, query, "hour_ns");
    b.sql("), count(DISTINCT rule), coalesce(sum(score_sum) / sum(total), 0), ");
    extremes_columns(b, query);
    accounts_column(b, query);
    b.sql(" FROM alert_counts_rule");
    where(b, query, "hour_ns");
    return std::move(b).done();
  }
  b.sql("SELECT ").sql(severity_counts());
  b.sql(
      ", count(DISTINCT symbol), count(DISTINCT rule), coalesce(avg(score), 0), "
      "min(start_ns), max(end_ns), ");
  accounts_column(b, query);
  b.sql(" FROM alerts");
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

// The smallest rollup that can count `query`'s alerts in buckets of `bucket`, if any: hours
// come from the hourly rule rollup (about 5,000 rows for five days) before the minute one.
std::optional<Rollup> timeline_rollup(const AlertQuery& query, Duration bucket) {
  if (bucket.count() % kHourNs == 0) {
    for (Rollup rollup : {Rollup::kRule, Rollup::kSymbol}) {
      if (rollup_answers(query, rollup)) return rollup;
    }
  }
  if (bucket.count() % kMinuteNs == 0 && rollup_answers(query, Rollup::kMinute)) {
    return Rollup::kMinute;
  }
  return std::nullopt;
}

Query timeline(const AlertQuery& query, Duration bucket, Dialect dialect) {
  Builder b(dialect);
  std::string_view what = "the timeline bucket";
  if (auto rollup = timeline_rollup(query, bucket)) {
    b.sql("SELECT ").sql(bucket_start(bucket, what, rollup_time(*rollup))).sql(", ");
    b.sql(severity_counts("total")).sql(" FROM ").sql(rollup_table(*rollup));
    where(b, query, rollup_time(*rollup));
  } else {
    b.sql("SELECT ").sql(bucket_start(bucket, what)).sql(", ");
    b.sql(severity_counts()).sql(" FROM alerts");
    where(b, query);
  }
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
  if (rollup_answers(query, Rollup::kRule)) {
    b.sql("SELECT rule, ").sql(severity_counts("total"));
    b.sql(", sum(score_sum) / sum(total), max(score_max) FROM alert_counts_rule");
    where(b, query, "hour_ns");
  } else {
    b.sql("SELECT rule, ").sql(severity_counts()).sql(", avg(score), max(score) FROM alerts");
    where(b, query);
  }
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
  if (rollup_answers(query, Rollup::kSymbol)) {
    b.sql("SELECT symbol, ").sql(severity_counts("total")).sql(", ").sql(risk("total"));
    b.sql(", sum(score_sum), max(score_max) FROM alert_counts_symbol");
    where(b, query, "hour_ns");
  } else {
    b.sql("SELECT symbol, ").sql(severity_counts()).sql(", ").sql(risk());
    b.sql(", sum(score), max(score) FROM alerts");
    where(b, query);
  }
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
  b.sql("SELECT symbol, sum(buy), sum(sell), sum(total), sum(value), sum(trades) FROM (");
  volume_rows(b, interval, from, to, symbol, true);
  b.sql(") v GROUP BY symbol ORDER BY 4 DESC, symbol");
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
  b.sql("SELECT ").sql(bucket_start(bucket, "the volume bucket"));
  b.sql(", sum(buy), sum(sell), sum(total), sum(trades) FROM (");
  volume_rows(b, interval, from, to, symbol, bucket.count() % kHourNs == 0);
  b.sql(") v GROUP BY 1 ORDER BY 1");
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
  // Two subqueries: each is one index lookup, where min and max together scan the range.
  int p = b.add(positive_ns(interval, "the bar interval"));
  b.sql("SELECT (SELECT min(start_ns) FROM bars WHERE interval_ns = " + b.placeholder(p) +
        "), (SELECT max(start_ns) FROM bars WHERE interval_ns = " + b.placeholder(p) + ")");
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

std::string postgres_rollups() {
  return R"sql(
CREATE TABLE alert_counts_minute (
  minute_ns BIGINT NOT NULL,
  severity_rank SMALLINT NOT NULL,
  total BIGINT NOT NULL,
  start_min BIGINT NOT NULL,
  end_max BIGINT NOT NULL,
  PRIMARY KEY (minute_ns, severity_rank)
);
CREATE TABLE alert_counts_rule (
  hour_ns BIGINT NOT NULL,
  rule TEXT COLLATE "C" NOT NULL,
  severity_rank SMALLINT NOT NULL,
  total BIGINT NOT NULL,
  score_sum DOUBLE PRECISION NOT NULL,
  score_max DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (hour_ns, rule, severity_rank)
);
CREATE TABLE alert_counts_symbol (
  hour_ns BIGINT NOT NULL,
  symbol TEXT COLLATE "C" NOT NULL,
  severity_rank SMALLINT NOT NULL,
  total BIGINT NOT NULL,
  score_sum DOUBLE PRECISION NOT NULL,
  score_max DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (hour_ns, symbol, severity_rank)
);
CREATE TABLE account_alert_counts (
  account TEXT COLLATE "C" PRIMARY KEY,
  total BIGINT NOT NULL
);
CREATE TABLE bar_volume_hourly (
  interval_ns BIGINT NOT NULL,
  hour_ns BIGINT NOT NULL,
  symbol TEXT COLLATE "C" NOT NULL,
  bars BIGINT NOT NULL,
  buy DOUBLE PRECISION NOT NULL,
  sell DOUBLE PRECISION NOT NULL,
  total DOUBLE PRECISION NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  trades BIGINT NOT NULL,
  PRIMARY KEY (interval_ns, hour_ns, symbol)
);
CREATE INDEX alert_counts_by_symbol
  ON alert_counts_symbol(symbol, hour_ns, severity_rank, total, score_sum, score_max);
CREATE INDEX alerts_by_end ON alerts(end_ns, start_ns, id);
CREATE INDEX alerts_by_score ON alerts(score, start_ns, id);
DROP INDEX alerts_by_rule;
CREATE INDEX alerts_by_rule ON alerts(rule, start_ns, id);
DROP INDEX alerts_by_severity;
CREATE INDEX alerts_by_severity ON alerts(severity_rank, start_ns, id);
DROP INDEX alerts_by_symbol;
CREATE INDEX alerts_by_symbol ON alerts(symbol, start_ns, id);

-- Adds (sign 1) or removes (sign -1) one alert in the rollups. Removing recomputes the
-- group's extremes from the alerts, which already hold the statement's changes.
CREATE FUNCTION tw_count_alert(a alerts, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  m BIGINT := (a.start_ns / 60000000000) * 60000000000;
  h BIGINT := (a.start_ns / 3600000000000) * 3600000000000;
BEGIN
  IF sign > 0 THEN
    INSERT INTO alert_counts_minute (minute_ns, severity_rank, total, start_min, end_max)
    VALUES (m, a.severity_rank, 1, a.start_ns, a.end_ns)
    ON CONFLICT (minute_ns, severity_rank) DO UPDATE SET
      total = alert_counts_minute.total + 1,
      start_min = least(alert_counts_minute.start_min, excluded.start_min),
      end_max = greatest(alert_counts_minute.end_max, excluded.end_max);
    INSERT INTO alert_counts_rule (hour_ns, rule, severity_rank, total, score_sum, score_max)
    VALUES (h, a.rule, a.severity_rank, 1, a.score, a.score)
    ON CONFLICT (hour_ns, rule, severity_rank) DO UPDATE SET total = alert_counts_rule.total + 1,
      score_sum = alert_counts_rule.score_sum + excluded.score_sum,
      score_max = greatest(alert_counts_rule.score_max, excluded.score_max);
    INSERT INTO alert_counts_symbol (hour_ns, symbol, severity_rank, total, score_sum, score_max)
    VALUES (h, a.symbol, a.severity_rank, 1, a.score, a.score)
    ON CONFLICT (hour_ns, symbol, severity_rank) DO UPDATE SET total = alert_counts_symbol.total + 1,
      score_sum = alert_counts_symbol.score_sum + excluded.score_sum,
      score_max = greatest(alert_counts_symbol.score_max, excluded.score_max);
  ELSE
    UPDATE alert_counts_minute SET total = total - 1,
      start_min = coalesce((SELECT min(start_ns) FROM alerts WHERE severity_rank = a.severity_rank
        AND start_ns >= m AND start_ns < m + 60000000000), 0),
      end_max = coalesce((SELECT max(end_ns) FROM alerts WHERE severity_rank = a.severity_rank
        AND start_ns >= m AND start_ns < m + 60000000000), 0)
    WHERE minute_ns = m AND severity_rank = a.severity_rank;
    DELETE FROM alert_counts_minute
    WHERE minute_ns = m AND severity_rank = a.severity_rank AND total = 0;
    UPDATE alert_counts_rule SET total = total - 1, score_sum = score_sum - a.score,
      score_max = coalesce((SELECT max(score) FROM alerts WHERE rule = a.rule
        AND severity_rank = a.severity_rank AND start_ns >= h AND start_ns < h + 3600000000000), 0)
    WHERE hour_ns = h AND rule = a.rule AND severity_rank = a.severity_rank;
    DELETE FROM alert_counts_rule
    WHERE hour_ns = h AND rule = a.rule AND severity_rank = a.severity_rank AND total = 0;
    UPDATE alert_counts_symbol SET total = total - 1, score_sum = score_sum - a.score,
      score_max = coalesce((SELECT max(score) FROM alerts WHERE symbol = a.symbol
        AND severity_rank = a.severity_rank AND start_ns >= h AND start_ns < h + 3600000000000), 0)
    WHERE hour_ns = h AND symbol = a.symbol AND severity_rank = a.severity_rank;
    DELETE FROM alert_counts_symbol
    WHERE hour_ns = h AND symbol = a.symbol AND severity_rank = a.severity_rank AND total = 0;
  END IF;
END
$fn$;
CREATE FUNCTION tw_alerts_counted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM tw_count_alert(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM tw_count_alert(NEW, 1); END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER alerts_counted AFTER INSERT OR DELETE ON alerts
FOR EACH ROW EXECUTE FUNCTION tw_alerts_counted();
CREATE TRIGGER alerts_recounted
AFTER UPDATE OF rule, symbol, severity_rank, score, start_ns, end_ns ON alerts FOR EACH ROW
WHEN (OLD.rule IS DISTINCT FROM NEW.rule OR OLD.symbol IS DISTINCT FROM NEW.symbol
  OR OLD.severity_rank IS DISTINCT FROM NEW.severity_rank OR OLD.score IS DISTINCT FROM NEW.score
  OR OLD.start_ns IS DISTINCT FROM NEW.start_ns OR OLD.end_ns IS DISTINCT FROM NEW.end_ns)
EXECUTE FUNCTION tw_alerts_counted();

CREATE FUNCTION tw_accounts_counted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO account_alert_counts (account, total) VALUES (NEW.account, 1)
    ON CONFLICT (account) DO UPDATE SET total = account_alert_counts.total + 1;
  ELSE
    UPDATE account_alert_counts SET total = total - 1 WHERE account = OLD.account;
    DELETE FROM account_alert_counts WHERE account = OLD.account AND total = 0;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER alert_accounts_counted AFTER INSERT OR DELETE ON alert_accounts
FOR EACH ROW EXECUTE FUNCTION tw_accounts_counted();

-- Adds (sign 1) or removes (sign -1) one bar's volume in its hour.
CREATE FUNCTION tw_count_bar(b bars, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  h BIGINT := (b.start_ns / 3600000000000) * 3600000000000;
BEGIN
  INSERT INTO bar_volume_hourly AS v
    (interval_ns, hour_ns, symbol, bars, buy, sell, total, value, trades)
  VALUES (b.interval_ns, h, b.symbol, sign, sign * CAST(b.buy_volume AS DOUBLE PRECISION),
          sign * CAST(b.sell_volume AS DOUBLE PRECISION),
          sign * CAST(b.volume AS DOUBLE PRECISION), sign * b.value, sign * b.trades)
  ON CONFLICT (interval_ns, hour_ns, symbol) DO UPDATE SET bars = v.bars + excluded.bars,
    buy = v.buy + excluded.buy, sell = v.sell + excluded.sell, total = v.total + excluded.total,
    value = v.value + excluded.value, trades = v.trades + excluded.trades;
  DELETE FROM bar_volume_hourly
  WHERE interval_ns = b.interval_ns AND hour_ns = h AND symbol = b.symbol AND bars = 0;
END
$fn$;
CREATE FUNCTION tw_bars_counted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM tw_count_bar(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM tw_count_bar(NEW, 1); END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER bars_counted AFTER INSERT OR UPDATE OR DELETE ON bars
FOR EACH ROW EXECUTE FUNCTION tw_bars_counted();

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
SELECT interval_ns, (start_ns / 3600000000000) * 3600000000000, symbol, count(*),
       sum(CAST(buy_volume AS DOUBLE PRECISION)), sum(CAST(sell_volume AS DOUBLE PRECISION)),
       sum(CAST(volume AS DOUBLE PRECISION)), sum(value), sum(trades)
FROM bars GROUP BY 1, 2, 3;

-- Views for BI tools (docs/API.md, "SQL views"): the names and columns SQLite has.
CREATE VIEW alerts_per_minute AS
SELECT to_timestamp(minute_ns / 1000000000) AS minute_start, minute_ns, rule, severity, alerts
FROM (SELECT (start_ns / 60000000000) * 60000000000 AS minute_ns, rule, severity, count(*) AS alerts
      FROM alerts GROUP BY 1, 2, 3) per_minute;
CREATE VIEW alerts_per_hour AS
SELECT to_timestamp(hour_ns / 1000000000) AS hour_start, hour_ns, rule,
       CASE severity_rank WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END AS severity, total AS alerts
FROM alert_counts_rule;
CREATE VIEW alerts_per_rule AS
SELECT rule, sum(total) AS alerts,
       sum(CASE WHEN severity_rank = 0 THEN total ELSE 0 END) AS low,
       sum(CASE WHEN severity_rank = 1 THEN total ELSE 0 END) AS medium,
       sum(CASE WHEN severity_rank = 2 THEN total ELSE 0 END) AS high,
       sum(CASE WHEN severity_rank = 3 THEN total ELSE 0 END) AS critical,
       sum(score_sum) / sum(total) AS mean_score, max(score_max) AS max_score
FROM alert_counts_rule GROUP BY rule;
CREATE VIEW alerts_rule_severity AS
SELECT rule, CASE severity_rank WHEN 0 THEN 'LOW' WHEN 1 THEN 'MEDIUM' WHEN 2 THEN 'HIGH' ELSE 'CRITICAL' END AS severity, sum(total) AS alerts
FROM alert_counts_rule GROUP BY rule, severity_rank;
CREATE VIEW symbol_risk AS
SELECT symbol, sum(total) AS alerts,
       sum(CASE WHEN severity_rank = 0 THEN total ELSE 0 END) AS low,
       sum(CASE WHEN severity_rank = 1 THEN total ELSE 0 END) AS medium,
       sum(CASE WHEN severity_rank = 2 THEN total ELSE 0 END) AS high,
       sum(CASE WHEN severity_rank = 3 THEN total ELSE 0 END) AS critical,
       3 * sum(CASE WHEN severity_rank = 3 THEN total ELSE 0 END)
         + 2 * sum(CASE WHEN severity_rank = 2 THEN total ELSE 0 END)
         + sum(CASE WHEN severity_rank = 1 THEN total ELSE 0 END) AS risk,
       sum(score_sum) AS score_sum, max(score_max) AS max_score
FROM alert_counts_symbol GROUP BY symbol;

-- The text filter's ILIKEs, each branch served by a trigram index (pg_trgm is a trusted
-- extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX alerts_text_why ON alerts USING gin (why gin_trgm_ops);
CREATE INDEX alerts_text_rule ON alerts USING gin (rule gin_trgm_ops);
CREATE INDEX alerts_text_symbol ON alerts USING gin (symbol gin_trgm_ops);
CREATE INDEX alerts_text_id ON alerts USING gin (id gin_trgm_ops);
CREATE INDEX alert_accounts_text ON alert_accounts USING gin (account gin_trgm_ops);
)sql";
}

}  // namespace tw::sql
