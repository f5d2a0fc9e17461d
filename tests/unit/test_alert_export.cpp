#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sink/alert_export.hpp"
#include "sink/jsonl_alert_sink.hpp"
#include "store/sqlite_store.hpp"
#include "store_test_util.hpp"

using namespace tw;
using tw::testing::make_alert;
using tw::testing::TempDir;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A small RFC 4180 reader: rows of fields, quotes doubled inside quoted fields.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
    }
  }
  return rows;
}

Alert tricky_alert() {
  Alert a = make_alert("wash.round_trip", "BTCUSDT", Severity::kHigh, 0);
  a.why = "bought, then \"sold\"\nat the same price";
  a.accounts = {"a,1", "b"};
  return a;
}

}  // namespace

TEST(AlertExport, CsvFieldsFollowRfc4180) {
  std::string out;
  append_csv_field(out, "plain");
  out.push_back('|');
  append_csv_field(out, "a,b");
  out.push_back('|');
  append_csv_field(out, "say \"hi\"");
  out.push_back('|');
  append_csv_field(out, "two\nlines");
  out.push_back('|');
  append_csv_field(out, "cr\r");
  EXPECT_EQ(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"");
}

TEST(AlertExport, CsvRowQuotesWhyAndJoinsLists) {
  Alert a = tricky_alert();
  std::string row;
  append_alert_csv(row, a);
  std::string expected = a.id +
                         ",wash.round_trip,BTCUSDT,HIGH,50,2025-01-06T12:00:00Z,"
                         "2025-01-06T12:00:30Z,\"a,1;b\",\"bought, then \"\"sold\"\"\nat the "
                         "same price\",\"{\"\"volume\"\":12.5,\"\"trades\"\":4}\","
                         "trade:101;trade:102,2\n";
  EXPECT_EQ(row, expected);
  auto rows = read_csv(std::string(alert_csv_header()) + row);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), 12u);
  ASSERT_EQ(rows[1].size(), 12u);
  EXPECT_EQ(rows[1][8], a.why);
  EXPECT_EQ(rows[1][9], a.metrics_json);
}

TEST(AlertExport, ExportsCsvAndJsonlFromTheStore) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  Alert a = tricky_alert();
  Alert b = make_alert("spoofing", "AMZN", Severity::kLow, 60);
  b.metrics_json.clear();  // no metrics still exports an object
  store.emit(Alert(b));
  store.emit(Alert(a));

  std::string csv_path = dir.file("out.csv");
  EXPECT_EQ(export_alerts(store, {}, ExportFormat::kCsv, csv_path), 2u);
  auto rows = read_csv(slurp(csv_path));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "id");
  EXPECT_EQ(rows[1][0], a.id) << "ordered by start time";
  EXPECT_EQ(rows[2][0], b.id);
  EXPECT_EQ(rows[2][9], "{}");

  std::string jsonl_path = dir.file("out.jsonl");
  EXPECT_EQ(export_alerts(store, {.rule = "spoofing"}, ExportFormat::kJsonl, jsonl_path), 1u);
  std::string jsonl = slurp(jsonl_path);
  EXPECT_NE(jsonl.find(b.id), std::string::npos) << jsonl;
  EXPECT_NE(jsonl.find(",\"metrics\":{},"), std::string::npos) << jsonl;
}

TEST(AlertExport, JsonlRoundTripsThroughSimdjson) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  Alert a = tricky_alert();
  a.metrics_json = R"({"volume":12.5,"label":"x\"y","nested":{"n":1}})";
  store.emit(Alert(a));
  store.emit(make_alert("pump_and_dump", "ETHUSDT", Severity::kCritical, 90));
  std::string path = dir.file("alerts.jsonl");
  ASSERT_EQ(export_alerts(store, {}, ExportFormat::kJsonl, path), 2u);

  std::istringstream lines(slurp(path));
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_EQ(all.size(), 2u);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(all[0]).get(doc), simdjson::SUCCESS) << all[0];
  EXPECT_EQ(std::string_view(doc["id"]), a.id);
  EXPECT_EQ(std::string_view(doc["rule"]), "wash.round_trip");
  EXPECT_EQ(std::string_view(doc["severity"]), "HIGH");
  EXPECT_EQ(double(doc["score"]), a.score);
  EXPECT_EQ(std::string_view(doc["start_time"]), "2025-01-06T12:00:00Z");
  EXPECT_EQ(std::string_view(doc["why"]), a.why);
  ASSERT_TRUE(doc["metrics"].is_object()) << "metrics must be an object, not a string";
  EXPECT_EQ(double(doc["metrics"]["volume"]), 12.5);
  EXPECT_EQ(std::string_view(doc["metrics"]["label"]), "x\"y");
  EXPECT_EQ(int64_t(doc["metrics"]["nested"]["n"]), 1);
  simdjson::dom::array accounts = doc["accounts"];
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(std::string_view(accounts.at(0)), "a,1");
  simdjson::dom::array evidence = doc["evidence"];
  ASSERT_EQ(evidence.size(), 2u);
  EXPECT_EQ(std::string_view(evidence.at(1)), "trade:102");
  EXPECT_EQ(uint64_t(doc["evidence_total"]), 2u);

  ASSERT_EQ(parser.parse(all[1]).get(doc), simdjson::SUCCESS) << all[1];
  EXPECT_EQ(std::string_view(doc["rule"]), "pump_and_dump");
}

TEST(AlertExport, JsonlSinkWritesTheSameLinesAsItReceives) {
  TempDir dir;
  std::string path = dir.file("live.jsonl");
  Alert a = tricky_alert();
  std::string expected;
  append_alert_json(expected, a);
  expected.push_back('\n');
  JsonlAlertSink sink(path);
  sink.emit(Alert(a));
  sink.flush();
  EXPECT_EQ(slurp(path), expected) << "visible after flush, before close";
  sink.emit(Alert(a));
  sink.close();
  EXPECT_EQ(slurp(path), expected + expected);
  EXPECT_EQ(sink.count(), 2u);
}

TEST(AlertExport, UnwritableOutputNamesThePath) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  std::string path = dir.file("missing_dir/out.csv");
  try {
    export_alerts(store, {}, ExportFormat::kCsv, path);
    FAIL() << "wrote " << path;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW(JsonlAlertSink{path}, std::runtime_error);
}

TEST(AlertExport, FullDiskIsReportedNotIgnored) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  store.emit(tricky_alert());
  try {
    export_alerts(store, {}, ExportFormat::kJsonl, "/dev/full");
    FAIL() << "a write to /dev/full succeeded";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("/dev/full"), std::string::npos) << message;
    EXPECT_NE(message.find("No space left"), std::string::npos) << message;
  }
}

TEST(AlertExport, SeedLayoutSplitsByRule) {
  TempDir dir;
  SqliteStore store(dir.file("alerts.db"));
  Alert wash1 = make_alert("wash.round_trip", "BTCUSDT", Severity::kHigh, 10);
  wash1.start = Timestamp::from_nanos(wash1.start.nanos() + 91'000'000);
  Alert wash2 = make_alert("wash.self_trade", "ETHUSDT", Severity::kMedium, 20);
  Alert pump = make_alert("pump_and_dump", "SOLUSDT", Severity::kCritical, 30);
  Alert spoof = make_alert("spoofing.layered", "AMZN", Severity::kLow, 40);
  for (const Alert& a : {spoof, pump, wash2, wash1}) store.emit(Alert(a));

  std::string out = dir.file("seed/out");
  SeedLayoutCounts counts = write_seed_layout(store, out);
  EXPECT_EQ(counts.wash, 2u);
  EXPECT_EQ(counts.pump_dump, 1u);
  EXPECT_EQ(counts.all, 4u);

  const std::vector<std::string> header = {
      "alert_id",  "alert_type",    "symbol",     "severity",    "score",
      "timestamp", "end_timestamp", "trader_ids", "description", "details"};
  auto wash = read_csv(slurp(out + "/alerts_wash.csv"));
  auto pump_dump = read_csv(slurp(out + "/alerts_pump_dump.csv"));
  auto all = read_csv(slurp(out + "/all_alerts.csv"));
  ASSERT_EQ(wash.size(), 3u);
  ASSERT_EQ(pump_dump.size(), 2u);
  ASSERT_EQ(all.size(), 5u);
  for (const auto* file : {&wash, &pump_dump, &all}) EXPECT_EQ((*file)[0], header);

  EXPECT_EQ(wash[1], (std::vector<std::string>{wash1.id, "WASH_TRADE", "BTCUSDT", "HIGH", "50",
                                               "2025-01-06T12:00:10.091000", "2025-01-06T12:00:40",
                                               "acct-1;acct-2", wash1.why, wash1.metrics_json}));
  EXPECT_EQ(wash[2][0], wash2.id);
  EXPECT_EQ(pump_dump[1][0], pump.id);
  EXPECT_EQ(pump_dump[1][1], "PUMP_AND_DUMP");
  EXPECT_EQ(all[4][0], spoof.id);
  EXPECT_EQ(all[4][1], "SPOOFING_LAYERED");
}

TEST(AlertExport, SeedHelpers) {
  EXPECT_EQ(seed_alert_type("wash.ring"), "WASH_TRADE");
  EXPECT_EQ(seed_alert_type("pump_and_dump"), "PUMP_AND_DUMP");
  EXPECT_EQ(seed_alert_type("quote_stuffing"), "QUOTE_STUFFING");
  EXPECT_EQ(python_isoformat(Timestamp::from_nanos(1736164800LL * 1'000'000'000)),
            "2025-01-06T12:00:00");
  EXPECT_EQ(python_isoformat(Timestamp::from_nanos(1736164800LL * 1'000'000'000 + 1'999)),
            "2025-01-06T12:00:00.000001");
  EXPECT_EQ(python_isoformat(Timestamp::from_nanos(1736164800LL * 1'000'000'000 + 500'000'000)),
            "2025-01-06T12:00:00.500000");
  EXPECT_EQ(parse_export_format("csv"), ExportFormat::kCsv);
  EXPECT_EQ(parse_export_format("jsonl"), ExportFormat::kJsonl);
  EXPECT_FALSE(parse_export_format("xml"));
}
