// The SQL both alert stores share: alert filters, orderings, statistics and row decoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/alert_store.hpp"

namespace tw::sql {

/// The few places where SQLite and PostgreSQL spell the same query differently.
enum class Dialect { kSqlite, kPostgres };

using Param = std::variant<std::string, int64_t, double>;

/// A statement's text and its parameters; placeholder N (?N or $N) is params[N - 1].
struct Query {
  std::string text;
  std::vector<Param> params;
};

/// Appends SQL text and numbered placeholders in the dialect's spelling.
class Builder {
 public:
  explicit Builder(Dialect dialect) : dialect_(dialect) {}
  Builder& sql(std::string_view text);
  /// Appends a placeholder for a new parameter.
  Builder& param(Param value);
  /// Adds a parameter without writing it; its placeholder() may then be used several times.
  int add(Param value);
  std::string placeholder(int number) const;
  Dialect dialect() const { return dialect_; }
  Query done() &&;

 private:
  Dialect dialect_;
  Query query_;
};

/// Rewrites the ?N placeholders of SQLite text into PostgreSQL's $N (other dialects: as is).
std::string in_dialect(std::string_view sqlite_text, Dialect dialect);

/// One result row, read by column number from 0; each store adapts its own result type.
/// integer() and real() of a NULL column are 0 (an empty sum), text() is empty.
class Row {
 public:
  virtual bool is_null(int column) const = 0;
  virtual int64_t integer(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string_view text(int column) const = 0;

 protected:
  ~Row() = default;
};

// Alert writes. The upsert keeps an analyst's status and the run that first saw the alert.
// Parameters: ?1 id, ?2 rule, ?3 symbol, ?4 severity, ?5 severity_rank, ?6 score, ?7 start_ns,
// ?8 end_ns, ?9 start_time, ?10 end_time, ?11 accounts JSON, ?12 metrics JSON, ?13 why,
// ?14 evidence JSON, ?15 evidence_total, ?16 run_id, ?17 now, ?18 change_seq.
std::string upsert_alert(Dialect dialect);
/// ?1 alert id: forgets the alert's accounts before upsert_account writes them again.
std::string delete_accounts(Dialect dialect);
/// ?1 alert id, ?2 account.
std::string upsert_account(Dialect dialect);
/// ?1 alert id, ?2 evidence JSON.
std::string upsert_evidence(Dialect dialect);
/// ?1 how many change numbers to take; answers the last one taken. The counter row also
/// serializes concurrent writers, so change numbers become visible in order.
std::string reserve_change_seqs(Dialect dialect);
/// ?1 status, ?2 note, ?3 now, ?4 change_seq, ?5 id.
std::string update_status(Dialect dialect);
/// ?1 symbol, ?2 interval_ns, ?3 start_ns, ?4 start_time, ?5-?11 open, high, low, close, volume,
/// buy_volume, sell_volume (decimal text), ?12 value, ?13 trades.
std::string upsert_bar(Dialect dialect);

// Alert reads; every one decodes with read_alert.
Query select_alerts(const AlertQuery& query, Dialect dialect);
Query count_alerts(const AlertQuery& query, Dialect dialect);
Query find_alert(const std::string& id, Dialect dialect);
Query alerts_changed_since(uint64_t change_seq, uint64_t limit, Dialect dialect);
Query last_change_seq(Dialect dialect);
Query find_evidence(const std::string& alert_id, Dialect dialect);
StoredAlert read_alert(const Row& row);

// Statistics, each with its row decoder.
Query summarize(const AlertQuery& query, Dialect dialect);
AlertSummary read_summary(const Row& row);
Query timeline(const AlertQuery& query, Duration bucket, Dialect dialect);
TimeBucket read_time_bucket(const Row& row);
Query count_by_rule(const AlertQuery& query, Dialect dialect);
RuleCount read_rule_count(const Row& row);
Query symbol_risk(const AlertQuery& query, Dialect dialect);
SymbolRisk read_symbol_risk(const Row& row);
Query volume_by_symbol(Duration interval, Timestamp from, Timestamp to,
                       const std::optional<std::string>& symbol, Dialect dialect);
SymbolVolume read_symbol_volume(const Row& row);
Query volume_over_time(Duration interval, Duration bucket, Timestamp from, Timestamp to,
                       const std::optional<std::string>& symbol, Dialect dialect);
VolumeBucket read_volume_bucket(const Row& row);
Query bar_range(Duration interval, Dialect dialect);
/// nullopt when no bar of the interval is stored (the row's columns are NULL).
std::optional<std::pair<Timestamp, Timestamp>> read_bar_range(const Row& row);

/// ?1 id, ?2 started_at, ?3 finished_at, ?4 status, ?5 inputs JSON, ?6 config_hash, ?7 config,
/// ?8 events, ?9 rejects, ?10 alerts, ?11 rejects_by_reason, ?12 alerts_by_rule,
/// ?13 elapsed_seconds, ?14 events_per_second, ?15 peak_rss_bytes, ?16 error, ?17 books,
/// ?18 feed_counts. An empty started_at keeps the one recorded when the run began.
std::string upsert_run(Dialect dialect);

// Runs. recent_runs orders by `order_column` (SQLite: rowid; PostgreSQL: a serial column),
// the order in which runs were begun.
std::string run_columns();
Query find_run(const std::string& run_id, Dialect dialect);
Query recent_runs(size_t limit, std::string_view order_column, Dialect dialect);
RunRecord read_run(const Row& row);
Query run_totals(Dialect dialect);
RunTotals read_run_totals(const Row& row);

/// PostgreSQL DDL for what SQLite's schema version 4 added, on top of the PostgreSQL schema
/// with the tables of version 3: sort indexes, the rollup tables with their plpgsql triggers
/// (backfilled from the rows already stored), the BI views and trigram indexes for the text
/// filter. The statistics queries above read the rollup tables in both dialects.
std::string postgres_rollups();

/// `text` as a LIKE pattern matching it literally anywhere: %text% with \, % and _ escaped.
std::string contains_pattern(std::string_view text);

}  // namespace tw::sql
