#include "cli/batch_job.hpp"

#include <fmt/format.h>
#include <chrono>

#include "cli/run_summary.hpp"
#include "engine/engine.hpp"
#include "engine/evidence_recorder.hpp"
#include "sink/jsonl_alert_sink.hpp"
#include "store/store_bar_sink.hpp"
#include "util/hash.hpp"
#include "util/json_array.hpp"
#include "util/process.hpp"

namespace tw::cli {
namespace {

std::string wall_clock_iso() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::from_nanos(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count())
      .to_iso8601();
}

RunRecord start_record(const BatchJob& job) {
  RunRecord record;
  record.started_at = wall_clock_iso();
  record.run_id =
      "run-" + record.started_at.substr(0, 19) + "-" +
      fmt::format("{:04x}", fnv1a64(record.started_at + json_string_array(job.inputs)) & 0xffff);
  record.inputs = job.inputs;
  record.config_hash = job.config.hash;
  record.config_toml = to_toml(job.config);
  record.status = "running";
  return record;
}

NamedCounts feed_counts(const std::vector<std::unique_ptr<Feed>>& feeds) {
  NamedCounts counts;
  for (const auto& feed : feeds) merge_counts(counts, feed->counters());
  return counts;
}

void finish_record(BatchJobResult& r) {
  r.record.status = "ok";
  r.record.events = r.counters.processed;
  r.record.rejects = r.rejects->total();
  r.record.alerts = r.alerts->total();
  r.record.rejects_json = rejects_json(*r.rejects);
  r.record.alerts_json = r.alerts->counts_json();
  r.record.books = book_counts(r.books, r.counters);
  r.record.feed_counts = r.feed_counts;
  r.record.elapsed_seconds = r.batch.seconds;
  r.record.events_per_second =
      r.batch.seconds > 0 ? static_cast<double>(r.counters.processed) / r.batch.seconds : 0;
  r.record.peak_rss_bytes = peak_rss_bytes();
}

}  // namespace

RunReport run_report(const BatchJob& job, const BatchJobResult& result) {
  RunReport report;
  report.inputs = job.inputs;
  report.batch = result.batch;
  report.counters = result.counters;
  report.books = result.books;
  report.feed_counts = result.feed_counts;
  report.rejects = result.rejects.get();
  report.alerts = result.alerts.get();
  report.rules = result.rules;
  report.peak_rss = result.record.peak_rss_bytes;
  report.store = job.db;
  report.run_id = job.db.empty() ? "" : result.record.run_id;
  report.dead_letter = job.dead_letter;
  return report;
}

BatchJobResult run_batch_job(const BatchJob& job) {
  BatchJobResult r;
  Universe universe;
  for (const auto& [account, owner] : job.config.owners) universe.set_owner(account, owner);
  r.rejects = std::make_unique<DeadLetter>(job.dead_letter);
  r.alerts = std::make_unique<AlertBus>();

  std::vector<std::unique_ptr<Feed>> feeds;
  FeedOptions options = job.feed;
  for (size_t i = 0; i < job.inputs.size(); ++i) {
    options.source_index = static_cast<uint16_t>(i);
    feeds.push_back(open_feed(job.inputs[i], options, universe, *r.rejects));
  }

  r.record = start_record(job);
  std::unique_ptr<AlertStore> store;
  std::unique_ptr<StoreBarSink> bar_sink;
  if (!job.db.empty()) {
    store = open_store(job.db);
    store->begin_run(r.record);
    r.alerts->subscribe(*store);
    bar_sink = std::make_unique<StoreBarSink>(*store, job.config.engine.bar_interval);
  }
  std::unique_ptr<JsonlAlertSink> jsonl;
  if (!job.alerts_out.empty()) {
    jsonl = std::make_unique<JsonlAlertSink>(job.alerts_out);
    r.alerts->subscribe(*jsonl);
  }

  // After the store on the bus: the store has each alert before the evidence naming it.
  std::unique_ptr<EvidenceRecorder> evidence;
  if (store && job.config.evidence.enabled) {
    evidence = std::make_unique<EvidenceRecorder>(
        job.config.evidence, universe, [&store](const std::string& alert_id, std::string json) {
          store->write_evidence(alert_id, std::move(json));
        });
    r.alerts->subscribe(*evidence);
  }

  Engine engine(job.config, universe, *r.alerts, *r.rejects, bar_sink.get());
  engine.set_source_names(job.inputs);
  engine.record_evidence(evidence.get());
  try {
    r.batch = run_feeds(feeds, engine, job.progress);
  } catch (const std::exception& e) {
    if (store) {
      r.record.status = "failed";
      r.record.error = e.what();
      r.record.feed_counts = feed_counts(feeds);  // how far the readers got
      store->finish_run(r.record);
    }
    throw;
  }
  r.rejects->flush();
  if (jsonl) jsonl->flush();
  r.counters = engine.counters();
  r.books = engine.book_report();
  r.feed_counts = feed_counts(feeds);
  r.rules = engine.active_rules();
  finish_record(r);
  if (store) store->finish_run(r.record);
  return r;
}

}  // namespace tw::cli
