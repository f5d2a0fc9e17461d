// `tapewatch run`: batch surveillance of files into the alert store.
#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>

#include "cli/batch_job.hpp"
#include "cli/commands.hpp"
#include "cli/run_summary.hpp"
#include "config/config.hpp"
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
  std::string book_seed;
  std::string date;
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
  options.book_seed = s.book_seed;
  options.date = s.date;
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

void run(const RunSettings& s) {
  BatchJob job;
  job.inputs = s.inputs;
  job.feed = feed_options(s);
  job.config = load_run_config(s);
  job.db = s.no_db ? "" : s.db;
  job.dead_letter = s.dead_letter;
  job.alerts_out = s.alerts_out;
  bool show_progress = !s.quiet && stderr_is_terminal();
  if (show_progress) job.progress = [](const BatchProgress& p) { print_progress_line(p, false); };

  BatchJobResult result = run_batch_job(job);
  const BatchResult& batch = result.batch;
  if (show_progress) {
    print_progress_line(BatchProgress{batch.bytes_read, 0, batch.events, batch.seconds}, true);
  }
  if (s.quiet) return;
  print_run_report(stdout, run_report(job, result));
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
  cmd->add_option("-f,--format", settings->format,
                  "auto, csv, binance-csv, binance-json, lobster or itch")
      ->capture_default_str();
  cmd->add_option("--symbol", settings->symbol, "Symbol for inputs whose rows carry none");
  cmd->add_option("--book-seed", settings->book_seed,
                  "LOBSTER: the message file's orderbook file, whose first row seeds the book")
      ->check(CLI::ExistingFile);
  cmd->add_option("--date", settings->date,
                  "ITCH: the file's day (YYYY-MM-DD) when its name has none");
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
