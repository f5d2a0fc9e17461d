// The alert store interface: runs, alerts, evidence and bars persisted by SQLite or PostgreSQL.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/alert.hpp"
#include "model/bar.hpp"
#include "model/timestamp.hpp"
#include "util/named_counts.hpp"

namespace tw {

/// One execution of `tapewatch run`: what it read, with which configuration, and the outcome.
struct RunRecord {
  std::string run_id;
  std::string started_at;  // ISO wall-clock time; informational only, never used for ordering
  std::vector<std::string> inputs;
  std::string config_hash;
  std::string config_toml;
  uint64_t events = 0;
  uint64_t rejects = 0;
  uint64_t alerts = 0;
  std::string rejects_json = "{}";  // counts by reject reason, a JSON object
  std::string alerts_json = "{}";   // counts by rule and severity, a JSON object
  // The order books at the end: symbols, live_orders, executions_printed, then every
  // BookDiagnostics counter by its kBookDiagnosticsFields name.
  NamedCounts books;
  NamedCounts feed_counts;  // what the readers counted (Feed::counters), summed by name
  double elapsed_seconds = 0;
  double events_per_second = 0;
  uint64_t peak_rss_bytes = 0;
  std::string status = "running";  // "running", "ok" or "failed"
  std::string error;
  std::string finished_at;  // filled by the store when the run is finished
};

/// Where an analyst's review of an alert stands. New alerts are kOpen; a re-run of the same
/// input keeps the status an analyst gave.
enum class AlertStatus : uint8_t { kOpen, kReviewing, kEscalated, kDismissed, kConfirmed };
std::string_view to_string(AlertStatus s);  // "open", "reviewing", ...
std::optional<AlertStatus> parse_alert_status(std::string_view text);

/// What a list of alerts is ordered by; ties are broken by (window start, id) in the same
/// direction, so a descending list is exactly the ascending one reversed.
enum class AlertSortKey : uint8_t { kStart, kEnd, kScore, kSeverity, kSymbol, kRule };
struct AlertSort {
  AlertSortKey key = AlertSortKey::kStart;
  bool descending = false;
};

/// Which alerts to read. Every set field narrows the result; the order is `sort`.
struct AlertQuery {
  std::optional<std::string> rule = std::nullopt;         // exact rule name
  std::optional<std::string> rule_prefix = std::nullopt;  // e.g. "wash." for every wash rule
  std::optional<std::string> symbol = std::nullopt;
  std::optional<Severity> min_severity = std::nullopt;
  std::optional<Severity> severity = std::nullopt;   // exactly this severity
  std::optional<Timestamp> from = std::nullopt;      // window start >= from
  std::optional<Timestamp> to = std::nullopt;        // window start < to
  std::optional<std::string> run_id = std::nullopt;  // alerts last written by this run
  std::optional<AlertStatus> status = std::nullopt;
  std::optional<std::string> account = std::nullopt;  // one of the alert's accounts, exactly
  // A case-insensitive substring of the explanation, rule, symbol, id or an account. Matched
  // literally: % and _ are not wildcards.
  std::optional<std::string> text = std::nullopt;
  AlertSort sort = {};
  uint64_t limit = 0;  // 0: no limit
  uint64_t offset = 0;
};

/// An alert as stored, with the runs that first and last produced it and its review state.
struct StoredAlert {
  Alert alert;
  std::string run_id;
  std::string first_seen_run;
  AlertStatus status = AlertStatus::kOpen;
  std::string status_note;  // the analyst's words with the last status change
  std::string updated_at;   // wall-clock ISO time of the last write
  // Grows with every write of any alert (insert, re-run or status change): a reader that
  // remembers the largest it saw asks for what changed after it (alerts_changed_since).
  uint64_t change_seq = 0;
};

/// Counts of alerts by severity, indexed by Severity.
using SeverityCounts = std::array<uint64_t, 4>;

/// The headline figures of the alerts a query selects (limit, offset and sort ignored).
struct AlertSummary {
  uint64_t alerts = 0;
  uint64_t symbols = 0;   // distinct symbols with an alert
  uint64_t rules = 0;     // distinct rules that fired
  uint64_t accounts = 0;  // distinct accounts named by an alert
  SeverityCounts by_severity = {};
  double mean_score = 0;
  std::optional<Timestamp> first_start;  // earliest window start
  std::optional<Timestamp> last_end;     // latest window end
};

/// Alerts whose window starts in [start, start + bucket).
struct TimeBucket {
  Timestamp start;
  SeverityCounts by_severity = {};
  uint64_t total = 0;
};

/// One rule's alerts: the "by rule" chart and a row of the rule x severity heatmap.
struct RuleCount {
  std::string rule;
  SeverityCounts by_severity = {};
  uint64_t total = 0;
  double mean_score = 0;
  double max_score = 0;
};

/// How much a symbol's alerts weigh: risk = 3 x CRITICAL + 2 x HIGH + 1 x MEDIUM (LOW counts
/// 0), and the sum of their scores.
struct SymbolRisk {
  std::string symbol;
  SeverityCounts by_severity = {};
  uint64_t alerts = 0;
  uint64_t risk = 0;
  double score_sum = 0;
  double max_score = 0;
};

/// Traded volume from the stored bars of one interval, by aggressor side.
struct SymbolVolume {
  std::string symbol;
  double buy = 0;    // volume whose aggressor bought
  double sell = 0;   // volume whose aggressor sold
  double total = 0;  // every print, those of unknown side included
  double value = 0;  // sum of price x quantity
  uint64_t trades = 0;
};
struct VolumeBucket {
  Timestamp start;
  double buy = 0;
  double sell = 0;
  double total = 0;
  uint64_t trades = 0;
};

/// Totals over every recorded run.
struct RunTotals {
  uint64_t runs = 0;
  uint64_t events = 0;
  uint64_t rejects = 0;
  uint64_t alerts = 0;  // alerts the runs emitted (re-runs count again)
};

using AlertVisitor = std::function<void(const StoredAlert&)>;
using BarVisitor = std::function<void(const Bar&)>;

/// Persists alerts (upserted by id, so re-runs never duplicate), bars and run records.
/// Writes are buffered and committed in batches; call flush() or finish_run() to make them
/// durable. Not thread-safe: one thread owns a store. Every failure is a std::runtime_error
/// naming the store and the backend's message.
class AlertStore : public AlertSink {
 public:
  /// Records a run as started; alerts emitted afterwards belong to it.
  virtual void begin_run(const RunRecord& run) = 0;
  /// Buffers an alert; written with the next batch.
  void emit(Alert&& alert) override = 0;
  /// Buffers a closed bar of `interval`; upserted by (symbol, interval, start).
  virtual void write_bar(std::string_view symbol, Duration interval, const Bar& bar) = 0;
  /// Writes everything buffered in one transaction.
  virtual void flush() = 0;
  /// Flushes, then records the run's outcome, counts and finish time.
  virtual void finish_run(const RunRecord& run) = 0;

  // Reads flush the buffers first, so they see every alert and bar this store was given.

  /// Visits the alerts matching `query`, in the order of `query.sort`.
  virtual void for_each_alert(const AlertQuery& query, const AlertVisitor& visit) = 0;
  /// Counts the alerts matching `query`, ignoring its limit and offset.
  virtual uint64_t count_alerts(const AlertQuery& query) = 0;
  virtual std::optional<RunRecord> find_run(const std::string& run_id) = 0;
  /// The most recent runs by start time, newest first.
  virtual std::vector<RunRecord> recent_runs(size_t limit) = 0;
  virtual RunTotals run_totals() = 0;

  /// One alert by id.
  virtual std::optional<StoredAlert> find_alert(const std::string& id) = 0;
  /// Sets an alert's review status (and note); false when no alert has that id. Counts as a
  /// change (change_seq grows).
  virtual bool set_status(const std::string& id, AlertStatus status, std::string_view note) = 0;
  /// Alerts written after `change_seq`, in change order, at most `limit` (0: all).
  virtual void alerts_changed_since(uint64_t change_seq, uint64_t limit,
                                    const AlertVisitor& visit) = 0;
  /// The largest change_seq of any alert (0 when there are none).
  virtual uint64_t last_change_seq() = 0;

  /// Buffers what the engine recorded around an alert (a JSON object: the evidence trades and
  /// orders, the tape and book depth around the window; docs/API.md); written with the next
  /// batch, upserted by alert id.
  virtual void write_evidence(const std::string& alert_id, std::string evidence_json) = 0;
  /// The evidence JSON recorded for an alert, if any.
  virtual std::optional<std::string> find_evidence(const std::string& alert_id) = 0;

  // Statistics over the alerts a query selects (its sort, limit and offset are ignored).
  virtual AlertSummary summarize(const AlertQuery& query) = 0;
  /// Buckets of `bucket` (a minute or an hour, aligned to UTC) that hold at least one alert,
  /// oldest first.
  virtual std::vector<TimeBucket> timeline(const AlertQuery& query, Duration bucket) = 0;
  /// Every rule with an alert, most alerts first.
  virtual std::vector<RuleCount> count_by_rule(const AlertQuery& query) = 0;
  /// Every symbol with an alert, highest risk first (then score sum, then symbol).
  virtual std::vector<SymbolRisk> symbol_risk(const AlertQuery& query) = 0;

  /// Volume per symbol from the bars of `interval` starting in [from, to), most traded first;
  /// `symbol` narrows to one.
  virtual std::vector<SymbolVolume> volume_by_symbol(Duration interval, Timestamp from,
                                                     Timestamp to,
                                                     std::optional<std::string> symbol) = 0;
  /// The same volume summed into buckets of `bucket` (a multiple of `interval`), oldest first.
  virtual std::vector<VolumeBucket> volume_over_time(Duration interval, Duration bucket,
                                                     Timestamp from, Timestamp to,
                                                     std::optional<std::string> symbol) = 0;
  /// The earliest and latest bar start of `interval` over every symbol, if any bar is stored.
  virtual std::optional<std::pair<Timestamp, Timestamp>> bar_range(Duration interval) = 0;
  /// Visits the bars of one symbol and interval starting in [from, to), oldest first.
  virtual void for_each_bar(std::string_view symbol, Duration interval, Timestamp from,
                            Timestamp to, const BarVisitor& visit) = 0;
  /// A short description for logs, e.g. "sqlite:alerts.db".
  virtual std::string describe() const = 0;
};

/// Whether open_store may create a new, empty store.
enum class StoreOpen { kCreate, kExisting };

/// Opens (creating and migrating if needed) the store a URL names: "sqlite:PATH",
/// "sqlite://PATH", a plain path ending in .db, .sqlite or .sqlite3, or a libpq URL
/// "postgresql://..." / "postgres://..." (the database must exist). Other schemes throw
/// std::runtime_error listing the schemes this build supports. With kExisting, a store that
/// does not exist yet is an error instead of being created (readers such as export).
std::unique_ptr<AlertStore> open_store(const std::string& url, StoreOpen mode = StoreOpen::kCreate);

}  // namespace tw
