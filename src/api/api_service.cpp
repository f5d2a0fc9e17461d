#include "api/api_service.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/alert_handlers.hpp"
#include "api/json_encode.hpp"
#include "detect/detector.hpp"
#include "util/format.hpp"

namespace tw::api {
namespace {

std::vector<ParamDecl> filters_and(std::vector<ParamDecl> more) {
  std::vector<ParamDecl> params = alert_filter_params();
  params.insert(params.end(), more.begin(), more.end());
  return params;
}

ParamDecl bucket_param() {
  return {.name = "bucket",
          .type = ParamType::kEnum,
          .description = "Width of a time bucket (default minute)",
          .values = {"minute", "hour"},
          .example = "hour"};
}

std::vector<ParamDecl> alert_list_params() {
  return filters_and({
      {.name = "sort",
       .type = ParamType::kEnum,
       .description = "What the alerts are ordered by (default start)",
       .values = {"start", "end", "score", "severity", "symbol", "rule"},
       .example = "score"},
      {.name = "order",
       .type = ParamType::kEnum,
       .description = "Ascending or descending (default desc)",
       .values = {"asc", "desc"},
       .example = "asc"},
      {.name = "limit",
       .type = ParamType::kInteger,
       .description = "Most alerts answered (default 100)",
       .example = "50",
       .min = 1,
       .max = 1000},
      {.name = "offset",
       .type = ParamType::kInteger,
       .description = "Alerts skipped before the first answered (default 0)",
       .example = "0",
       .min = 0},
      {.name = "format",
       .type = ParamType::kEnum,
       .description = "json (a page), or csv (every matching alert, as a download)",
       .values = {"json", "csv"},
       .example = "json"},
  });
}

std::vector<ParamDecl> volume_params() {
  return {alert_filter_params()[0],
          alert_filter_params()[1],
          {.name = "symbol", .description = "Only this symbol", .example = "BTCUSDT"},
          bucket_param()};
}

std::vector<ParamDecl> bar_params() {
  return {{.name = "symbol",
           .description = "The symbol whose bars to answer",
           .example = "BTCUSDT",
           .required = true},
          alert_filter_params()[0],
          alert_filter_params()[1],
          {.name = "interval", .description = "Bar width as stored (default 1m)", .example = "1m"}};
}

ParamDecl runs_limit_param() {
  return {.name = "limit",
          .type = ParamType::kInteger,
          .description = "Most runs answered (default 20)",
          .example = "5",
          .min = 1,
          .max = 1000};
}

// Larger answers (a CSV of every alert) are recomputed rather than held.
constexpr size_t kMaxCachedBytes = 1 << 20;

net::HttpResponse text_response(std::string content_type, std::string body) {
  net::HttpResponse response;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

std::string rule_params_json(const RuleInfo& info, const RuleConfig& rule) {
  std::vector<std::string> params;
  for (const ParamSpec& p : info.params) {
    JsonObjectWriter param;
    param.field("name", p.name).field("value", format_param(rule.values.all().at(p.name)));
    param.field("default", p.default_text).field("description", p.help);
    params.push_back(std::move(param).finish());
  }
  return json_array_of(params);
}

void append_gauge_header(std::string& out, std::string_view name, std::string_view help,
                         std::string_view type) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

ApiService::ApiService(std::vector<std::unique_ptr<AlertStore>> stores, Config config,
                       net::StaticFiles files, net::HttpMetrics& metrics, net::StreamHub& hub)
    : stores_(std::move(stores)),
      config_(std::move(config)),
      files_(std::move(files)),
      metrics_(metrics),
      hub_(hub),
      routes_(make_routes()),
      openapi_(openapi_document(routes_)) {}

std::vector<Route> ApiService::make_routes() {
  auto self = [this](auto member) {
    return [this, member](const RouteCall& call) { return (this->*member)(call.store); };
  };
  auto fixed = [](std::string content_type, const std::string* body) {
    return [content_type, body](const RouteCall&) { return text_response(content_type, *body); };
  };
  return {
      {"GET", "/api/alerts", "Alerts matching the filters, sorted and paged, or all as CSV",
       alert_list_params(), "{total, limit, offset, alerts: [ALERT]}, or CSV with format=csv",
       "application/json", "", list_alerts, true},
      {"GET",
       "/api/alerts/{id}",
       "One alert with its evidence and the bars around it",
       {},
       "{alert: ALERT, evidence: EVIDENCE or null, bars: {interval, bars: [BAR]}}",
       "application/json",
       "",
       get_alert},
      {"POST",
       "/api/alerts/{id}/status",
       "Sets an alert's review status and note",
       {},
       "The updated ALERT",
       "application/json",
       "{\"status\": \"open|reviewing|escalated|dismissed|confirmed\", \"note\": \"...\"}",
       set_alert_status},
      {"GET",
       "/api/rules",
       "The rule catalogue with the parameters in force",
       {},
       "{rules: [{name, description, needs, enabled, alerts, params: [...]}]}",
       "application/json",
       "",
       self(&ApiService::rules),
       true},
      {"GET", "/api/stats/summary", "Headline figures of the alerts matching the filters",
       alert_filter_params(),
       "{alerts, symbols, rules, accounts, critical, by_severity, mean_score, first_start, "
       "last_end, first_start_ns, last_end_ns, runs}",
       "application/json", "", stats_summary, true},
      {"GET", "/api/stats/timeline", "Alerts per time bucket and severity",
       filters_and({bucket_param()}), "{bucket, points: [{start, start_ns, total, LOW, ...}]}",
       "application/json", "", stats_timeline, true},
      {"GET", "/api/stats/rules", "Alerts per rule and severity", alert_filter_params(),
       "{rules: [{rule, total, LOW, MEDIUM, HIGH, CRITICAL, mean_score, max_score}]}",
       "application/json", "", stats_rules, true},
      {"GET", "/api/stats/symbols", "Symbols by the risk of their alerts", alert_filter_params(),
       "{symbols: [{symbol, alerts, risk, score_sum, max_score, LOW, ...}]}", "application/json",
       "", stats_symbols, true},
      {"GET", "/api/stats/volume", "Traded volume from the stored bars", volume_params(),
       "{interval, by_symbol: [...], over_time: [...]}", "application/json", "", stats_volume},
      {"GET", "/api/bars", "A symbol's stored bars", bar_params(),
       "{symbol, interval, bars: [BAR]}", "application/json", "", get_bars},
      {"GET",
       "/api/runs",
       "The latest runs, newest first",
       {runs_limit_param()},
       "{runs: [{id, started_at, finished_at, status, ...}]}",
       "application/json",
       "",
       list_runs},
      {"GET",
       "/api/stream",
       "Server-sent events: every alert written or changed from now",
       {},
       "event: alert, id: CHANGE_SEQ, data: ALERT",
       "text/event-stream",
       "",
       open_stream},
      {"GET",
       "/healthz",
       "Whether the store can be read",
       {},
       "{status, store}",
       "application/json",
       "",
       self(&ApiService::health)},
      {"GET",
       "/metrics",
       "Prometheus metrics",
       {},
       "Prometheus text format",
       "text/plain; version=0.0.4",
       "",
       self(&ApiService::metrics)},
      {"GET",
       "/api/openapi.json",
       "This document",
       {},
       "OpenAPI 3.0 document",
       "application/json",
       "",
       fixed("application/json", &openapi_)},
  };
}

net::HttpResponse ApiService::handle(const net::HttpRequest& request, size_t worker) {
  return dispatch(request, *stores_.at(worker));
}

net::HttpResponse ApiService::dispatch(const net::HttpRequest& request, AlertStore& store) {
  std::string id;
  const Route* path_match = nullptr;
  for (const Route& route : routes_) {
    if (!route_matches(route.path, request.path, id)) continue;
    path_match = &route;
    if (route.method != request.method) continue;
    net::HttpResponse response;
    try {
      Params params(request.query, route.params);
      RouteCall call{request, params, id, store};
      response = route.cacheable ? answer_cached(route, call) : route.handle(call);
    } catch (const ParamError& e) {
      response = net::json_response(400, error_json(e.what(), e.parameter()));
    } catch (const std::exception& e) {
      spdlog::warn("{} {}: {}", request.method, request.path, e.what());
      response = net::json_response(503, error_json(std::string("store: ") + e.what()));
    }
    response.route = route.path;
    return response;
  }
  if (path_match) {
    net::HttpResponse response = net::json_response(
        405, error_json(request.method + " is not allowed on " + path_match->path));
    response.headers.emplace_back("Allow", path_match->method);
    response.route = path_match->path;
    return response;
  }
  if (request.path.starts_with("/api/")) {
    net::HttpResponse response =
        net::json_response(404, error_json("no such route: " + request.path));
    response.route = "unmatched";
    return response;
  }
  if (request.method != "GET") {
    net::HttpResponse response = net::json_response(405, error_json("only GET serves files"));
    response.route = "static";
    return response;
  }
  return files_.serve(request.path);
}

net::HttpResponse ApiService::answer_cached(const Route& route, const RouteCall& call) {
  std::string version = store_version(call.store);
  std::string key = cache_key(call.request);
  if (auto hit = cache_.find(key, version)) return *hit;
  auto key_mutex = cache_.key_lock(key);
  std::lock_guard computing(*key_mutex);
  if (auto hit = cache_.find(key, version)) return *hit;  // another worker just computed it
  net::HttpResponse response = route.handle(call);
  if (response.status == 200 && response.body.size() <= kMaxCachedBytes) {
    cache_.put(key, version, response);
  }
  return response;
}

net::HttpResponse ApiService::rules(AlertStore& store) const {
  std::map<std::string, uint64_t, std::less<>> alerts_by_rule;
  for (const RuleCount& count : store.count_by_rule(AlertQuery{})) {
    alerts_by_rule[count.rule] = count.total;
  }
  std::vector<std::string> rules;
  for (const RuleInfo& info : rule_registry()) {
    const RuleConfig& rule = config_.rule(info.name);
    auto count = alerts_by_rule.find(info.name);
    JsonObjectWriter out;
    out.field("name", info.name).field("description", info.summary).field("needs", info.needs);
    out.field("enabled", rule.enabled);
    out.field("alerts", count == alerts_by_rule.end() ? uint64_t{0} : count->second);
    out.raw("params", rule_params_json(info, rule));
    rules.push_back(std::move(out).finish());
  }
  JsonObjectWriter out;
  out.raw("rules", json_array_of(rules));
  return net::json_response(200, std::move(out).finish());
}

net::HttpResponse ApiService::metrics(AlertStore& store) const {
  RunTotals totals = store.run_totals();
  std::string out;
  append_gauge_header(out, "tapewatch_events_total", "Events read by the stored runs.", "counter");
  out += fmt::format("tapewatch_events_total {}\n", totals.events);
  append_gauge_header(out, "tapewatch_rejects_total", "Records rejected by the stored runs.",
                      "counter");
  out += fmt::format("tapewatch_rejects_total {}\n", totals.rejects);
  append_gauge_header(out, "tapewatch_alerts", "Alerts in the store, by rule and severity.",
                      "gauge");
  for (const RuleCount& count : store.count_by_rule(AlertQuery{})) {
    for (size_t s = 0; s < count.by_severity.size(); ++s) {
      out += fmt::format("tapewatch_alerts{{rule=\"{}\",severity=\"{}\"}} {}\n",
                         net::prometheus_label(count.rule), to_string(static_cast<Severity>(s)),
                         count.by_severity[s]);
    }
  }
  metrics_.append_prometheus(out);
  append_gauge_header(out, "tapewatch_stream_clients", "Open /api/stream connections.", "gauge");
  out += fmt::format("tapewatch_stream_clients {}\n", hub_.clients());
  return text_response("text/plain; version=0.0.4; charset=utf-8", std::move(out));
}

net::HttpResponse ApiService::health(AlertStore& store) const {
  JsonObjectWriter out;
  try {
    store.last_change_seq();
  } catch (const std::exception& e) {
    out.field("status", "unavailable").field("store", store.describe()).field("error", e.what());
    return net::json_response(503, std::move(out).finish());
  }
  out.field("status", "ok").field("store", store.describe());
  return net::json_response(200, std::move(out).finish());
}

}  // namespace tw::api
