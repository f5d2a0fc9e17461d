// `tapewatch export`: alerts from the store as CSV, JSONL, or the replaced system's CSV layout.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "sink/alert_export.hpp"
#include "store/alert_store.hpp"

namespace tw::cli {
namespace {

struct ExportSettings {
  std::string db = "tapewatch.db";
  std::string format = "csv";
  std::string out = "-";
  std::string rule;
  std::string symbol;
  std::string min_severity;
  std::string seed_layout_dir;
};

AlertQuery query_of(const ExportSettings& s) {
  AlertQuery query;
  if (!s.rule.empty()) query.rule = s.rule;
  if (!s.symbol.empty()) query.symbol = s.symbol;
  if (!s.min_severity.empty()) {
    query.min_severity = parse_severity(s.min_severity);
    if (!query.min_severity) {
      throw std::runtime_error("--min-severity '" + s.min_severity +
                               "': expected LOW, MEDIUM, HIGH or CRITICAL");
    }
  }
  return query;
}

void export_command(const ExportSettings& s) {
  auto store = open_store(s.db, StoreOpen::kExisting);
  if (!s.seed_layout_dir.empty()) {
    SeedLayoutCounts counts = write_seed_layout(*store, s.seed_layout_dir);
    fmt::print(stderr, "wrote {}: {} wash, {} pump & dump, {} in all\n", s.seed_layout_dir,
               counts.wash, counts.pump_dump, counts.all);
    return;
  }
  auto format = parse_export_format(s.format);
  if (!format) throw std::runtime_error("--format '" + s.format + "': expected csv or jsonl");
  uint64_t n = export_alerts(*store, query_of(s), *format, s.out);
  if (s.out != "-") fmt::print(stderr, "wrote {} alerts to {}\n", n, s.out);
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto settings = std::make_shared<ExportSettings>();
  CLI::App* cmd = app.add_subcommand("export", "Write stored alerts as CSV or JSONL");
  cmd->add_option("--db", settings->db, "Alert store to read")->capture_default_str();
  cmd->add_option("--format", settings->format, "csv or jsonl")->capture_default_str();
  cmd->add_option("-o,--out", settings->out, "Output file, - for stdout")->capture_default_str();
  cmd->add_option("--rule", settings->rule, "Only this rule");
  cmd->add_option("--symbol", settings->symbol, "Only this symbol");
  cmd->add_option("--min-severity", settings->min_severity, "LOW, MEDIUM, HIGH or CRITICAL");
  cmd->add_option(
      "--seed-layout", settings->seed_layout_dir,
      "Write alerts_wash.csv, alerts_pump_dump.csv and all_alerts.csv into this folder");
  cmd->callback([settings] { export_command(*settings); });
}

}  // namespace tw::cli
