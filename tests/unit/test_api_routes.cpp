// The REST API over real HTTP on 127.0.0.1, against SQLite and (when configured) PostgreSQL
// stores filled with hand-made alerts, bars and a run, so every number can be asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "http_test_client.hpp"
#include "store/alert_store.hpp"
#include "store_test_util.hpp"
#include "temp_dir.hpp"
#if __has_include("postgres_test_db.hpp")
#include "postgres_test_db.hpp"
#define TAPEWATCH_HAVE_PG_TEST_DB 1
#endif

namespace tw::testing {
namespace {

class SqliteApiBackend {
 public:
  std::string url() const { return "sqlite:" + dir_.file("api.db"); }
  std::string skip_reason() const { return {}; }

 private:
  TempDir dir_;
};

class PostgresApiBackend {
 public:
  PostgresApiBackend() {
#ifdef TAPEWATCH_HAVE_PG_TEST_DB
    if (auto server = test_pg_url()) db_.emplace(*server);
#endif
  }
  std::string url() const {
#ifdef TAPEWATCH_HAVE_PG_TEST_DB
    if (db_) return db_->url();
#endif
    return {};
  }
  std::string skip_reason() const {
    return "TAPEWATCH_TEST_PG_URL is not set (or this build has no PostgreSQL test support): "
           "ctest runs these through scripts/with-postgres.sh";
  }

 private:
#ifdef TAPEWATCH_HAVE_PG_TEST_DB
  std::optional<PostgresTestDb> db_;
#endif
};

// Five alerts over three symbols and four rules; scores are 10, 30, 50 or 70 by severity.
std::vector<Alert> known_alerts() {
  std::vector<Alert> alerts = {
      make_alert("wash.round_trip", "BTCUSDT", Severity::kLow, 0, "a"),
      make_alert("wash.round_trip", "BTCUSDT", Severity::kMedium, 60, "b"),
      make_alert("pump_and_dump", "SOLUSDT", Severity::kHigh, 120, "c"),
      make_alert("wash.volume_anomaly", "SOLUSDT", Severity::kCritical, 180, "d"),
      make_alert("spoofing", "ETHUSDT", Severity::kCritical, 3600, "e"),
  };
  alerts[4].accounts = {"acct-9"};
  alerts[4].why = "a large order was pulled";
  return alerts;
}

Bar known_bar(int64_t start_seconds, int64_t buy, int64_t sell) {
  Bar bar;
  bar.start = at(start_seconds);
  bar.open = bar.high = bar.low = bar.close = Price::from_double(100.0);
  bar.buy_volume = Quantity::from_double(static_cast<double>(buy));
  bar.sell_volume = Quantity::from_double(static_cast<double>(sell));
  bar.volume = Quantity::from_double(static_cast<double>(buy + sell));
  bar.value = 100.0 * static_cast<double>(buy + sell);
  bar.trades = 2;
  return bar;
}

void fill_store(AlertStore& store) {
  RunRecord run;
  run.run_id = "run-1";
  run.started_at = "2026-11-22T06:00:00Z";
  store.begin_run(run);
  for (Alert& alert : known_alerts()) store.emit(std::move(alert));
  for (int64_t minute = 0; minute < 3; ++minute) {
    store.write_bar("BTCUSDT", Duration::minutes(1), known_bar(minute * 60, 10, 5));
  }
  run.events = 1000;
  run.rejects = 3;
  run.alerts = 5;
  run.status = "ok";
  store.finish_run(run);
}

template <class Backend>
class ApiRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (backend_.url().empty()) GTEST_SKIP() << backend_.skip_reason();
    fill_store(*open_store(backend_.url()));
    server_.emplace(backend_.url());
  }

  uint16_t port() const { return server_->port(); }
  HttpResult get(const std::string& target) { return http_get(port(), target); }
  /// The "total" of /api/alerts with `filter`.
  int64_t total(const std::string& filter) {
    HttpResult r = get("/api/alerts?" + filter);
    EXPECT_EQ(r.status, 200) << filter << ": " << r.body;
    return r.status == 200 ? int64_t(r.json()["total"]) : -1;
  }
  std::string id_of(size_t index) const { return known_alerts()[index].id; }

  Backend backend_;
  std::optional<TestServer> server_;
};

TYPED_TEST_SUITE_P(ApiRoutes);

TYPED_TEST_P(ApiRoutes, SummaryCountsTheKnownAlerts) {
  HttpResult r = this->get("/api/stats/summary");
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = r.json();
  EXPECT_EQ(int64_t(json["alerts"]), 5);
  EXPECT_EQ(int64_t(json["symbols"]), 3);
  EXPECT_EQ(int64_t(json["rules"]), 4);
  EXPECT_EQ(int64_t(json["accounts"]), 3);
  EXPECT_EQ(int64_t(json["critical"]), 2);
  EXPECT_EQ(int64_t(json["by_severity"]["HIGH"]), 1);
  EXPECT_DOUBLE_EQ(double(json["mean_score"]), 46.0);
  EXPECT_EQ(std::string_view(json["first_start"]), "2025-01-06T12:00:00Z");
  EXPECT_EQ(int64_t(json["first_start_ns"]), at(0).nanos());
  EXPECT_EQ(int64_t(json["last_end_ns"]), at(3630).nanos());
  EXPECT_EQ(int64_t(json["runs"]["events"]), 1000);
  EXPECT_EQ(int64_t(json["runs"]["rejects"]), 3);
  EXPECT_EQ(int64_t(json["runs"]["runs"]), 1);

  HttpResult narrowed_http = this->get("/api/stats/summary?symbol=SOLUSDT");
  auto narrowed = narrowed_http.json();
  EXPECT_EQ(int64_t(narrowed["alerts"]), 2);
  EXPECT_DOUBLE_EQ(double(narrowed["mean_score"]), 60.0);
}

TYPED_TEST_P(ApiRoutes, EachFilterNarrowsTheList) {
  EXPECT_EQ(this->total(""), 5);
  EXPECT_EQ(this->total("rule=wash.*"), 3);
  EXPECT_EQ(this->total("rule=wash.round_trip"), 2);
  EXPECT_EQ(this->total("severity=CRITICAL"), 2);
  EXPECT_EQ(this->total("min_severity=HIGH"), 3);
  EXPECT_EQ(this->total("symbol=SOLUSDT"), 2);
  EXPECT_EQ(this->total("account=acct-9"), 1);
  EXPECT_EQ(this->total("q=PULLED"), 1);
  EXPECT_EQ(this->total("status=open"), 5);
  EXPECT_EQ(this->total("status=dismissed"), 0);
  EXPECT_EQ(this->total("run=run-1"), 5);
  EXPECT_EQ(this->total("from=2025-01-06T12:01:00Z&to=2025-01-06T12:03:00Z"), 2);
  EXPECT_EQ(this->total("from=" + std::to_string(at(3600).nanos())), 1);
  EXPECT_EQ(this->total("symbol=BTCUSDT&min_severity=MEDIUM"), 1);
  EXPECT_EQ(this->total("symbol="), 5) << "an empty value is no filter";
}

TYPED_TEST_P(ApiRoutes, SortsAndPages) {
  HttpResult page_http = this->get("/api/alerts?sort=score&order=asc&limit=2&offset=1");
  auto page = page_http.json();
  EXPECT_EQ(int64_t(page["total"]), 5);
  EXPECT_EQ(int64_t(page["limit"]), 2);
  EXPECT_EQ(int64_t(page["offset"]), 1);
  simdjson::dom::array alerts = page["alerts"];
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(std::string_view(alerts.at(0)["severity"]), "MEDIUM");
  EXPECT_EQ(std::string_view(alerts.at(1)["severity"]), "HIGH");

  HttpResult newest_http = this->get("/api/alerts?limit=1");
  auto newest = newest_http.json();
  simdjson::dom::element first = newest["alerts"].at(0);
  EXPECT_EQ(std::string_view(first["id"]), this->id_of(4)) << "default: newest start first";
  EXPECT_EQ(std::string_view(first["rule"]), "spoofing");
  EXPECT_EQ(std::string_view(first["start"]), "2025-01-06T13:00:00Z");
  EXPECT_EQ(int64_t(first["end_ns"]), at(3630).nanos());
  EXPECT_EQ(std::string_view(first["accounts"].at(0)), "acct-9");
  EXPECT_DOUBLE_EQ(double(first["metrics"]["volume"]), 12.5);
  EXPECT_EQ(std::string_view(first["evidence"].at(1)), "trade:102");
  EXPECT_EQ(int64_t(first["evidence_total"]), 2);
  EXPECT_EQ(std::string_view(first["status"]), "open");
  EXPECT_EQ(std::string_view(first["run_id"]), "run-1");
  EXPECT_EQ(std::string_view(first["first_seen_run"]), "run-1");
  EXPECT_GT(int64_t(first["change_seq"]), 0);
}

TYPED_TEST_P(ApiRoutes, CsvHasEveryMatchingAlertWithoutPaging) {
  HttpResult r = this->get("/api/alerts?format=csv&limit=1&rule=wash.*");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(r.header("content-disposition").find("alerts.csv"), std::string::npos);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 4) << r.body;
  EXPECT_EQ(r.body.rfind("id,rule,symbol", 0), 0u) << r.body;
  EXPECT_NE(r.body.find(this->id_of(3)), std::string::npos);
  EXPECT_EQ(r.body.find(this->id_of(4)), std::string::npos);
}

TYPED_TEST_P(ApiRoutes, BadParametersAre400sNamingThem) {
  struct Case {
    std::string target;
    std::string parameter;
  };
  for (const Case& c : std::vector<Case>{
           {"/api/alerts?limit=0", "limit"},
           {"/api/alerts?limit=1001", "limit"},
           {"/api/alerts?limit=ten", "limit"},
           {"/api/alerts?offset=-1", "offset"},
           {"/api/alerts?severity=SEVERE", "severity"},
           {"/api/alerts?min_severity=low", "min_severity"},
           {"/api/alerts?status=closed", "status"},
           {"/api/alerts?sort=price", "sort"},
           {"/api/alerts?order=up", "order"},
           {"/api/alerts?format=xml", "format"},
           {"/api/alerts?from=yesterday", "from"},
           {"/api/alerts?symbl=BTCUSDT", "symbl"},
           {"/api/alerts?symbol=A&symbol=B", "symbol"},
           {"/api/stats/timeline?bucket=day", "bucket"},
           {"/api/bars?from=2025-01-06T12:00:00Z", "symbol"},
           {"/api/bars?symbol=BTCUSDT&interval=soon", "interval"},
           {"/api/runs?limit=0", "limit"},
           {"/api/stream?since=3", "since"},
       }) {
    HttpResult r = this->get(c.target);
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    if (r.status != 400) continue;
    auto json = r.json();
    EXPECT_EQ(std::string_view(json["parameter"]), c.parameter) << c.target;
    EXPECT_NE(std::string_view(json["error"]).find(c.parameter), std::string_view::npos)
        << c.target << ": " << r.body;
  }
}

TYPED_TEST_P(ApiRoutes, UnknownAlertsAndRoutesAre404) {
  HttpResult r = this->get("/api/alerts/0000000000000000");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("0000000000000000"), std::string::npos);
  EXPECT_EQ(this->get("/api/nothing").status, 404);
  EXPECT_EQ(http_request(this->port(), "POST", "/api/alerts/0000000000000000/status",
                         R"({"status":"dismissed"})")
                .status,
            404);
  EXPECT_EQ(http_request(this->port(), "DELETE", "/api/alerts").status, 405);
}

TYPED_TEST_P(ApiRoutes, OneAlertComesWithTheBarsAround) {
  HttpResult r = this->get("/api/alerts/" + this->id_of(1));
  ASSERT_EQ(r.status, 200) << r.body;
  auto json = r.json();
  EXPECT_EQ(std::string_view(json["alert"]["id"]), this->id_of(1));
  EXPECT_TRUE(json["evidence"].is_null());
  EXPECT_EQ(std::string_view(json["bars"]["interval"]), "1m");
  simdjson::dom::array bars = json["bars"]["bars"];
  ASSERT_EQ(bars.size(), 3u);
  EXPECT_EQ(int64_t(bars.at(0)["start_ns"]), at(0).nanos());
  EXPECT_DOUBLE_EQ(double(bars.at(0)["volume"]), 15.0);
  EXPECT_DOUBLE_EQ(double(bars.at(0)["buy_volume"]), 10.0);
  EXPECT_DOUBLE_EQ(double(bars.at(0)["vwap"]), 100.0);

  // The spoofing alert on ETHUSDT has no bars.
  HttpResult other_http = this->get("/api/alerts/" + this->id_of(4));
  auto other = other_http.json();
  EXPECT_EQ(simdjson::dom::array(other["bars"]["bars"]).size(), 0u);
}

TYPED_TEST_P(ApiRoutes, StatusChangeIsStoredAndStreamed) {
  SseReader stream(this->port());
  ASSERT_TRUE(stream.wait_for(": connected")) << stream.text();
  EXPECT_EQ(this->total("status=escalated"), 0);  // an answer the change must not reuse
  HttpResult r = http_request(this->port(), "POST", "/api/alerts/" + this->id_of(2) + "/status",
                              R"({"status": "escalated", "note": "sent to investigations"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string_view(r.json()["status"]), "escalated");

  HttpResult later_http = this->get("/api/alerts/" + this->id_of(2));
  auto later = later_http.json();
  EXPECT_EQ(std::string_view(later["alert"]["status"]), "escalated");
  EXPECT_EQ(std::string_view(later["alert"]["status_note"]), "sent to investigations");
  EXPECT_EQ(this->total("status=escalated"), 1);

  ASSERT_TRUE(stream.wait_for("escalated")) << stream.text();
  EXPECT_NE(stream.text().find("event: alert\ndata: {\"id\":\"" + this->id_of(2)),
            std::string::npos)
      << stream.text();

  HttpResult bad = http_request(this->port(), "POST", "/api/alerts/" + this->id_of(2) + "/status",
                                R"({"status": "closed"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(std::string_view(bad.json()["parameter"]), "status");
  HttpResult not_json =
      http_request(this->port(), "POST", "/api/alerts/" + this->id_of(2) + "/status", "status=x");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(std::string_view(not_json.json()["parameter"]), "body");
}

TYPED_TEST_P(ApiRoutes, AlertsWrittenByAnotherStoreReachTheStream) {
  SseReader stream(this->port());
  ASSERT_TRUE(stream.wait_for(": connected")) << stream.text();
  Alert fresh = make_alert("layering", "ADAUSDT", Severity::kHigh, 7200, "new");
  {
    auto writer = open_store(this->backend_.url());  // as `tapewatch run` would
    writer->emit(Alert(fresh));
    writer->flush();
  }
  ASSERT_TRUE(stream.wait_for(fresh.id)) << stream.text();
  EXPECT_NE(stream.text().find("\"rule\":\"layering\""), std::string::npos);
  EXPECT_EQ(stream.text().find(this->id_of(0)), std::string::npos)
      << "alerts stored before the stream opened are not sent again";
}

TYPED_TEST_P(ApiRoutes, StatisticsFollowAlertsWrittenByAnotherStore) {
  HttpResult before = this->get("/api/stats/summary?min_severity=HIGH");
  EXPECT_EQ(int64_t(before.json()["alerts"]), 3);
  HttpResult again = this->get("/api/stats/summary?min_severity=HIGH");
  EXPECT_EQ(again.body, before.body);
  {
    auto writer = open_store(this->backend_.url());
    writer->emit(make_alert("layering", "ADAUSDT", Severity::kHigh, 7200, "new"));
    writer->flush();
  }
  HttpResult after = this->get("/api/stats/summary?min_severity=HIGH");
  EXPECT_EQ(int64_t(after.json()["alerts"]), 4);
  HttpResult rules = this->get("/api/stats/rules");
  EXPECT_NE(rules.body.find("\"rule\":\"layering\""), std::string::npos) << rules.body;
}

TYPED_TEST_P(ApiRoutes, LastEventIdResumesAfterThatChange) {
  SseReader all(this->port(), "0");
  for (size_t i = 0; i < 5; ++i) ASSERT_TRUE(all.wait_for(this->id_of(i))) << all.text();

  // Resuming after the third change sends the fourth and fifth only.
  HttpResult listed_http = this->get("/api/alerts?sort=start&order=asc");
  auto listed = listed_http.json();
  std::vector<int64_t> seqs;
  for (auto alert : simdjson::dom::array(listed["alerts"])) {
    seqs.push_back(int64_t(alert["change_seq"]));
  }
  std::sort(seqs.begin(), seqs.end());
  SseReader resumed(this->port(), std::to_string(seqs[2]));
  ASSERT_TRUE(resumed.wait_for("id: " + std::to_string(seqs[4]) + "\n")) << resumed.text();
  EXPECT_EQ(resumed.text().find("id: " + std::to_string(seqs[2]) + "\n"), std::string::npos);
  EXPECT_NE(resumed.text().find("id: " + std::to_string(seqs[3]) + "\n"), std::string::npos);

  HttpResult bad = http_get(this->port(), "/api/stream", {{"Last-Event-ID", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(std::string_view(bad.json()["parameter"]), "Last-Event-ID");
}

TYPED_TEST_P(ApiRoutes, StatisticsByTimeRuleSymbolAndVolume) {
  HttpResult minutes_http = this->get("/api/stats/timeline");
  auto minutes = minutes_http.json();
  EXPECT_EQ(std::string_view(minutes["bucket"]), "minute");
  EXPECT_EQ(simdjson::dom::array(minutes["points"]).size(), 5u);
  HttpResult hours_http = this->get("/api/stats/timeline?bucket=hour");
  auto hours = hours_http.json();
  simdjson::dom::array hour_points = hours["points"];
  ASSERT_EQ(hour_points.size(), 2u);
  EXPECT_EQ(int64_t(hour_points.at(0)["total"]), 4);
  EXPECT_EQ(int64_t(hour_points.at(0)["CRITICAL"]), 1);
  EXPECT_EQ(std::string_view(hour_points.at(1)["start"]), "2025-01-06T13:00:00Z");

  HttpResult rules_http = this->get("/api/stats/rules");
  auto rules = rules_http.json();
  auto top_rule = rules["rules"].at(0);
  EXPECT_EQ(std::string_view(top_rule["rule"]), "wash.round_trip");
  EXPECT_EQ(int64_t(top_rule["total"]), 2);
  EXPECT_DOUBLE_EQ(double(top_rule["max_score"]), 30.0);

  HttpResult symbols_http = this->get("/api/stats/symbols");
  auto symbols = symbols_http.json();
  auto riskiest = symbols["symbols"].at(0);
  EXPECT_EQ(std::string_view(riskiest["symbol"]), "SOLUSDT");
  EXPECT_EQ(int64_t(riskiest["risk"]), 5);  // CRITICAL 3 + HIGH 2

  HttpResult volume_http = this->get("/api/stats/volume");
  auto volume = volume_http.json();
  EXPECT_EQ(std::string_view(volume["interval"]), "1m");
  auto btc = volume["by_symbol"].at(0);
  EXPECT_EQ(std::string_view(btc["symbol"]), "BTCUSDT");
  EXPECT_DOUBLE_EQ(double(btc["buy"]), 30.0);
  EXPECT_DOUBLE_EQ(double(btc["total"]), 45.0);
  EXPECT_EQ(int64_t(btc["trades"]), 6);
  EXPECT_EQ(simdjson::dom::array(volume["over_time"]).size(), 3u);
  HttpResult hourly_http = this->get("/api/stats/volume?bucket=hour&symbol=BTCUSDT");
  auto hourly = hourly_http.json();
  EXPECT_EQ(simdjson::dom::array(hourly["over_time"]).size(), 1u);
  HttpResult windowed_http =
      this->get("/api/stats/volume?from=2025-01-06T12:01:00Z&to=2025-01-06T13:00:00Z");
  auto windowed = windowed_http.json();
  EXPECT_DOUBLE_EQ(double(windowed["by_symbol"].at(0)["total"]), 30.0);
}

TYPED_TEST_P(ApiRoutes, TimelineOfTooManyPointsAsksForTheHourBucket) {
  {
    auto writer = open_store(this->backend_.url());
    for (int64_t minute = 0; minute < 10'001; ++minute) {
      writer->emit(make_alert("layering", "ADAUSDT", Severity::kLow, 86'400 + minute * 60));
    }
    writer->flush();
  }
  HttpResult minutes = this->get("/api/stats/timeline?rule=layering");
  EXPECT_EQ(minutes.status, 400);
  EXPECT_EQ(std::string_view(minutes.json()["parameter"]), "bucket");
  EXPECT_NE(minutes.body.find("bucket=hour"), std::string::npos) << minutes.body;
  HttpResult hours = this->get("/api/stats/timeline?rule=layering&bucket=hour");
  ASSERT_EQ(hours.status, 200);
  EXPECT_EQ(simdjson::dom::array(hours.json()["points"]).size(), 167u);  // 10,001 minutes
  HttpResult one_day = this->get(
      "/api/stats/timeline?rule=layering&from=2025-01-07T12:00:00Z&to=2025-01-08T12:00:00Z");
  ASSERT_EQ(one_day.status, 200);
  EXPECT_EQ(simdjson::dom::array(one_day.json()["points"]).size(), 1440u);
}

TYPED_TEST_P(ApiRoutes, BarsRunsRulesAndHealth) {
  HttpResult bars_http = this->get("/api/bars?symbol=BTCUSDT&from=2025-01-06T12:01:00Z");
  auto bars = bars_http.json();
  EXPECT_EQ(std::string_view(bars["symbol"]), "BTCUSDT");
  EXPECT_EQ(simdjson::dom::array(bars["bars"]).size(), 2u);

  HttpResult runs_http = this->get("/api/runs");
  auto runs = runs_http.json();
  auto run = runs["runs"].at(0);
  EXPECT_EQ(std::string_view(run["id"]), "run-1");
  EXPECT_EQ(std::string_view(run["status"]), "ok");
  EXPECT_EQ(int64_t(run["events"]), 1000);

  HttpResult rules_http = this->get("/api/rules");
  auto rules = rules_http.json();
  bool saw_spoofing = false;
  for (auto rule : simdjson::dom::array(rules["rules"])) {
    if (std::string_view(rule["name"]) != "spoofing") continue;
    saw_spoofing = true;
    EXPECT_EQ(int64_t(rule["alerts"]), 1);
    EXPECT_TRUE(bool(rule["enabled"]));
    auto param = rule["params"].at(0);
    EXPECT_EQ(std::string_view(param["value"]), std::string_view(param["default"]));
    EXPECT_FALSE(std::string_view(param["description"]).empty());
  }
  EXPECT_TRUE(saw_spoofing);

  HttpResult health = this->get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(std::string_view(health.json()["status"]), "ok");
}

TYPED_TEST_P(ApiRoutes, MetricsCountRequestsAndStoredAlerts) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(this->get("/api/stats/summary").status, 200);
  EXPECT_EQ(this->get("/api/alerts?limit=0").status, 400);
  SseReader stream(this->port());
  ASSERT_TRUE(stream.wait_for(": connected"));
  HttpResult r = this->get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& text = r.body;
  for (std::string line : {
           "tapewatch_http_requests_total{route=\"/api/stats/summary\",code=\"200\"} 3\n",
           "tapewatch_http_requests_total{route=\"/api/alerts\",code=\"400\"} 1\n",
           "tapewatch_http_request_duration_seconds_count{route=\"/api/stats/summary\"} 3\n",
           "tapewatch_http_request_duration_seconds_bucket{route=\"/api/stats/summary\","
           "le=\"+Inf\"} 3\n",
           "tapewatch_alerts{rule=\"spoofing\",severity=\"CRITICAL\"} 1\n",
           "tapewatch_alerts{rule=\"wash.round_trip\",severity=\"LOW\"} 1\n",
           "tapewatch_events_total 1000\n",
           "tapewatch_rejects_total 3\n",
           "tapewatch_stream_clients 1\n",
           "# TYPE tapewatch_http_request_duration_seconds histogram\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
}

TYPED_TEST_P(ApiRoutes, OpenApiDescribesEveryRouteAndEveryDeclaredParameterWorks) {
  HttpResult r = this->get("/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  EXPECT_EQ(std::string_view(doc["openapi"]).substr(0, 2), "3.");
  simdjson::dom::object paths = doc["paths"];
  for (const api::Route& route : this->server_->service().routes()) {
    std::string method = route.method == "GET" ? "get" : "post";
    simdjson::dom::element operation;
    ASSERT_EQ(paths[route.path][method].get(operation), simdjson::SUCCESS)
        << route.method << " " << route.path << " is not in the document";
    EXPECT_EQ(simdjson::dom::array(operation["parameters"]).size(),
              route.params.size() + (route.path.find('{') != std::string::npos ? 1 : 0))
        << route.path;
    if (route.method != "GET" || route.path == "/api/stream") continue;
    std::string path = route.path;
    if (size_t brace = path.find("{id}"); brace != std::string::npos) {
      path.replace(brace, 4, this->id_of(0));
    }
    for (const api::ParamDecl& param : route.params) {
      std::string target = path + "?" + param.name + "=" + param.example;
      if (param.name != "symbol" && path == "/api/bars") target += "&symbol=BTCUSDT";
      EXPECT_EQ(this->get(target).status, 200) << target;
    }
    HttpResult undeclared = this->get(path + "?undeclared=1");
    EXPECT_EQ(undeclared.status, 400) << path;
    EXPECT_EQ(undeclared.body.find("\"parameter\":\"undeclared\"") != std::string::npos, true)
        << path << ": " << undeclared.body;
  }
  size_t documented = 0;
  for (auto [path, item] : paths) documented += simdjson::dom::object(item).size();
  EXPECT_EQ(documented, this->server_->service().routes().size()) << "no undocumented extras";
}

REGISTER_TYPED_TEST_SUITE_P(ApiRoutes, SummaryCountsTheKnownAlerts, EachFilterNarrowsTheList,
                            SortsAndPages, CsvHasEveryMatchingAlertWithoutPaging,
                            BadParametersAre400sNamingThem, UnknownAlertsAndRoutesAre404,
                            OneAlertComesWithTheBarsAround, StatusChangeIsStoredAndStreamed,
                            AlertsWrittenByAnotherStoreReachTheStream,
                            StatisticsFollowAlertsWrittenByAnotherStore,
                            LastEventIdResumesAfterThatChange, StatisticsByTimeRuleSymbolAndVolume,
                            TimelineOfTooManyPointsAsksForTheHourBucket, BarsRunsRulesAndHealth,
                            MetricsCountRequestsAndStoredAlerts,
                            OpenApiDescribesEveryRouteAndEveryDeclaredParameterWorks);

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, ApiRoutes, SqliteApiBackend);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ApiRoutes, PostgresApiBackend);

}  // namespace
}  // namespace tw::testing
