// Alert export: CSV and JSONL serialisation, export from a store, and the seed CSV layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/alert.hpp"
#include "store/alert_store.hpp"

namespace tw {

enum class ExportFormat { kCsv, kJsonl };
/// "csv" or "jsonl"; nullopt otherwise.
std::optional<ExportFormat> parse_export_format(std::string_view name);

/// Appends `field` as one RFC 4180 CSV field: quoted when it holds a comma, quote, CR or LF,
/// with quotes doubled.
void append_csv_field(std::string& out, std::string_view field);

/// CSV columns: id, rule, symbol, severity, score, start_time, end_time, accounts (';'-joined),
/// why, metrics (JSON text), evidence (';'-joined), evidence_total. Rows end in '\n'.
std::string_view alert_csv_header();
void append_alert_csv(std::string& out, const Alert& alert);

/// One alert as a one-line JSON object (no newline): id, rule, symbol, severity, score,
/// start_time, end_time, accounts [..], why, metrics {..} (embedded, not a string),
/// evidence [..], evidence_total.
void append_alert_json(std::string& out, const Alert& alert);

/// Writes the alerts matching `query` (ordered by start, id) to `path`, "-" for stdout.
/// Returns how many were written; throws std::runtime_error on any write failure.
uint64_t export_alerts(AlertStore& store, const AlertQuery& query, ExportFormat format,
                       const std::string& path);

/// The CSV layout the replaced Python system's dashboards read. Three files in one directory:
///   alerts_wash.csv       rules starting with "wash."
///   alerts_pump_dump.csv  rule "pump_and_dump"
///   all_alerts.csv        every alert
/// Columns: alert_id, alert_type, symbol, severity, score, timestamp, end_timestamp,
/// trader_ids, description, details. alert_type is WASH_TRADE for wash.* rules,
/// PUMP_AND_DUMP for pump_and_dump, otherwise the rule upper-cased with '.' as '_'.
/// timestamp/end_timestamp are the alert window as naive UTC ISO-8601 in Python's
/// datetime.isoformat() form ("2025-01-06T12:00:00" or "...:00.091000"); trader_ids are the
/// accounts joined by ';'; description is the why; details is the metrics JSON object.
struct SeedLayoutCounts {
  uint64_t wash = 0;
  uint64_t pump_dump = 0;
  uint64_t all = 0;
};
/// Writes the seed layout into `dir` (created if missing), replacing the three files.
SeedLayoutCounts write_seed_layout(AlertStore& store, const std::string& dir);

/// WASH_TRADE, PUMP_AND_DUMP or the upper-cased rule name.
std::string seed_alert_type(std::string_view rule);
/// Naive UTC ISO-8601 as Python's datetime.isoformat() writes it (microseconds, or none).
std::string python_isoformat(Timestamp t);

}  // namespace tw
