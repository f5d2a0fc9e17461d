// `tapewatch run` jobs over real files: the summary's books and feed lines, and the run record.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>

#include "cli/batch_job.hpp"
#include "cli/run_summary.hpp"
#include "real_data.hpp"
#include "store/alert_store.hpp"
#include "temp_dir.hpp"

using namespace tw;
using namespace tw::cli;
using tw::testing::shared_file;
using tw::testing::TempDir;

namespace {

constexpr const char* kItch = "itch50/admin_first1000.itch";
constexpr const char* kLobster = "lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";

BatchJob job_of(const std::string& input, const std::string& db) {
  BatchJob job;
  job.inputs = {input};
  job.config = default_config();
  job.db = db;
  return job;
}

std::string summary_text(const RunReport& report) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  print_run_report(out, report);
  std::fclose(out);
  std::string summary(text, size);
  std::free(text);
  return summary;
}

uint64_t count_named(const NamedCounts& counts, const std::string& name) {
  for (const NamedCount& count : counts) {
    if (count.name == name) return count.value;
  }
  ADD_FAILURE() << "no count named " << name;
  return 0;
}

}  // namespace

TEST(RunReport, FeedCountsAddUpByNameKeepingFirstOrder) {
  NamedCounts counts{{"messages", 3}, {"R", 2}};
  merge_counts(counts, {{"messages", 4}, {"A", 1}, {"R", 5}});
  EXPECT_EQ(counts, (NamedCounts{{"messages", 7}, {"R", 7}, {"A", 1}}));
  EXPECT_EQ(counts_json(counts), R"({"messages":7,"R":7,"A":1})");
  EXPECT_EQ(parse_counts_json(counts_json(counts)), counts);
  EXPECT_EQ(parse_counts_json("{}"), NamedCounts{});
  EXPECT_FALSE(parse_counts_json(R"({"A":"x"})"));
  EXPECT_FALSE(parse_counts_json("[1]"));
}

TEST(RunReport, BookCountsNameEveryDiagnosticsCounter) {
  BookReport books;
  books.symbols = 2;
  books.live_orders = 40;
  for (size_t i = 0; i < std::size(kBookDiagnosticsFields); ++i) {
    books.diagnostics.*kBookDiagnosticsFields[i].counter = 100 + i;
  }
  EngineCounters counters;
  counters.executions = 9;
  counters.times_clamped = 3;
  NamedCounts counts = book_counts(books, counters);
  ASSERT_EQ(counts.size(), 4 + std::size(kBookDiagnosticsFields));
  EXPECT_EQ(counts[0], (NamedCount{"symbols", 2}));
  EXPECT_EQ(counts[1], (NamedCount{"live_orders", 40}));
  EXPECT_EQ(counts[2], (NamedCount{"executions_printed", 9}));
  EXPECT_EQ(counts[3], (NamedCount{"times_clamped", 3}));
  EXPECT_EQ(count_named(counts, "unknown_order"), 100u);
  EXPECT_EQ(count_named(counts, "orders_dropped"), 107u);
}

TEST(RunReport, ItchRunReportsAndStoresMessageCountsByType) {
  std::string input = shared_file(kItch);
  if (input.empty()) GTEST_SKIP() << "shared data absent: ../shared/data/" << kItch;
  TempDir dir;
  BatchJob job = job_of(input, dir.file("runs.db"));
  job.feed.date = "2019-01-30";  // the file's name holds no MMDDYYYY
  BatchJobResult result = run_batch_job(job);

  EXPECT_EQ(count_named(result.feed_counts, "messages"), 1000u);
  EXPECT_EQ(count_named(result.feed_counts, "R"), 993u);
  EXPECT_EQ(count_named(result.feed_counts, "unknown_types"), 0u);
  std::string summary = summary_text(run_report(job, result));
  EXPECT_NE(summary.find("\nfeed       messages 1000, H 3, R 993, S 1, Y 3,"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("unknown_types 0"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("\nbooks"), std::string::npos) << "no order flow, no books line";

  auto stored = open_store(job.db)->find_run(result.record.run_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->feed_counts, result.feed_counts);
  EXPECT_EQ(count_named(stored->books, "symbols"), 0u);
}

TEST(RunReport, LobsterRunReportsAndStoresItsBooks) {
  std::string input = shared_file(kLobster);
  if (input.empty()) GTEST_SKIP() << "shared data absent: ../shared/data/" << kLobster;
  TempDir dir;
  BatchJob job = job_of(input, dir.file("runs.db"));
  BatchJobResult result = run_batch_job(job);

  std::string summary = summary_text(run_report(job, result));
  EXPECT_NE(summary.find("\nbooks      1 symbol(s), "), std::string::npos) << summary;
  EXPECT_NE(summary.find("8974 executions printed\n           unknown_order "), std::string::npos)
      << summary;
  for (const BookDiagnosticsField& field : kBookDiagnosticsFields) {
    uint64_t value = result.books.diagnostics.*field.counter;
    EXPECT_NE(summary.find(fmt::format(" {} {}", field.name, value)), std::string::npos)
        << field.name << " missing from\n"
        << summary;
  }
  EXPECT_EQ(summary.find("\nfeed"), std::string::npos) << "the LOBSTER reader counts nothing more";

  auto stored = open_store(job.db)->find_run(result.record.run_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->books, book_counts(result.books, result.counters));
  EXPECT_EQ(count_named(stored->books, "symbols"), 1u);
  EXPECT_EQ(count_named(stored->books, "live_orders"), result.books.live_orders);
  EXPECT_EQ(count_named(stored->books, "executions_printed"), 8974u);
  // Without the seed, orders resting at 09:30 are unknown when they trade or go.
  EXPECT_GT(count_named(stored->books, "unknown_order"), 0u);
  EXPECT_TRUE(stored->feed_counts.empty());
}
