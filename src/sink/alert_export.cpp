#include "sink/alert_export.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "sink/output_file.hpp"
#include "util/format.hpp"
#include "util/json_array.hpp"

namespace tw {
namespace {

constexpr std::string_view kSeedHeader =
    "alert_id,alert_type,symbol,severity,score,timestamp,end_timestamp,trader_ids,description,"
    "details\n";

std::string join(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out.push_back(separator);
    out += items[i];
  }
  return out;
}

std::string_view metrics_or_empty(const Alert& alert) {
  return alert.metrics_json.empty() ? std::string_view("{}") : std::string_view(alert.metrics_json);
}

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view field : fields) {
    if (!first) out.push_back(',');
    first = false;
    append_csv_field(out, field);
  }
  out.push_back('\n');
}

void append_seed_row(std::string& out, const Alert& a) {
  append_csv_row(out, {a.id, seed_alert_type(a.rule), a.symbol, to_string(a.severity),
                       format_number(a.score), python_isoformat(a.start), python_isoformat(a.end),
                       join(a.accounts, ';'), a.why, metrics_or_empty(a)});
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "jsonl") return ExportFormat::kJsonl;
  return std::nullopt;
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string_view alert_csv_header() {
  return "id,rule,symbol,severity,score,start_time,end_time,accounts,why,metrics,evidence,"
         "evidence_total\n";
}

void append_alert_csv(std::string& out, const Alert& a) {
  append_csv_row(out,
                 {a.id, a.rule, a.symbol, to_string(a.severity), format_number(a.score),
                  a.start.to_iso8601(), a.end.to_iso8601(), join(a.accounts, ';'), a.why,
                  metrics_or_empty(a), join(a.evidence, ';'), std::to_string(a.evidence_total)});
}

void append_alert_json(std::string& out, const Alert& a) {
  out += "{\"id\":";
  append_json_string(out, a.id);
  out += ",\"rule\":";
  append_json_string(out, a.rule);
  out += ",\"symbol\":";
  append_json_string(out, a.symbol);
  out += ",\"severity\":";
  append_json_string(out, to_string(a.severity));
  out += ",\"score\":";
  out += format_number(a.score);
  out += ",\"start_time\":";
  append_json_string(out, a.start.to_iso8601());
  out += ",\"end_time\":";
  append_json_string(out, a.end.to_iso8601());
  out += ",\"accounts\":";
  append_json_string_array(out, a.accounts);
  out += ",\"why\":";
  append_json_string(out, a.why);
  out += ",\"metrics\":";
  out += metrics_or_empty(a);
  out += ",\"evidence\":";
  append_json_string_array(out, a.evidence);
  out += ",\"evidence_total\":";
  out += std::to_string(a.evidence_total);
  out.push_back('}');
}

uint64_t export_alerts(AlertStore& store, const AlertQuery& query, ExportFormat format,
                       const std::string& path) {
  OutputFile file(path);
  std::string line;
  if (format == ExportFormat::kCsv) file.write(alert_csv_header());
  uint64_t written = 0;
  store.for_each_alert(query, [&](const StoredAlert& stored) {
    line.clear();
    if (format == ExportFormat::kCsv) {
      append_alert_csv(line, stored.alert);
    } else {
      append_alert_json(line, stored.alert);
      line.push_back('\n');
    }
    file.write(line);
    ++written;
  });
  file.close();
  return written;
}

SeedLayoutCounts write_seed_layout(AlertStore& store, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the directory: " + ec.message());
  std::filesystem::path base(dir);
  OutputFile wash((base / "alerts_wash.csv").string());
  OutputFile pump_dump((base / "alerts_pump_dump.csv").string());
  OutputFile all((base / "all_alerts.csv").string());
  for (OutputFile* file : {&wash, &pump_dump, &all}) file->write(kSeedHeader);
  SeedLayoutCounts counts;
  std::string row;
  // One pass over the store fills all three files.
  store.for_each_alert(AlertQuery{}, [&](const StoredAlert& stored) {
    const Alert& a = stored.alert;
    row.clear();
    append_seed_row(row, a);
    all.write(row);
    ++counts.all;
    if (a.rule.starts_with("wash.")) {
      wash.write(row);
      ++counts.wash;
    } else if (a.rule == "pump_and_dump") {
      pump_dump.write(row);
      ++counts.pump_dump;
    }
  });
  for (OutputFile* file : {&wash, &pump_dump, &all}) file->close();
  return counts;
}

std::string seed_alert_type(std::string_view rule) {
  if (rule.starts_with("wash.")) return "WASH_TRADE";
  if (rule == "pump_and_dump") return "PUMP_AND_DUMP";
  std::string type(rule);
  for (char& c : type) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '.') c = '_';
  }
  return type;
}

std::string python_isoformat(Timestamp t) {
  std::string iso = t.floor_to(Duration::micros(1)).to_iso8601();  // "...ss[.f{1,6}]Z"
  iso.pop_back();
  size_t dot = iso.find('.');
  if (dot != std::string::npos) iso.append(6 - (iso.size() - dot - 1), '0');
  return iso;
}

}  // namespace tw
