// The PostgreSQL alert store over libpq: the SQLite store's schema and behaviour, reconnecting.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "store/alert_sql.hpp"
#include "store/alert_store.hpp"
#include "store/pg_connection.hpp"

namespace tw {

struct PostgresStoreOptions {
  // Alerts or bars buffered before a transaction writes them (COPY, then one upsert).
  size_t batch_size = 8192;
  // A write or read that fails because the connection dropped is retried after reconnecting,
  // waiting first_retry_delay, doubling up to max_retry_delay, at most max_attempts tries in
  // all (the first one included).
  std::chrono::milliseconds first_retry_delay{100};
  std::chrono::milliseconds max_retry_delay{5000};
  int max_attempts = 12;
};

/// An AlertStore in a PostgreSQL database (any libpq URL; the database must exist). Opening
/// migrates the schema (schema_migrations, one transaction per version, serialised across
/// processes by an advisory lock) and refuses a database from a newer build. Buffered alerts
/// and bars stay buffered until the transaction that writes them commits; with idempotent
/// upserts by id, a batch replayed after a lost connection is harmless.
class PostgresStore final : public AlertStore {
 public:
  explicit PostgresStore(const std::string& url, PostgresStoreOptions options = {});
  /// Writes what is still buffered; a failure here is logged, not thrown.
  ~PostgresStore() override;

  void begin_run(const RunRecord& run) override;
  void emit(Alert&& alert) override;
  void write_bar(std::string_view symbol, Duration interval, const Bar& bar) override;
  void flush() override;
  void finish_run(const RunRecord& run) override;

  void for_each_alert(const AlertQuery& query, const AlertVisitor& visit) override;
  uint64_t count_alerts(const AlertQuery& query) override;
  std::optional<RunRecord> find_run(const std::string& run_id) override;
  std::vector<RunRecord> recent_runs(size_t limit) override;
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
  RunTotals run_totals() override;
  std::optional<StoredAlert> find_alert(const std::string& id) override;
  bool set_status(const std::string& id, AlertStatus status, std::string_view note) override;
  void alerts_changed_since(uint64_t change_seq, uint64_t limit,
                            const AlertVisitor& visit) override;
  uint64_t last_change_seq() override;
  void write_evidence(const std::string& alert_id, std::string evidence_json) override;
  std::optional<std::string> find_evidence(const std::string& alert_id) override;
  void for_each_bar(std::string_view symbol, Duration interval, Timestamp from, Timestamp to,
                    const BarVisitor& visit) override;
  std::string describe() const override;

  /// The schema version of the open database, and the newest this build can migrate to.
  int schema_version() const { return schema_version_; }
  static int latest_schema_version();
  /// The server process of the current connection (tests end it to check reconnecting).
  int backend_pid() const { return db_.backend_pid(); }
  /// How many times a lost connection was re-established.
  uint64_t reconnects() const { return reconnects_; }

 private:
  struct PendingBar {
    std::string symbol;
    int64_t interval_ns;
    Bar bar;
  };
  struct PendingEvidence {
    std::string alert_id;
    std::string json;
  };

  // Runs `work` (which must be safe to repeat), reconnecting and retrying it with backoff
  // when the connection is lost; each retry is logged with the failure.
  template <class Work>
  auto with_reconnect(Work&& work) -> decltype(work());
  void write_pending();
  // Takes `count` change numbers (inside the caller's transaction); answers the first.
  int64_t reserve_change_seqs(int64_t count);
  void upsert_run(const RunRecord& run, std::string_view finished_at);
  // Runs a shared query (retried like every read) and decodes each row with `read`.
  template <class Read>
  auto read_rows(const sql::Query& query, std::string_view context, Read read);
  // The same for a query of exactly one row (an aggregate).
  template <class Read>
  auto read_one(const sql::Query& query, std::string_view context, Read read);

  PostgresStoreOptions options_;
  pg::Connection db_;
  int schema_version_;
  uint64_t reconnects_ = 0;
  std::string run_id_;
  std::vector<Alert> pending_alerts_;
  std::vector<PendingBar> pending_bars_;
  std::vector<PendingEvidence> pending_evidence_;
};

}  // namespace tw
