#include "api/alert_handlers.hpp"

#include <simdjson.h>

#include <charconv>

#include "api/json_encode.hpp"
#include "sink/alert_export.hpp"
#include "util/format.hpp"

namespace tw::api {
namespace {

constexpr Duration kBarInterval = Duration::minutes(1);

net::HttpResponse ok_json(std::string body) {
  return net::json_response(200, std::move(body));
}

net::HttpResponse not_found(std::string_view id) {
  return net::json_response(404, error_json("no alert with id '" + std::string(id) + "'"));
}

AlertSortKey sort_key_of(std::string_view name) {
  static constexpr std::pair<std::string_view, AlertSortKey> kKeys[] = {
      {"start", AlertSortKey::kStart},   {"end", AlertSortKey::kEnd},
      {"score", AlertSortKey::kScore},   {"severity", AlertSortKey::kSeverity},
      {"symbol", AlertSortKey::kSymbol}, {"rule", AlertSortKey::kRule}};
  for (const auto& [text, key] : kKeys) {
    if (text == name) return key;
  }
  return AlertSortKey::kStart;  // the declared enum admits nothing else
}

Duration bucket_of(const Params& params) {
  return params.text_or("bucket", "minute") == "hour" ? Duration::hours(1) : Duration::minutes(1);
}

net::HttpResponse alerts_csv(AlertStore& store, const AlertQuery& query) {
  std::string body(alert_csv_header());
  store.for_each_alert(query,
                       [&](const StoredAlert& stored) { append_alert_csv(body, stored.alert); });
  net::HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"alerts.csv\"");
  response.body = std::move(body);
  return response;
}

std::string bars_json(AlertStore& store, std::string_view symbol, Duration interval, Timestamp from,
                      Timestamp to) {
  std::vector<std::string> bars;
  store.for_each_bar(symbol, interval, from, to,
                     [&](const Bar& bar) { bars.push_back(bar_json(bar)); });
  return json_array_of(bars);
}

// The status and note of a POST body; ParamError naming the field at fault.
std::pair<AlertStatus, std::string> parse_status_body(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(body).get_object().get(object) != simdjson::SUCCESS) {
    throw ParamError("body", "the body must be a JSON object like {\"status\": \"escalated\"}");
  }
  std::string_view status_text;
  if (object["status"].get_string().get(status_text) != simdjson::SUCCESS) {
    throw ParamError("status", "body field 'status' is required, a string");
  }
  auto status = parse_alert_status(status_text);
  if (!status) {
    throw ParamError("status", "body field 'status': '" + std::string(status_text) +
                                   "' is not open, reviewing, escalated, dismissed or confirmed");
  }
  std::string_view note;
  auto note_field = object["note"];
  if (note_field.error() == simdjson::SUCCESS && !note_field.is_null() &&
      note_field.get_string().get(note) != simdjson::SUCCESS) {
    throw ParamError("note", "body field 'note' must be a string");
  }
  return {*status, std::string(note)};
}

uint64_t parse_last_event_id(const std::string& text) {
  uint64_t seq = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw ParamError("Last-Event-ID",
                     "header Last-Event-ID: '" + text + "' is not a change sequence number");
  }
  return seq;
}

}  // namespace

net::HttpResponse list_alerts(const RouteCall& call) {
  AlertQuery query = alert_query_of(call.params);
  query.sort.key = sort_key_of(call.params.text_or("sort", "start"));
  query.sort.descending = call.params.text_or("order", "desc") == "desc";
  if (call.params.text_or("format", "json") == "csv") return alerts_csv(call.store, query);

  uint64_t total = call.store.count_alerts(query);
  query.limit = static_cast<uint64_t>(call.params.integer_or("limit", 100));
  query.offset = static_cast<uint64_t>(call.params.integer_or("offset", 0));
  std::vector<std::string> alerts;
  call.store.for_each_alert(
      query, [&](const StoredAlert& stored) { alerts.push_back(alert_json(stored)); });
  JsonObjectWriter out;
  out.field("total", total).field("limit", query.limit).field("offset", query.offset);
  out.raw("alerts", json_array_of(alerts));
  return ok_json(std::move(out).finish());
}

net::HttpResponse get_alert(const RouteCall& call) {
  auto stored = call.store.find_alert(std::string(call.id));
  if (!stored) return not_found(call.id);
  const Alert& alert = stored->alert;
  auto evidence = call.store.find_evidence(alert.id);
  JsonObjectWriter bars;
  bars.field("interval", kBarInterval.to_string());
  bars.raw("bars", bars_json(call.store, alert.symbol, kBarInterval, alert.start - kBarsAroundAlert,
                             alert.end + kBarsAroundAlert));
  JsonObjectWriter out;
  out.raw("alert", alert_json(*stored)).raw("evidence", evidence ? *evidence : "null");
  out.raw("bars", std::move(bars).finish());
  return ok_json(std::move(out).finish());
}

net::HttpResponse set_alert_status(const RouteCall& call) {
  auto [status, note] = parse_status_body(call.request.body);
  std::string id(call.id);
  if (!call.store.set_status(id, status, note)) return not_found(id);
  auto stored = call.store.find_alert(id);
  if (!stored) return not_found(id);
  return ok_json(alert_json(*stored));
}

net::HttpResponse stats_summary(const RouteCall& call) {
  AlertQuery query = alert_query_of(call.params);
  return ok_json(summary_json(call.store.summarize(query), call.store.run_totals()));
}

net::HttpResponse stats_timeline(const RouteCall& call) {
  auto buckets = call.store.timeline(alert_query_of(call.params), bucket_of(call.params));
  if (buckets.size() > kMaxTimelinePoints) {
    throw ParamError("bucket", "the timeline would have " + std::to_string(buckets.size()) +
                                   " points (at most " + std::to_string(kMaxTimelinePoints) +
                                   "): ask for bucket=hour or a narrower from/to");
  }
  return ok_json(timeline_json(buckets, call.params.text_or("bucket", "minute")));
}

net::HttpResponse stats_rules(const RouteCall& call) {
  return ok_json(rule_counts_json(call.store.count_by_rule(alert_query_of(call.params))));
}

net::HttpResponse stats_symbols(const RouteCall& call) {
  return ok_json(symbol_risk_json(call.store.symbol_risk(alert_query_of(call.params))));
}

net::HttpResponse stats_volume(const RouteCall& call) {
  auto from = call.params.time("from");
  auto to = call.params.time("to");
  if (!from || !to) {
    auto range = call.store.bar_range(kBarInterval);
    if (!range) return ok_json(volume_json(kBarInterval, {}, {}));
    if (!from) from = range->first;
    if (!to) to = range->second + kBarInterval;
  }
  auto symbol = call.params.text("symbol");
  auto by_symbol = call.store.volume_by_symbol(kBarInterval, *from, *to, symbol);
  auto over_time =
      call.store.volume_over_time(kBarInterval, bucket_of(call.params), *from, *to, symbol);
  return ok_json(volume_json(kBarInterval, by_symbol, over_time));
}

net::HttpResponse get_bars(const RouteCall& call) {
  std::string interval_text = call.params.text_or("interval", "1m");
  auto interval = Duration::parse(interval_text);
  if (!interval || interval->count() <= 0) {
    throw ParamError("interval", "parameter 'interval': '" + interval_text +
                                     "' is not a duration like 1m or 1h");
  }
  std::string symbol = *call.params.text("symbol");
  Timestamp from = call.params.time("from").value_or(Timestamp::min());
  Timestamp to = call.params.time("to").value_or(Timestamp::max());
  JsonObjectWriter out;
  out.field("symbol", symbol).field("interval", interval->to_string());
  out.raw("bars", bars_json(call.store, symbol, *interval, from, to));
  return ok_json(std::move(out).finish());
}

net::HttpResponse list_runs(const RouteCall& call) {
  std::vector<std::string> runs;
  for (const RunRecord& run :
       call.store.recent_runs(static_cast<size_t>(call.params.integer_or("limit", 20)))) {
    runs.push_back(run_json(run));
  }
  JsonObjectWriter out;
  out.raw("runs", json_array_of(runs));
  return ok_json(std::move(out).finish());
}

net::HttpResponse open_stream(const RouteCall& call) {
  net::HttpResponse response;
  response.content_type = "text/event-stream";
  // The retry hint and a first comment: the client knows it is connected before any alert.
  response.body = "retry: 2000\n\n: connected\n\n";
  const std::string& last_id = call.request.last_event_id;
  if (last_id.empty()) {
    response.stream_cursor = call.store.last_change_seq();
    return response;
  }
  uint64_t cursor = parse_last_event_id(last_id);
  call.store.alerts_changed_since(cursor, 0, [&](const StoredAlert& stored) {
    response.body += alert_event_frame(stored);
    cursor = std::max(cursor, stored.change_seq);
  });
  response.stream_cursor = cursor;
  return response;
}

}  // namespace tw::api
