#include <gtest/gtest.h>

#include <string>

#include "book/lobster_book_check.hpp"
#include "feed_test_support.hpp"

using namespace tw;
using namespace tw::test;

namespace {

const std::string kMessages = "AMZN_2012-06-21_34200000_57600000_message_1.csv";
const std::string kBook = "AMZN_2012-06-21_34200000_57600000_orderbook_1.csv";

// Add a buy of 100 at 100.00, a sell of 50 at 101.00, cancel 40 of the buy, delete it: the
// best bid then comes into view from deeper down, 30 at 99.00, a size no message told.
const char* kFlow =
    "34200.1,1,1,100,1000000,1\n"
    "34200.2,1,2,50,1010000,-1\n"
    "34200.3,2,1,40,1000000,1\n"
    "34200.4,3,1,60,1000000,1\n";
const char* kRows =
    "9999999999,0,1000000,100\n"
    "1010000,50,1000000,100\n"
    "1010000,50,1000000,60\n"
    "1010000,50,990000,30\n";

}  // namespace

TEST(LobsterBookCheck, RebuildsTheBookAndTakesInRevealedLevels) {
  TempDir dir;
  RecordingSink rejects;
  BookCheck check =
      check_lobster_book(dir.write(kMessages, kFlow), dir.write(kBook, kRows), rejects);
  EXPECT_EQ(check.messages, 4u);
  EXPECT_EQ(check.rows, 3u);
  EXPECT_EQ(check.matched, 3u);
  EXPECT_EQ(check.revealed_levels, 1u);
  EXPECT_EQ(check.mismatched_levels(), 0u);
}

TEST(LobsterBookCheck, ADifferingRowIsAMismatchNamedByItsLine) {
  TempDir dir;
  RecordingSink rejects;
  std::string rows = kRows;
  rows.replace(rows.find("1010000,50,1000000,60"), 21, "1010000,50,1000000,70");
  BookCheck check =
      check_lobster_book(dir.write(kMessages, kFlow), dir.write(kBook, rows), rejects);
  EXPECT_EQ(check.matched, 2u);
  EXPECT_EQ(check.mismatches["size"], 1u);
  EXPECT_EQ(check.first_mismatch_line, 3u);
  EXPECT_EQ(check.first_mismatch, "bid 100 shown 70, book 60");

  std::string short_rows = kRows;
  short_rows.resize(short_rows.rfind("1010000,50,990000"));
  try {
    check_lobster_book(dir.write(kMessages, kFlow), dir.write(kBook, short_rows), rejects);
    ADD_FAILURE() << "no error for an orderbook file shorter than its messages";
  } catch (const FeedError& e) {
    EXPECT_NE(std::string(e.what()).find("before the row of message line 4"), std::string::npos)
        << e.what();
  }
}

// The provider's Amazon files, levels 1 and 5: nearly every row matches, and every level that
// does not is at a price whose orders the book had to infer, because the file does not show
// what happened to them out of view.
TEST(LobsterBookCheck, AmazonBooksMatchTheProvidersRows) {
  const std::string stem = "lobster/AMZN_2012-06-21_34200000_57600000_";
  if (!shared_data_present(stem + "message_1.csv")) {
    GTEST_SKIP() << "shared data absent: " << shared_data(stem + "message_1.csv");
  }
  for (const char* level : {"1", "5"}) {
    RecordingSink rejects;
    BookCheck check =
        check_lobster_book(shared_data(stem + "message_" + level + ".csv"),
                           shared_data(stem + "orderbook_" + level + ".csv"), rejects);
    SCOPED_TRACE(std::string("level ") + level);
    EXPECT_TRUE(rejects.records.empty());
    EXPECT_EQ(check.rows + 1, check.messages);
    EXPECT_GT(check.revealed_levels, 0u);
    EXPECT_GE(static_cast<double>(check.matched), 0.995 * static_cast<double>(check.rows));
    EXPECT_EQ(check.mismatches_inferred, check.mismatched_levels()) << check.first_mismatch;
    EXPECT_EQ(check.diagnostics.crossed, 0u);
  }
}

// `tapewatch run` has the orderbook file's first row at most: the book must stay sane on the
// messages alone, dropping the orders cancelled unseen below the file's depth once a message's
// price proves them gone. Without that it was crossed 23,387 of the 23,400 s (level 1).
TEST(LobsterRunBook, AmazonBooksFromMessagesAloneAreNeverCrossed) {
  const std::string stem = "lobster/AMZN_2012-06-21_34200000_57600000_";
  if (!shared_data_present(stem + "message_1.csv")) {
    GTEST_SKIP() << "shared data absent: " << shared_data(stem + "message_1.csv");
  }
  for (const char* level : {"1", "5"}) {
    for (bool seeded : {false, true}) {
      SCOPED_TRACE(std::string("level ") + level + (seeded ? ", seeded" : ""));
      FeedOptions options;
      options.format = "lobster";
      if (seeded) options.book_seed = shared_data(stem + "orderbook_" + level + ".csv");
      Universe universe;
      RecordingSink rejects;
      auto feed =
          open_feed(shared_data(stem + "message_" + level + ".csv"), options, universe, rejects);
      OrderBook book;
      for (Event e; feed->next(e);) book.apply(e);
      const BookDiagnostics& d = book.diagnostics();
      EXPECT_TRUE(rejects.records.empty());
      EXPECT_GT(d.stale_levels, 0u);
      EXPECT_LT(d.crossed_ns + d.locked_ns, 1'000'000'000u);
    }
  }
}
