// One batch surveillance job: input files through the engine into the store and alert files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/run_summary.hpp"
#include "config/config.hpp"
#include "engine/alert_bus.hpp"
#include "engine/batch_run.hpp"
#include "feed/feed.hpp"
#include "store/alert_store.hpp"

namespace tw::cli {

struct BatchJob {
  std::vector<std::string> inputs;
  FeedOptions feed;
  Config config;
  std::string db;           // alert store URL; empty: alerts and bars are not stored
  std::string dead_letter;  // JSONL of rejected records; empty: rejects are only counted
  std::string alerts_out;   // JSONL copy of every alert; empty: none
  ProgressFn progress;      // optional
};

/// What a finished job did; the run record is already stored when the job had a store.
struct BatchJobResult {
  RunRecord record;
  BatchResult batch;
  EngineCounters counters;
  BookReport books;
  NamedCounts feed_counts;  // Feed::counters of every input, summed by name
  std::vector<std::string> rules;
  std::unique_ptr<DeadLetter> rejects;
  std::unique_ptr<AlertBus> alerts;
};

/// The summary `tapewatch run` prints for a finished job.
RunReport run_report(const BatchJob& job, const BatchJobResult& result);

/// Runs the job in one pass. A failure while reading is recorded in the store's run as
/// "failed" and rethrown.
BatchJobResult run_batch_job(const BatchJob& job);

}  // namespace tw::cli
