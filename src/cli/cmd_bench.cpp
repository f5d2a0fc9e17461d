// `tapewatch bench`: end-to-end throughput and peak memory of parsing, rules and storing, and of
// decoding, booking and surveilling generated ITCH order flow.
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "book/least_book.hpp"
#include "cli/batch_job.hpp"
#include "cli/commands.hpp"
#include "cli/run_summary.hpp"
#include "config/config.hpp"
#include "engine/alert_bus.hpp"
#include "engine/batch_run.hpp"
#include "engine/engine.hpp"
#include "engine/evidence_recorder.hpp"
#include "feed/feed.hpp"
#include "feed/itch_reader.hpp"
#include "sim/itch_market.hpp"
#include "sim/synthetic_alerts.hpp"
#include "sim/trade_generator.hpp"
#include "store/alert_store.hpp"
#include "util/process.hpp"

namespace tw::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchSettings {
  uint64_t rows = 5'000'000;
  std::string input;
  std::string work_dir;
  std::string phase = "all";
  std::string config_path;  // rules and e2e: this configuration instead of the defaults
  bool itch = false;        // the order-flow phases over a generated ITCH file
  bool evidence = false;    // rules and e2e phases: record each alert's evidence
  sim::ItchMarketOptions itch_market{.messages = 50'000'000, .seed = 42};
  bool store = false;  // the alert store's writes and API-shaped reads instead
  std::string db;
  sim::SyntheticAlertOptions synthetic;
  int iterations = 30;

  Config config() const {
    Config config = config_path.empty() ? default_config() : load_config(config_path);
    config.evidence.enabled = evidence;
    return config;
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(std::string_view phase, uint64_t events, double seconds, uint64_t bytes,
            std::string_view note) {
  double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0;
  fmt::print(
      "{:<6} {:>10} events  {:>8.3f} s  {:>9} events/s  {:>9}/s  peak memory {:>10}  {}\n", phase,
      events, seconds, human_rate(rate),
      human_bytes(static_cast<uint64_t>(seconds > 0 ? static_cast<double>(bytes) / seconds : 0)),
      human_bytes(peak_rss_bytes()), note);
  std::fflush(stdout);
}

class NullSink final : public AlertSink {
 public:
  void emit(Alert&&) override {}
};

/// With [evidence] enabled, a recorder fed by the engine whose JSON is only counted, as the rules
/// phases keep no store.
class BenchEvidence {
 public:
  BenchEvidence(const Config& config, const Universe& universe, AlertBus& bus) {
    if (!config.evidence.enabled) return;
    recorder_ = std::make_unique<EvidenceRecorder>(config.evidence, universe,
                                                   [this](const std::string&, std::string json) {
                                                     bytes_ += json.size();
                                                     ++alerts_;
                                                   });
    bus.subscribe(*recorder_);
  }
  void feed(Engine& engine) { engine.record_evidence(recorder_.get()); }
  std::string note() const {
    if (!recorder_) return "";
    return fmt::format(", evidence of {} alerts ({} of JSON, {} held at the end)", alerts_,
                       human_bytes(bytes_), human_bytes(recorder_->memory_bytes()));
  }

 private:
  std::unique_ptr<EvidenceRecorder> recorder_;
  uint64_t bytes_ = 0;
  uint64_t alerts_ = 0;
};

void bench_parse(const std::string& input) {
  Universe universe;
  DeadLetter rejects;
  auto feed = open_feed(input, FeedOptions{}, universe, rejects);
  auto start = Clock::now();
  Event e;
  uint64_t n = 0;
  while (feed->next(e)) ++n;
  report("parse", n, seconds_since(start), feed->bytes_read(), "CSV -> validated events");
}

void bench_rules(const std::string& input, const Config& config) {
  Universe universe;
  DeadLetter rejects;
  auto feed = open_feed(input, FeedOptions{}, universe, rejects);
  std::vector<Event> events;
  Event e;
  while (feed->next(e)) events.push_back(e);
  NullSink alerts_out;
  AlertBus bus;
  bus.subscribe(alerts_out);
  BenchEvidence evidence(config, universe, bus);
  Engine engine(config, universe, bus, rejects);
  evidence.feed(engine);
  auto start = Clock::now();
  engine.push_events(events);
  engine.finish();
  double seconds = seconds_since(start);
  report("rules", events.size(), seconds, events.size() * sizeof(Event),
         fmt::format("in memory, all rules, {} alerts (peak includes the {} event array){}",
                     bus.total(), human_bytes(events.size() * sizeof(Event)), evidence.note()));
}

void bench_end_to_end(const std::string& input, const std::string& work_dir, const Config& config) {
  BatchJob job;
  job.inputs = {input};
  job.config = config;
  job.db = (fs::path(work_dir) / "bench.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(job.db + suffix);
  auto start = Clock::now();
  BatchJobResult result = run_batch_job(job);
  report("e2e", result.batch.events, seconds_since(start), result.batch.bytes_read,
         fmt::format("CSV -> rules -> SQLite, {} alerts, {} bars", result.alerts->total(),
                     result.counters.bars));
}

// The generated file's day, unless the file's name gives one (an --input of a real day).
FeedOptions itch_options(const std::string& input) {
  FeedOptions options;
  options.format = "itch";
  int64_t year = 0;
  unsigned month = 0, day = 0;
  if (!itch_date_from_name(input, year, month, day)) options.date = sim::kItchMarketDate;
  return options;
}

void bench_itch_decode(const std::string& input) {
  Universe universe;
  DeadLetter rejects;
  auto feed = open_feed(input, itch_options(input), universe, rejects);
  const auto& itch = dynamic_cast<const ItchFeed&>(*feed);
  auto start = Clock::now();
  Event e;
  uint64_t events = 0;
  while (feed->next(e)) ++events;
  report("decode", itch.counts().messages, seconds_since(start), feed->bytes_read(),
         fmt::format("ITCH messages -> {} events", events));
}

// The least book (LeastBook) over the decoded messages, a batch at a time as the engine takes
// them: each batch's lines are asked for before it is applied. What no book can beat here.
void bench_itch_least(const std::string& input) {
  Universe universe;
  DeadLetter rejects;
  auto feed = open_feed(input, itch_options(input), universe, rejects);
  const auto& itch = dynamic_cast<const ItchFeed&>(*feed);
  LeastBook book;
  std::vector<Event> batch(128);
  auto start = Clock::now();
  for (size_t n; (n = feed->next_batch(batch)) > 0;) {
    const std::span<const Event> events(batch.data(), n);
    for (const Event& e : events) book.prefetch(e);
    for (const Event& e : events) book.apply(e);
  }
  report("least", itch.counts().messages, seconds_since(start), feed->bytes_read(),
         fmt::format("ITCH messages -> least book, {} orders live at the end", book.live_orders()));
}

// Every rule off leaves the engine's own work: the books and the prints of executions (a lone
// ITCH file is taken in sequence, with no reorder buffer).
Config without_rules(Config config) {
  for (auto& [name, rule] : config.rules) rule.enabled = false;
  return config;
}

void bench_itch_engine(const std::string& input, const Config& config, std::string_view phase) {
  Universe universe;
  DeadLetter rejects;
  std::vector<std::unique_ptr<Feed>> feeds;
  feeds.push_back(open_feed(input, itch_options(input), universe, rejects));
  const auto& itch = dynamic_cast<const ItchFeed&>(*feeds[0]);
  NullSink alerts_out;
  AlertBus bus;
  bus.subscribe(alerts_out);
  BenchEvidence evidence(config, universe, bus);
  Engine engine(config, universe, bus, rejects);
  evidence.feed(engine);
  BatchResult run = run_feeds(feeds, engine);  // as tapewatch run reads a lone ITCH file
  BookReport books = engine.book_report();
  report(
      phase, itch.counts().messages, run.seconds, run.bytes_read,
      fmt::format("ITCH messages -> books -> {} rules, {} alerts, {} orders live at the end{}",
                  engine.active_rules().size(), bus.total(), books.live_orders, evidence.note()));
}

std::string ensure_itch_input(const BenchSettings& s, const std::string& work_dir) {
  if (!s.input.empty()) return s.input;
  const sim::ItchMarketOptions& o = s.itch_market;
  std::string path =
      (fs::path(work_dir) / fmt::format("bench-itch-m{}-s{}-seed{}-recent{}.itch", o.messages,
                                        o.symbols, o.seed, o.recent_share))
          .string();
  if (fs::exists(path)) return path;
  auto start = Clock::now();
  std::string tmp = path + ".tmp";
  sim::ItchMarketSummary summary = sim::write_itch_market(o, tmp);
  fs::rename(tmp, path);
  report("gen", summary.messages, seconds_since(start), fs::file_size(path),
         fmt::format("ITCH 5.0, {} symbols, at most {} orders live", o.symbols,
                     summary.max_live_orders));
  return path;
}

std::string ensure_input(const BenchSettings& s, const std::string& work_dir) {
  if (!s.input.empty()) return s.input;
  std::string path = (fs::path(work_dir) / fmt::format("bench-{}.csv", s.rows)).string();
  if (fs::exists(path)) return path;
  GeneratorOptions options;
  options.symbols = 3;
  options.accounts = 500;
  options.hours = 0;  // until the row cap
  options.seed = 42;
  options.rows = s.rows;
  options.pump_dumps_per_hour = 0.3;  // a market-like tape: episodes are rare
  auto start = Clock::now();
  std::string tmp = path + ".tmp";
  GeneratorSummary summary = generate_market(options, tmp, tmp + ".labels.jsonl", "");
  fs::rename(tmp, path);
  report("gen", summary.rows, seconds_since(start), fs::file_size(path), "trades.csv layout");
  return path;
}

// Each phase runs in its own process so that its peak memory is its own.
void run_phase_in_child(std::string_view phase, const std::string& input,
                        const std::string& work_dir, const BenchSettings& s) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  std::string command = fmt::format("'{}' bench --phase {} --input '{}' --work-dir '{}'", self,
                                    phase, input, work_dir);
  if (!s.config_path.empty()) command += fmt::format(" --config '{}'", s.config_path);
  if (s.evidence) command += " --evidence";
  std::fflush(stdout);
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error(fmt::format("bench phase {} failed", phase));
}

void bench_itch(const BenchSettings& s, const std::string& work_dir) {
  std::string input = ensure_itch_input(s, work_dir);
  if (s.phase == "itch-decode") return bench_itch_decode(input);
  if (s.phase == "itch-least") return bench_itch_least(input);
  if (s.phase == "itch-books") return bench_itch_engine(input, without_rules(s.config()), "books");
  if (s.phase == "itch-rules") return bench_itch_engine(input, s.config(), "rules");
  fmt::print("input  {} ({})\n", input, human_bytes(fs::file_size(input)));
  for (const char* phase : {"itch-decode", "itch-least", "itch-books", "itch-rules"})
    run_phase_in_child(phase, input, work_dir, s);
}

// Fills an empty store with synthetic alerts and bars; a store already holding exactly that
// many alerts (an earlier fill of the same --db) is measured as it is.
void fill_store(AlertStore& store, const sim::SyntheticAlertOptions& options) {
  uint64_t existing = store.count_alerts({});
  if (existing == options.alerts) {
    fmt::print("fill   reusing {} alerts already in {}\n", existing, store.describe());
    return;
  }
  if (existing != 0) {
    throw std::runtime_error(
        fmt::format("--db {} holds {} alerts, not {}: give a new or empty store", store.describe(),
                    existing, options.alerts));
  }
  auto start = Clock::now();
  sim::SyntheticAlertSummary s = sim::fill_synthetic_alerts(store, options);
  fmt::print(
      "fill   {} alerts in {:.1f} s ({} alerts/s), {} status changes, {} 1-minute bars; "
      "{:.1f} s in all  peak memory {}\n",
      s.alerts, s.alerts_seconds, human_rate(static_cast<double>(s.alerts) / s.alerts_seconds),
      s.reviewed, s.bars, seconds_since(start), human_bytes(peak_rss_bytes()));
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// Runs `query` up to `iterations` times (fewer once 20 s have gone) and prints p50 and p99.
template <class Query>
void time_query(std::string_view name, int iterations, Query&& query) {
  std::vector<double> ms;
  std::string note;
  auto budget = Clock::now();
  for (int i = 0; i < iterations && (i == 0 || seconds_since(budget) < 20); ++i) {
    auto start = Clock::now();
    note = query();
    ms.push_back(seconds_since(start) * 1000);
  }
  fmt::print("{:<34} {:>9.2f} {:>9.2f} {:>5}  {}\n", name, percentile(ms, 0.5),
             percentile(ms, 0.99), ms.size(), note);
  std::fflush(stdout);
}

// What GET /api/alerts does: the newest 100 alerts a filter selects, and how many there are.
std::string list_newest(AlertStore& store, AlertQuery query) {
  query.sort = {AlertSortKey::kStart, true};
  query.limit = 100;
  uint64_t rows = 0;
  store.for_each_alert(query, [&](const StoredAlert&) { ++rows; });
  return fmt::format("{} of {}", rows, store.count_alerts(query));
}

void bench_store_queries(AlertStore& store, const BenchSettings& s) {
  const sim::SyntheticAlertOptions& o = s.synthetic;
  Timestamp middle = o.start + Duration::hours(static_cast<int64_t>(o.days) * 12);
  auto filtered = [&](std::string_view name, auto set) {
    AlertQuery q;
    set(q);
    time_query(name, s.iterations, [&] { return list_newest(store, q); });
  };
  fmt::print("{:<34} {:>9} {:>9} {:>5}  {}\n", "query (ms)", "p50", "p99", "runs", "result");
  filtered("list newest 100", [](AlertQuery&) {});
  filtered("list rule=spoofing", [](AlertQuery& q) { q.rule = "spoofing"; });
  filtered("list severity=CRITICAL", [](AlertQuery& q) { q.severity = Severity::kCritical; });
  filtered("list symbol=" + sim::synthetic_symbol(0),
           [](AlertQuery& q) { q.symbol = sim::synthetic_symbol(0); });
  filtered("list symbol=" + sim::synthetic_symbol(o.symbols - 1),
           [&](AlertQuery& q) { q.symbol = sim::synthetic_symbol(o.symbols - 1); });
  filtered("list status=escalated", [](AlertQuery& q) { q.status = AlertStatus::kEscalated; });
  std::string account = sim::synthetic_account(o.accounts / 2);
  filtered("list account=" + account, [&](AlertQuery& q) { q.account = account; });
  filtered("list q=" + account, [&](AlertQuery& q) { q.text = account; });
  filtered("list from/to one hour", [&](AlertQuery& q) {
    q.from = middle;
    q.to = middle + Duration::hours(1);
  });
  time_query("stats summary", s.iterations, [&] {
    AlertSummary summary = store.summarize({});
    RunTotals runs = store.run_totals();
    return fmt::format("{} alerts, {} accounts, {} runs", summary.alerts, summary.accounts,
                       runs.runs);
  });
  time_query("stats timeline minute, one day", s.iterations, [&] {
    AlertQuery day;
    day.from = middle;
    day.to = middle + Duration::hours(24);
    return fmt::format("{} buckets", store.timeline(day, Duration::minutes(1)).size());
  });
  time_query("stats timeline hour, all", s.iterations, [&] {
    return fmt::format("{} buckets", store.timeline({}, Duration::hours(1)).size());
  });
  time_query("stats by rule", s.iterations,
             [&] { return fmt::format("{} rules", store.count_by_rule({}).size()); });
  time_query("stats symbol risk", s.iterations,
             [&] { return fmt::format("{} symbols", store.symbol_risk({}).size()); });
  time_query("stats volume, whole range", s.iterations, [&] {
    auto range = store.bar_range(Duration::minutes(1));
    if (!range) return std::string("no bars");
    Timestamp to = range->second + Duration::minutes(1);
    auto by_symbol = store.volume_by_symbol(Duration::minutes(1), range->first, to, {});
    auto over_time =
        store.volume_over_time(Duration::minutes(1), Duration::hours(1), range->first, to, {});
    return fmt::format("{} symbols, {} hours", by_symbol.size(), over_time.size());
  });
  time_query("alert by id, evidence, bars", s.iterations, [&] {
    std::optional<StoredAlert> newest;
    AlertQuery last;
    last.sort = {AlertSortKey::kStart, true};
    last.limit = 1;
    store.for_each_alert(last, [&](const StoredAlert& row) { newest = row; });
    if (!newest) return std::string("no alert");
    auto found = store.find_alert(newest->alert.id);
    auto evidence = store.find_evidence(newest->alert.id);
    uint64_t bars = 0;
    store.for_each_bar(newest->alert.symbol, Duration::minutes(1),
                       newest->alert.start - Duration::minutes(30),
                       newest->alert.end + Duration::minutes(30), [&](const Bar&) { ++bars; });
    return fmt::format("{} bars", bars);
  });
}

void bench_store(const BenchSettings& s) {
  if (s.db.empty()) throw CLI::ValidationError("--db", "bench --store needs --db PATH_OR_URL");
  auto store = open_store(s.db);
  fill_store(*store, s.synthetic);
  bench_store_queries(*store, s);
  fmt::print("peak memory {}\n", human_bytes(peak_rss_bytes()));
}

void bench(const BenchSettings& s) {
  if (s.store) return bench_store(s);
  std::string work_dir =
      s.work_dir.empty() ? (fs::temp_directory_path() / "tapewatch-bench").string() : s.work_dir;
  std::filesystem::create_directories(work_dir);
  if (s.itch || s.phase.starts_with("itch-")) return bench_itch(s, work_dir);
  std::string input = ensure_input(s, work_dir);
  if (s.phase == "parse") return bench_parse(input);
  if (s.phase == "rules") return bench_rules(input, s.config());
  if (s.phase == "e2e") return bench_end_to_end(input, work_dir, s.config());
  fmt::print("input  {} ({})\n", input, human_bytes(fs::file_size(input)));
  for (const char* phase : {"parse", "rules", "e2e"}) run_phase_in_child(phase, input, work_dir, s);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto settings = std::make_shared<BenchSettings>();
  CLI::App* cmd =
      app.add_subcommand("bench",
                         "Measure events/s and peak memory: parse, rules, end to end (trades); "
                         "decode, books, rules (--itch)");
  cmd->add_option("--rows", settings->rows, "Rows of generated trades.csv input")
      ->capture_default_str();
  cmd->add_option("--input", settings->input, "Use this file instead of a generated one")
      ->check(CLI::ExistingFile);
  cmd->add_option("--work-dir", settings->work_dir, "Where the generated input and database go");
  cmd->add_option("--config", settings->config_path,
                  "TOML configuration for the rules and e2e phases (e.g. to time one rule alone)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--phase", settings->phase,
                  "all, parse, rules or e2e; with --itch: itch-decode, itch-least (the least any "
                  "book does: a yardstick), itch-books or itch-rules")
      ->check(CLI::IsMember({"all", "parse", "rules", "e2e", "itch-decode", "itch-least",
                             "itch-books", "itch-rules"}))
      ->capture_default_str();
  cmd->add_flag("--itch", settings->itch,
                "Order flow instead: decode, decode + books, decode + books + rules over a "
                "generated ITCH 5.0 file (or --input)");
  cmd->add_flag("--evidence", settings->evidence,
                "Record each alert's evidence in the rules and e2e phases (as tapewatch run with "
                "a store does), to measure what it costs");
  sim::ItchMarketOptions& itch = settings->itch_market;
  cmd->add_option("--messages", itch.messages, "Messages of the generated ITCH file")
      ->capture_default_str();
  cmd->add_option("--symbols", itch.symbols, "Symbols of the generated ITCH file")
      ->capture_default_str();
  cmd->add_option("--seed", itch.seed, "Seed of the generated ITCH file")->capture_default_str();
  cmd->add_option("--recent-share", itch.recent_share,
                  "Share of the generated cancels, deletes and replaces that take one of the "
                  "symbol's latest orders (0: any live order alike, the cache's worst case)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("--store", settings->store,
                "The alert store instead: fill --db with --alerts synthetic alerts and bars, then "
                "time the API's list, filter and statistics queries (p50, p99)");
  cmd->add_option("--db", settings->db,
                  "With --store: the store to fill and query, a SQLite path or PostgreSQL URL");
  cmd->add_option("--alerts", settings->synthetic.alerts, "With --store: synthetic alerts")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}))
      ->capture_default_str();
  cmd->add_option("--iterations", settings->iterations, "With --store: runs of each query")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  cmd->callback([settings] { bench(*settings); });
}

}  // namespace tw::cli
