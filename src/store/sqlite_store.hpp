// The SQLite alert store: versioned schema, batched upserts of alerts and bars, run records.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "store/alert_store.hpp"
#include "store/sqlite_db.hpp"

namespace tw {

struct SqliteStoreOptions {
  int busy_timeout_ms = 5000;  // how long a write waits for another process's lock
  // Alerts or bars buffered before a transaction writes them. Each commit rewrites every page
  // it touched, and alert ids are random hashes spread over all pages of the id index, so
  // fewer, larger commits write far less (about 8 MiB of buffered alerts at most).
  size_t batch_size = 8192;
};

/// An AlertStore in one SQLite file (WAL journal, synchronous=NORMAL). Opening migrates the
/// schema to the newest version this build knows and refuses a database from a newer build.
/// Bar prices and quantities are stored as exact decimal TEXT (Price::to_string), never as
/// REAL: a chart reads them with CAST(open AS REAL), while exports and re-reads stay exact.
class SqliteStore final : public AlertStore {
 public:
  explicit SqliteStore(const std::string& path, SqliteStoreOptions options = {});
  /// Writes what is still buffered; a failure here is logged, not thrown.
  ~SqliteStore() override;

  void begin_run(const RunRecord& run) override;
  void emit(Alert&& alert) override;
  void write_bar(std::string_view symbol, Duration interval, const Bar& bar) override;
  void flush() override;
  void finish_run(const RunRecord& run) override;

  void for_each_alert(const AlertQuery& query, const AlertVisitor& visit) override;
  uint64_t count_alerts(const AlertQuery& query) override;
  std::optional<RunRecord> find_run(const std::string& run_id) override;
  std::vector<RunRecord> recent_runs(size_t limit) override;
  RunTotals run_totals() override;

  std::optional<StoredAlert> find_alert(const std::string& id) override;
  bool set_status(const std::string& id, AlertStatus status, std::string_view note) override;
  void alerts_changed_since(uint64_t change_seq, uint64_t limit,
                            const AlertVisitor& visit) override;
  uint64_t last_change_seq() override;
  void write_evidence(const std::string& alert_id, std::string evidence_json) override;
  std::optional<std::string> find_evidence(const std::string& alert_id) override;

  AlertSummary summarize(const AlertQuery& query) override;
  std::vector<TimeBucket> timeline(const AlertQuery& query, Duration bucket) override;
  std::vector<RuleCount> count_by_rule(const AlertQuery& query) override;
  std::vector<SymbolRisk> symbol_risk(const AlertQuery& query) override;
  std::vector<SymbolVolume> volume_by_symbol(Duration interval, Timestamp from, Timestamp to,
                                             std::optional<std::string> symbol) override;
  std::vector<VolumeBucket> volume_over_time(Duration interval, Duration bucket, Timestamp from,
                                             Timestamp to,
                                             std::optional<std::string> symbol) override;
  std::optional<std::pair<Timestamp, Timestamp>> bar_range(Duration interval) override;
  void for_each_bar(std::string_view symbol, Duration interval, Timestamp from, Timestamp to,
                    const BarVisitor& visit) override;
  std::string describe() const override;

  /// The schema version of the open database, and the newest this build can migrate to.
  int schema_version() const { return schema_version_; }
  static int latest_schema_version();

 private:
  struct PendingBar {
    std::string symbol;
    int64_t interval_ns;
    Bar bar;
  };

  /// Takes `count` consecutive change numbers inside the open transaction; returns the first.
  uint64_t reserve_change_seqs(uint64_t count);
  void write_alerts();
  void write_accounts(const Alert& alert);
  void write_pending_evidence();
  void write_bars();
  void upsert_run(const RunRecord& run, std::string_view finished_at);

  SqliteStoreOptions options_;
  sqlite::Database db_;
  int schema_version_;  // set by migrating, before the statements below are prepared
  sqlite::Statement upsert_alert_;
  sqlite::Statement delete_accounts_;
  sqlite::Statement upsert_account_;
  sqlite::Statement upsert_evidence_;
  sqlite::Statement reserve_change_seqs_;
  sqlite::Statement upsert_bar_;
  sqlite::Statement upsert_run_;
  std::string run_id_;
  std::vector<Alert> pending_alerts_;
  std::vector<PendingBar> pending_bars_;
  std::vector<std::pair<std::string, std::string>> pending_evidence_;  // alert id, JSON
};

}  // namespace tw
