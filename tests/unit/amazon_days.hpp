// Test helper: the two Amazon LOBSTER days of ../shared/data, read as `tapewatch run` reads
// them, and how a rule's alert count on them is reported.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "real_data.hpp"

namespace tw::testing {

/// One day's message file (level 1 or 5) with the universe its events name.
struct AmazonDay {
  std::string level;
  Universe universe;
  std::vector<Event> events;
};

/// Both days; empty when ../shared/data is absent (the caller skips). With `seeded`, each
/// file's orderbook first row seeds its book, as `--book-seed` does.
inline std::vector<std::unique_ptr<AmazonDay>> amazon_days(bool seeded = false) {
  const std::string stem = "lobster/AMZN_2012-06-21_34200000_57600000_";
  std::vector<std::unique_ptr<AmazonDay>> days;
  for (const char* level : {"1", "5"}) {
    std::string messages = shared_file(stem + "message_" + level + ".csv");
    std::string book = shared_file(stem + "orderbook_" + level + ".csv");
    if (messages.empty() || book.empty()) return {};
    auto day = std::make_unique<AmazonDay>();
    day->level = level;
    FeedOptions options;
    options.format = "lobster";
    if (seeded) options.book_seed = book;
    day->events = load_events(messages, day->universe, options);
    days.push_back(std::move(day));
  }
  return days;
}

/// Prints and records (as a test property) `alerts` of `what` per million messages of `day`.
inline double report_per_million(std::string_view what, const AmazonDay& day, size_t alerts) {
  const double per_million =
      1e6 * static_cast<double>(alerts) / static_cast<double>(day.events.size());
  std::cout << what << " on AMZN level " << day.level << ": " << day.events.size() << " messages, "
            << alerts << " alerts (" << per_million << " per million messages)\n";
  ::testing::Test::RecordProperty(std::string(what) + " per million, level " + day.level,
                                  std::to_string(per_million));
  return per_million;
}

}  // namespace tw::testing
