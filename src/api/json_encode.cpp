#include "api/json_encode.hpp"

#include "util/format.hpp"
#include "util/json_array.hpp"

namespace tw::api {
namespace {

constexpr Severity kSeverities[] = {Severity::kLow, Severity::kMedium, Severity::kHigh,
                                    Severity::kCritical};

void add_time(JsonObjectWriter& out, std::string_view name, Timestamp t) {
  out.field(name, t.to_iso8601());
  out.field(std::string(name) + "_ns", t.nanos());
}

void add_optional_time(JsonObjectWriter& out, std::string_view name,
                       const std::optional<Timestamp>& t) {
  if (t) return add_time(out, name, *t);
  out.raw(name, "null");
  out.raw(std::string(name) + "_ns", "null");
}

void add_severity_counts(JsonObjectWriter& out, const SeverityCounts& counts) {
  for (Severity s : kSeverities) out.field(to_string(s), counts[static_cast<size_t>(s)]);
}

}  // namespace

std::string json_array_of(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += items[i];
  }
  out.push_back(']');
  return out;
}

std::string error_json(std::string_view message, std::string_view parameter) {
  JsonObjectWriter out;
  out.field("error", message);
  if (!parameter.empty()) out.field("parameter", parameter);
  return std::move(out).finish();
}

std::string alert_json(const StoredAlert& stored) {
  const Alert& a = stored.alert;
  JsonObjectWriter out;
  out.field("id", a.id).field("rule", a.rule).field("symbol", a.symbol);
  out.field("severity", to_string(a.severity)).field("score", a.score);
  out.field("start", a.start.to_iso8601()).field("end", a.end.to_iso8601());
  out.field("start_ns", a.start.nanos()).field("end_ns", a.end.nanos());
  out.raw("accounts", json_string_array(a.accounts));
  out.raw("metrics", a.metrics_json.empty() ? "{}" : a.metrics_json);
  out.field("why", a.why);
  out.raw("evidence", json_string_array(a.evidence));
  out.field("evidence_total", a.evidence_total);
  out.field("status", to_string(stored.status)).field("status_note", stored.status_note);
  out.field("run_id", stored.run_id).field("first_seen_run", stored.first_seen_run);
  out.field("updated_at", stored.updated_at).field("change_seq", stored.change_seq);
  return std::move(out).finish();
}

std::string alert_event_frame(const StoredAlert& stored) {
  return "id: " + std::to_string(stored.change_seq) +
         "\nevent: alert\ndata: " + alert_json(stored) + "\n\n";
}

std::string bar_json(const Bar& bar) {
  JsonObjectWriter out;
  add_time(out, "start", bar.start);
  out.field("open", bar.open.to_double()).field("high", bar.high.to_double());
  out.field("low", bar.low.to_double()).field("close", bar.close.to_double());
  out.field("volume", bar.volume.to_double());
  out.field("buy_volume", bar.buy_volume.to_double());
  out.field("sell_volume", bar.sell_volume.to_double());
  out.field("trades", bar.trades).field("vwap", bar.vwap());
  return std::move(out).finish();
}

std::string summary_json(const AlertSummary& summary, const RunTotals& runs) {
  JsonObjectWriter by_severity;
  add_severity_counts(by_severity, summary.by_severity);
  JsonObjectWriter run_totals;
  run_totals.field("runs", runs.runs).field("events", runs.events);
  run_totals.field("rejects", runs.rejects).field("alerts", runs.alerts);

  JsonObjectWriter out;
  out.field("alerts", summary.alerts).field("symbols", summary.symbols);
  out.field("rules", summary.rules).field("accounts", summary.accounts);
  out.field("critical", summary.by_severity[static_cast<size_t>(Severity::kCritical)]);
  out.raw("by_severity", std::move(by_severity).finish());
  out.field("mean_score", summary.mean_score);
  add_optional_time(out, "first_start", summary.first_start);
  add_optional_time(out, "last_end", summary.last_end);
  out.raw("runs", std::move(run_totals).finish());
  return std::move(out).finish();
}

std::string timeline_json(const std::vector<TimeBucket>& buckets, std::string_view bucket_name) {
  std::vector<std::string> points;
  points.reserve(buckets.size());
  for (const TimeBucket& b : buckets) {
    JsonObjectWriter point;
    add_time(point, "start", b.start);
    point.field("total", b.total);
    add_severity_counts(point, b.by_severity);
    points.push_back(std::move(point).finish());
  }
  JsonObjectWriter out;
  out.field("bucket", bucket_name).raw("points", json_array_of(points));
  return std::move(out).finish();
}

std::string rule_counts_json(const std::vector<RuleCount>& rules) {
  std::vector<std::string> rows;
  for (const RuleCount& r : rules) {
    JsonObjectWriter row;
    row.field("rule", r.rule).field("total", r.total);
    add_severity_counts(row, r.by_severity);
    row.field("mean_score", r.mean_score).field("max_score", r.max_score);
    rows.push_back(std::move(row).finish());
  }
  JsonObjectWriter out;
  out.raw("rules", json_array_of(rows));
  return std::move(out).finish();
}

std::string symbol_risk_json(const std::vector<SymbolRisk>& symbols) {
  std::vector<std::string> rows;
  for (const SymbolRisk& s : symbols) {
    JsonObjectWriter row;
    row.field("symbol", s.symbol).field("alerts", s.alerts).field("risk", s.risk);
    row.field("score_sum", s.score_sum).field("max_score", s.max_score);
    add_severity_counts(row, s.by_severity);
    rows.push_back(std::move(row).finish());
  }
  JsonObjectWriter out;
  out.raw("symbols", json_array_of(rows));
  return std::move(out).finish();
}

std::string volume_json(Duration interval, const std::vector<SymbolVolume>& by_symbol,
                        const std::vector<VolumeBucket>& over_time) {
  std::vector<std::string> symbols;
  for (const SymbolVolume& v : by_symbol) {
    JsonObjectWriter row;
    row.field("symbol", v.symbol).field("buy", v.buy).field("sell", v.sell);
    row.field("total", v.total).field("value", v.value).field("trades", v.trades);
    symbols.push_back(std::move(row).finish());
  }
  std::vector<std::string> buckets;
  for (const VolumeBucket& b : over_time) {
    JsonObjectWriter row;
    add_time(row, "start", b.start);
    row.field("buy", b.buy).field("sell", b.sell).field("total", b.total);
    row.field("trades", b.trades);
    buckets.push_back(std::move(row).finish());
  }
  JsonObjectWriter out;
  out.field("interval", interval.to_string());
  out.raw("by_symbol", json_array_of(symbols)).raw("over_time", json_array_of(buckets));
  return std::move(out).finish();
}

std::string run_json(const RunRecord& run) {
  JsonObjectWriter out;
  out.field("id", run.run_id).field("started_at", run.started_at);
  out.field("finished_at", run.finished_at).field("status", run.status);
  out.raw("inputs", json_string_array(run.inputs));
  out.field("events", run.events).field("rejects", run.rejects).field("alerts", run.alerts);
  out.field("elapsed_seconds", run.elapsed_seconds);
  out.field("events_per_second", run.events_per_second).field("error", run.error);
  return std::move(out).finish();
}

}  // namespace tw::api
