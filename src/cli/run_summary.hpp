// The human-readable report printed at the end of `tapewatch run`, and its progress line.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/alert_bus.hpp"
#include "engine/batch_run.hpp"
#include "feed/reject.hpp"
#include "util/named_counts.hpp"

namespace tw::cli {

struct RunReport {
  std::vector<std::string> inputs;
  BatchResult batch;
  EngineCounters counters;
  BookReport books;
  NamedCounts feed_counts;  // Feed::counters of the inputs, summed by name
  const DeadLetter* rejects = nullptr;
  const AlertBus* alerts = nullptr;
  std::vector<std::string> rules;
  uint64_t peak_rss = 0;
  std::string store;  // where alerts went, empty when not stored
  std::string run_id;
  std::string dead_letter;  // path, empty when none
};

void print_run_report(std::FILE* out, const RunReport& report);
/// {"rejects":{"bad_price":n,...}} style object of non-zero reject counts.
std::string rejects_json(const DeadLetter& rejects);
/// Every BookDiagnostics counter by its kBookDiagnosticsFields name.
NamedCounts diagnostics_counts(const BookDiagnostics& diagnostics);
/// The books as the run store keeps them: symbols, live_orders, executions_printed,
/// times_clamped, then diagnostics_counts.
NamedCounts book_counts(const BookReport& books, const EngineCounters& counters);
/// Rewrites one terminal line: bytes, events/s, ETA.
void print_progress_line(const BatchProgress& p, bool final_line);
std::string human_bytes(uint64_t bytes);
std::string human_rate(double per_second);

}  // namespace tw::cli
