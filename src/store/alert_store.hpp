// The alert store interface: runs, alerts and bars persisted by any backend (SQLite today).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

/// Which alerts to read. Every set field narrows the result; the order is (start, id).
struct AlertQuery {
  std::optional<std::string> rule = std::nullopt;         // exact rule name
  std::optional<std::string> rule_prefix = std::nullopt;  // e.g. "wash." for every wash rule
  std::optional<std::string> symbol = std::nullopt;
  std::optional<Severity> min_severity = std::nullopt;
  std::optional<Timestamp> from = std::nullopt;      // window start >= from
  std::optional<Timestamp> to = std::nullopt;        // window start < to
  std::optional<std::string> run_id = std::nullopt;  // alerts last written by this run
  uint64_t limit = 0;                                // 0: no limit
  uint64_t offset = 0;
};

/// An alert as stored, with the runs that first and last produced it.
struct StoredAlert {
  Alert alert;
  std::string run_id;
  std::string first_seen_run;
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

  /// Visits the alerts matching `query`, ordered by window start, then id.
  virtual void for_each_alert(const AlertQuery& query, const AlertVisitor& visit) = 0;
  /// Counts the alerts matching `query`, ignoring its limit and offset.
  virtual uint64_t count_alerts(const AlertQuery& query) = 0;
  virtual std::optional<RunRecord> find_run(const std::string& run_id) = 0;
  /// Visits the bars of one symbol and interval starting in [from, to), oldest first.
  virtual void for_each_bar(std::string_view symbol, Duration interval, Timestamp from,
                            Timestamp to, const BarVisitor& visit) = 0;
  /// A short description for logs, e.g. "sqlite:alerts.db".
  virtual std::string describe() const = 0;
};

/// Whether open_store may create a new, empty store.
enum class StoreOpen { kCreate, kExisting };

/// Opens (creating and migrating if needed) the store a URL names: "sqlite:PATH",
/// "sqlite://PATH" or a plain path ending in .db, .sqlite or .sqlite3. Other schemes throw
/// std::runtime_error listing the schemes this build supports. With kExisting, a store that
/// does not exist yet is an error instead of being created (readers such as export).
std::unique_ptr<AlertStore> open_store(const std::string& url, StoreOpen mode = StoreOpen::kCreate);

}  // namespace tw
