#include "cli/run_summary.hpp"

#include <fmt/format.h>

#include "util/format.hpp"

namespace tw::cli {

std::string human_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string human_rate(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.2f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.1f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

std::string rejects_json(const DeadLetter& rejects) {
  JsonObjectWriter w;
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    auto reason = static_cast<RejectReason>(i);
    if (rejects.count(reason) != 0) w.field(to_string(reason), rejects.count(reason));
  }
  return std::move(w).finish();
}

NamedCounts diagnostics_counts(const BookDiagnostics& diagnostics) {
  NamedCounts counts;
  for (const BookDiagnosticsField& field : kBookDiagnosticsFields) {
    counts.push_back({std::string(field.name), diagnostics.*field.counter});
  }
  return counts;
}

NamedCounts book_counts(const BookReport& books, const EngineCounters& counters) {
  NamedCounts counts{{"symbols", books.symbols},
                     {"live_orders", books.live_orders},
                     {"executions_printed", counters.executions},
                     {"times_clamped", counters.times_clamped}};
  NamedCounts diagnostics = diagnostics_counts(books.diagnostics);
  counts.insert(counts.end(), diagnostics.begin(), diagnostics.end());
  return counts;
}

void print_progress_line(const BatchProgress& p, bool final_line) {
  double rate = p.seconds > 0 ? static_cast<double>(p.events) / p.seconds : 0;
  std::string line = fmt::format("\r{} read, {} events, {} events/s", human_bytes(p.bytes_read),
                                 p.events, human_rate(rate));
  if (p.bytes_total != 0 && p.bytes_read != 0 && !final_line) {
    double fraction = static_cast<double>(p.bytes_read) / static_cast<double>(p.bytes_total);
    double eta = fraction > 0 ? p.seconds * (1 - fraction) / fraction : 0;
    line += fmt::format(", {:.0f}% of {}, ETA {:.0f}s", fraction * 100, human_bytes(p.bytes_total),
                        eta);
  }
  line += "\x1b[K";  // clear the rest of the terminal line
  if (final_line) line += "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

namespace {

void print_rejects(std::FILE* out, const DeadLetter& rejects) {
  fmt::print(out, "rejects    {}\n", rejects.total());
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    auto reason = static_cast<RejectReason>(i);
    if (rejects.count(reason) != 0) {
      fmt::print(out, "  {:<20} {:>10}\n", to_string(reason), rejects.count(reason));
    }
  }
}

void print_alerts(std::FILE* out, const AlertBus& alerts, const std::vector<std::string>& rules) {
  fmt::print(out, "alerts     {}\n", alerts.total());
  fmt::print(out, "  {:<22} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "rule", "LOW", "MEDIUM", "HIGH",
             "CRITICAL", "total");
  static const std::array<uint64_t, 4> kNone{};
  for (const std::string& rule : rules) {
    auto it = alerts.by_rule().find(rule);
    const auto& c = it == alerts.by_rule().end() ? kNone : it->second;
    fmt::print(out, "  {:<22} {:>8} {:>8} {:>8} {:>8} {:>8}\n", rule, c[0], c[1], c[2], c[3],
               c[0] + c[1] + c[2] + c[3]);
  }
}

// "LABEL      name 1, name 2, ..." wrapped to lines of at most 100 columns, the names lined up
// under the first.
void print_counts(std::FILE* out, std::string_view label, const NamedCounts& counts) {
  constexpr size_t kWidth = 100;
  std::string line = fmt::format("{:<10}", label);
  for (size_t i = 0; i < counts.size(); ++i) {
    std::string item =
        fmt::format(" {} {}{}", counts[i].name, counts[i].value, i + 1 < counts.size() ? "," : "");
    if (line.size() + item.size() > kWidth) {
      fmt::print(out, "{}\n", line);
      line.assign(10, ' ');
    }
    line += item;
  }
  fmt::print(out, "{}\n", line);
}

// What the order books met: every diagnostics counter (kBookDiagnosticsFields).
void print_books(std::FILE* out, const BookReport& b, const EngineCounters& c) {
  fmt::print(out, "books      {} symbol(s), {} orders resting at the end, {} executions printed",
             b.symbols, b.live_orders, c.executions);
  if (c.times_clamped != 0) {
    fmt::print(out, ", {} times before their predecessor's clamped", c.times_clamped);
  }
  fmt::print(out, "\n");
  print_counts(out, "", diagnostics_counts(b.diagnostics));
}

}  // namespace

void print_run_report(std::FILE* out, const RunReport& r) {
  double rate =
      r.batch.seconds > 0 ? static_cast<double>(r.counters.processed) / r.batch.seconds : 0;
  fmt::print(out, "tapewatch run{}\n", r.run_id.empty() ? "" : " " + r.run_id);
  for (const std::string& input : r.inputs) fmt::print(out, "input      {}\n", input);
  fmt::print(out, "events     {} ({} trades, {} order events) from {}\n", r.counters.processed,
             r.counters.trades, r.counters.order_events, human_bytes(r.batch.bytes_read));
  if (r.counters.processed != 0) {
    fmt::print(out, "event time {} .. {}\n", r.counters.first_event.to_iso8601(),
               r.counters.last_event.to_iso8601());
  }
  fmt::print(out, "speed      {:.3f} s, {} events/s, peak memory {}\n", r.batch.seconds,
             human_rate(rate), human_bytes(r.peak_rss));
  if (!r.feed_counts.empty()) print_counts(out, "feed", r.feed_counts);
  if (r.books.symbols != 0) print_books(out, r.books, r.counters);
  if (r.rejects) print_rejects(out, *r.rejects);
  if (r.alerts) print_alerts(out, *r.alerts, r.rules);
  if (!r.store.empty()) fmt::print(out, "store      {} ({} bars)\n", r.store, r.counters.bars);
  if (!r.dead_letter.empty() && r.rejects && r.rejects->total() != 0) {
    fmt::print(out, "dead letter {}\n", r.dead_letter);
  }
}

}  // namespace tw::cli
