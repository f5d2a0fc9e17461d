// `tapewatch run`: batch surveillance of files into the alert store.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include "cli/commands.hpp"
#include "cli/run_summary.hpp"
#include "config/config.hpp"
#include "engine/alert_bus.hpp"
#include "engine/batch_run.hpp"
#include "engine/engine.hpp"
#include "feed/feed.hpp"
#include "sink/jsonl_alert_sink.hpp"
#include "store/alert_store.hpp"
#include "store/store_bar_sink.hpp"
#include "util/format.hpp"
#include "util/hash.hpp"
#include "util/json_array.hpp"
#include "util/process.hpp"

namespace tw::cli {
namespace {

struct RunSettings {
  std::vector<std::string> inputs;
  std::string format = "auto";
  std::string symbol;
  std::vector<std::string> column_map;
  std::string config_path;
  std::string owners_path;
  std::string db = "tapewatch.db";
  bool no_db = false;
  std::string dead_letter = "tapewatch-rejects.jsonl";
  std::string alerts_out;
  bool quiet = false;
};

Config load_run_config(const RunSettings& s) {
  Config config = s.config_path.empty() ? default_config() : load_config(s.config_path);
  if (!s.owners_path.empty()) {
    Config owners = load_config(s.owners_path);
    config.owners.insert(config.owners.end(), owners.owners.begin(), owners.owners.end());
  }
  return config;
}

FeedOptions feed_options(const RunSettings& s) {
  FeedOptions options;
  options.format = s.format;
  options.symbol = s.symbol;
  for (const std::string& pair : s.column_map) {
    auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      throw std::runtime_error("--map '" + pair +
                               "': expected COLUMN=HEADER, e.g. account=user_id");
    }
    options.column_map[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return options;
}

std::string wall_clock_iso() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::from_nanos(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count())
      .to_iso8601();
}

void run(const RunSettings& s) {
  Config config = load_run_config(s);
  Universe universe;
  for (const auto& [account, owner] : config.owners) universe.set_owner(account, owner);

  DeadLetter rejects(s.dead_letter);
  std::vector<std::unique_ptr<Feed>> feeds;
  FeedOptions options = feed_options(s);
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    options.source_index = static_cast<uint16_t>(i);
    feeds.push_back(open_feed(s.inputs[i], options, universe, rejects));
  }

  AlertBus bus;
  std::unique_ptr<AlertStore> store;
  std::unique_ptr<StoreBarSink> bar_sink;
  RunRecord record;
  record.started_at = wall_clock_iso();
  record.run_id =
      "run-" + record.started_at.substr(0, 19) + "-" +
      fmt::format("{:04x}", fnv1a64(record.started_at + json_string_array(s.inputs)) & 0xffff);
  record.inputs = s.inputs;
  record.config_hash = config.hash;
  record.config_toml = to_toml(config);
  record.status = "running";
  if (!s.no_db) {
    store = open_store(s.db);
    store->begin_run(record);
    bus.subscribe(*store);
    bar_sink = std::make_unique<StoreBarSink>(*store, config.engine.bar_interval);
  }
  std::unique_ptr<JsonlAlertSink> jsonl;
  if (!s.alerts_out.empty()) {
    jsonl = std::make_unique<JsonlAlertSink>(s.alerts_out);
    bus.subscribe(*jsonl);
  }

  Engine engine(config, universe, bus, rejects, bar_sink.get());
  engine.set_source_names(s.inputs);
  bool show_progress = !s.quiet && stderr_is_terminal();
  ProgressFn progress;
  if (show_progress) progress = [](const BatchProgress& p) { print_progress_line(p, false); };

  BatchResult batch;
  try {
    batch = run_feeds(feeds, engine, progress);
  } catch (const std::exception& e) {
    if (store) {
      record.status = "failed";
      record.error = e.what();
      store->finish_run(record);
    }
    throw;
  }
  if (show_progress) {
    print_progress_line(BatchProgress{batch.bytes_read, 0, batch.events, batch.seconds}, true);
  }
  rejects.flush();
  if (jsonl) jsonl->flush();

  const EngineCounters& counters = engine.counters();
  record.status = "ok";
  record.events = counters.processed;
  record.rejects = rejects.total();
  record.alerts = bus.total();
  record.rejects_json = rejects_json(rejects);
  record.alerts_json = bus.counts_json();
  record.elapsed_seconds = batch.seconds;
  record.events_per_second =
      batch.seconds > 0 ? static_cast<double>(counters.processed) / batch.seconds : 0;
  record.peak_rss_bytes = peak_rss_bytes();
  if (store) store->finish_run(record);

  RunReport report;
  report.inputs = s.inputs;
  report.batch = batch;
  report.counters = counters;
  report.rejects = &rejects;
  report.alerts = &bus;
  report.rules = engine.active_rules();
  report.peak_rss = record.peak_rss_bytes;
  report.store = s.no_db ? "" : s.db;
  report.run_id = s.no_db ? "" : record.run_id;
  report.dead_letter = s.dead_letter;
  if (!s.quiet) print_run_report(stdout, report);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto settings = std::make_shared<RunSettings>();
  CLI::App* cmd =
      app.add_subcommand("run", "Run every enabled rule over trade files into the alert store");
  cmd->add_option("inputs", settings->inputs,
                  "Input files (CSV, Binance CSV/.gz/.zip, Binance JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-f,--format", settings->format, "auto, csv, binance-csv or binance-json")
      ->capture_default_str();
  cmd->add_option("--symbol", settings->symbol, "Symbol for inputs whose rows carry none");
  cmd->add_option("--map", settings->column_map,
                  "CSV column mapping COLUMN=HEADER (e.g. account=user_id); repeatable");
  cmd->add_option("-c,--config", settings->config_path,
                  "TOML configuration (see `tapewatch rules`)");
  cmd->add_option("--owners", settings->owners_path,
                  "TOML file with an [owners] table of linked accounts");
  cmd->add_option("--db", settings->db, "Alert store: SQLite path or sqlite:PATH")
      ->capture_default_str();
  cmd->add_flag("--no-db", settings->no_db, "Do not store alerts or bars");
  cmd->add_option("--dead-letter", settings->dead_letter, "Where rejected records go (JSONL)")
      ->capture_default_str();
  cmd->add_option("--alerts-out", settings->alerts_out,
                  "Also write every alert to this JSONL file");
  cmd->add_flag("-q,--quiet", settings->quiet, "No progress line and no summary");
  cmd->callback([settings] { run(*settings); });
}

}  // namespace tw::cli
