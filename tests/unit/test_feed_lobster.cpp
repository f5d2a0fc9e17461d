#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "book/order_book.hpp"
#include "feed/feed.hpp"
#include "feed/lobster_book_file.hpp"
#include "feed/lobster_reader.hpp"
#include "feed_test_support.hpp"
#include "model/new_york_time.hpp"

using namespace tw;
using namespace tw::test;

namespace {

const char* kLevel1 = "lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv";
const char* kLevel5 = "lobster/AMZN_2012-06-21_34200000_57600000_message_5.csv";
const char* kName = "AMZN_2012-06-21_34200000_57600000_message_1.csv";

std::map<EventKind, size_t> kinds_of(const std::vector<Event>& events) {
  std::map<EventKind, size_t> kinds;
  for (const Event& e : events) ++kinds[e.kind];
  return kinds;
}

}  // namespace

TEST(LobsterFileName, PartsComeFromTheProvidersName) {
  auto name = parse_lobster_file_name("/data/AMZN_2012-06-21_34200000_57600000_orderbook_5.csv");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->ticker, "AMZN");
  EXPECT_EQ(name->year, 2012);
  EXPECT_EQ(name->month, 6u);
  EXPECT_EQ(name->day, 21u);
  EXPECT_EQ(name->start_ms, 34200000);
  EXPECT_EQ(name->end_ms, 57600000);
  EXPECT_EQ(name->kind, "orderbook");
  EXPECT_EQ(name->level, 5u);
  auto underscored =
      parse_lobster_file_name("BRK_B_2019-01-02_34200000_57600000_message_10.csv.gz");
  ASSERT_TRUE(underscored);
  EXPECT_EQ(underscored->ticker, "BRK_B");
  EXPECT_EQ(underscored->level, 10u);
  for (const char* bad :
       {"AMZN_2012-06-21_34200000_57600000_message_1.txt",
        "AMZN_2012-13-21_34200000_57600000_message_1.csv",
        "AMZN_2012-06-21_34200000_57600000_trades_1.csv", "AMZN_2012-06-21_34200000_message_1.csv",
        "AMZN_2012-06-21_34200000_57600000_message_0.csv", "trades.csv"}) {
    EXPECT_FALSE(parse_lobster_file_name(bad)) << bad;
  }
}

TEST(NewYorkTime, DaylightSavingFollowsTheUsRules) {
  // Since 2007: from the second Sunday in March to the first Sunday in November.
  EXPECT_FALSE(new_york_daylight_saving(2012, 3, 10));
  EXPECT_TRUE(new_york_daylight_saving(2012, 3, 11));
  EXPECT_TRUE(new_york_daylight_saving(2012, 11, 3));
  EXPECT_FALSE(new_york_daylight_saving(2012, 11, 4));
  EXPECT_TRUE(new_york_daylight_saving(2012, 6, 21));
  EXPECT_FALSE(new_york_daylight_saving(2012, 1, 15));
  // 1987-2006: from the first Sunday in April to the last Sunday in October.
  EXPECT_FALSE(new_york_daylight_saving(2006, 4, 1));
  EXPECT_TRUE(new_york_daylight_saving(2006, 4, 2));
  EXPECT_TRUE(new_york_daylight_saving(2006, 10, 28));
  EXPECT_FALSE(new_york_daylight_saving(2006, 10, 29));
  EXPECT_EQ(from_new_york_time(2012, 6, 21, 34'200'000'000'000).to_iso8601(),
            "2012-06-21T13:30:00Z");
  EXPECT_EQ(from_new_york_time(2012, 12, 21, 57'600'000'000'000).to_iso8601(),
            "2012-12-21T21:00:00Z");
}

TEST(FeedLobster, ReadsTheRealAmazonMessageFiles) {
  if (!shared_data_present(kLevel1)) GTEST_SKIP() << "shared data absent: " << shared_data(kLevel1);
  FeedRun level1;
  read_file(level1, shared_data(kLevel1));
  ASSERT_TRUE(level1.sink.records.empty()) << level1.sink.records[0].detail;
  ASSERT_EQ(level1.events.size(), 57515u);
  auto kinds = kinds_of(level1.events);
  EXPECT_EQ(kinds[EventKind::kOrderAdd], 27845u);
  EXPECT_EQ(kinds[EventKind::kOrderCancel], 16u);
  EXPECT_EQ(kinds[EventKind::kOrderDelete], 18235u);
  EXPECT_EQ(kinds[EventKind::kOrderExecute], 8974u);
  EXPECT_EQ(kinds[EventKind::kTrade], 2445u);  // hidden executions

  // 34200.017459617,5,0,1,2238200,-1: a hidden sell order executed, so a buyer aggressed.
  const Event& first = level1.events[0];
  EXPECT_EQ(level1.universe.symbol_name(first.symbol), "AMZN");
  EXPECT_EQ(first.ts.to_iso8601(), "2012-06-21T13:30:00.017459617Z");
  EXPECT_EQ(first.kind, EventKind::kTrade);
  EXPECT_EQ(first.flags, event_flags::kHidden);
  EXPECT_EQ(first.side, Side::kBuy);
  EXPECT_EQ(first.price.to_string(), "223.82");
  EXPECT_EQ(first.qty.to_string(), "1");
  EXPECT_TRUE(first.id.empty());
  EXPECT_EQ(first.seq, 1u);
  // 34200.18960767,1,11885113,21,2238100,1: a new buy limit order.
  const Event& add = level1.events[1];
  EXPECT_EQ(add.kind, EventKind::kOrderAdd);
  EXPECT_EQ(add.ts.to_iso8601(), "2012-06-21T13:30:00.18960767Z");
  EXPECT_EQ(add.id.as_number(), 11885113u);
  EXPECT_EQ(add.side, Side::kBuy);
  EXPECT_EQ(add.qty.to_string(), "21");
  EXPECT_EQ(add.price.to_string(), "223.81");
  // 34200.190226476,4,11885113,21,2238100,1: that order executed in full.
  EXPECT_EQ(level1.events[2].kind, EventKind::kOrderExecute);
  EXPECT_EQ(level1.events[2].id, add.id);
  EXPECT_EQ(level1.events[2].side, Side::kBuy);

  FeedRun level5;
  read_file(level5, shared_data(kLevel5));
  ASSERT_TRUE(level5.sink.records.empty()) << level5.sink.records[0].detail;
  ASSERT_EQ(level5.events.size(), 155935u);
  // Line 67,823 carries a double's digits, 43002.632812672004: rounded to the nanosecond.
  EXPECT_EQ(level5.events[67822].ts.to_iso8601(), "2012-06-21T15:56:42.632812672Z");
}

TEST(FeedLobster, BadRowsGoToTheDeadLetterAndTheRunGoesOn) {
  TempDir dir;
  std::string path = dir.write(kName,
                               "34200.5,1,7,100,1000000,1\n"
                               "34200.6,1,8,100,1000000\n"
                               "34200.7,9,8,100,1000000,1\n"
                               "34200.8,1,8,100,1000000,0\n"
                               "34200.9,1,8,0,1000000,1\n"
                               "34201.0,1,8,100,-5,1\n"
                               "34201.1,1,0,100,1000000,1\n"
                               "34201:2,1,8,100,1000000,1\n"
                               "34201.3,7,0,0,5,-1\n"
                               "34201.4,2,7,40,1000000,1\n"
                               "34201.5,7,0,0,-1,-1\n"
                               "34201.6,6,0,300,1000100,-1\n");
  FeedRun run;
  read_file(run, path);
  ASSERT_EQ(run.events.size(), 4u);
  EXPECT_EQ(run.events[0].kind, EventKind::kOrderAdd);
  EXPECT_EQ(run.events[1].kind, EventKind::kOrderCancel);
  EXPECT_EQ(run.events[1].qty.to_string(), "40");
  EXPECT_EQ(run.events[2].kind, EventKind::kStatus);
  EXPECT_EQ(run.events[2].status, TradingStatus::kHalted);
  EXPECT_EQ(run.events[3].kind, EventKind::kTrade);
  EXPECT_EQ(run.events[3].flags, event_flags::kAuction);
  EXPECT_EQ(run.events[3].side, Side::kUnknown);
  EXPECT_EQ(run.events[3].price.to_string(), "100.01");
  std::vector<std::pair<uint64_t, RejectReason>> expected{
      {2, RejectReason::kMalformedRow}, {3, RejectReason::kBadField},
      {4, RejectReason::kUnknownSide},  {5, RejectReason::kBadQuantity},
      {6, RejectReason::kBadPrice},     {7, RejectReason::kBadField},
      {8, RejectReason::kBadTimestamp}, {9, RejectReason::kBadField}};
  ASSERT_EQ(run.sink.records.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(run.sink.records[i].line, expected[i].first) << run.sink.records[i].detail;
    EXPECT_EQ(run.sink.records[i].reason, expected[i].second) << run.sink.records[i].detail;
    EXPECT_EQ(run.sink.records[i].source, path);
  }
}

TEST(FeedLobster, ChosenByItsNameAndOtherwiseAClearError) {
  TempDir dir;
  const std::string row = "34200.5,1,7,100,1000000,1\n";
  FeedRun detected;
  read_file(detected, dir.write(kName, row));
  ASSERT_EQ(detected.events.size(), 1u);
  EXPECT_EQ(detected.events[0].kind, EventKind::kOrderAdd);

  FeedOptions lobster;
  lobster.format = "lobster";
  std::string message = feed_error(dir.write("amzn.csv", row), lobster);
  EXPECT_NE(message.find("amzn.csv: a LOBSTER message file needs its provider's name"),
            std::string::npos)
      << message;

  lobster.symbol = "AMZN.O";  // --symbol overrides the ticker of the name
  FeedRun renamed;
  read_file(renamed, dir.write(kName, row), lobster);
  EXPECT_EQ(renamed.universe.symbol_name(renamed.events[0].symbol), "AMZN.O");
}

// The orderbook file's first row is the book after the first message: the seed is that row
// less the first message, so the seed and the first message rebuild the row exactly.
TEST(FeedLobster, TheBookSeedPlusTheFirstMessageIsTheFirstRow) {
  const std::string stem = "lobster/AMZN_2012-06-21_34200000_57600000_";
  if (!shared_data_present(stem + "orderbook_5.csv")) {
    GTEST_SKIP() << "shared data absent: " << shared_data(stem + "orderbook_5.csv");
  }
  FeedOptions options;
  options.book_seed = shared_data(stem + "orderbook_5.csv");
  Universe universe;
  RecordingSink sink;
  auto feed = open_feed(shared_data(stem + "message_5.csv"), options, universe, sink);
  OrderBook book;
  Event e;
  size_t seeds = 0;
  while (feed->next(e)) {
    book.apply(e);
    if (e.id.to_string().starts_with("seed-")) {
      ++seeds;
      continue;
    }
    break;  // the first message
  }
  EXPECT_EQ(seeds, 10u);
  EXPECT_EQ(e.seq, 1u);
  LobsterBookFile rows(shared_data(stem + "orderbook_5.csv"));
  LobsterBookRow row;
  ASSERT_TRUE(rows.next(row));
  ASSERT_EQ(book.depth(Side::kSell), row.asks.size());
  ASSERT_EQ(book.depth(Side::kBuy), row.bids.size());
  for (size_t i = 0; i < row.asks.size(); ++i) {
    EXPECT_EQ(book.level(Side::kSell, i).price, row.asks[i].price);
    EXPECT_EQ(book.level(Side::kSell, i).qty, row.asks[i].qty);
  }
  for (size_t i = 0; i < row.bids.size(); ++i) {
    EXPECT_EQ(book.level(Side::kBuy, i).price, row.bids[i].price);
    EXPECT_EQ(book.level(Side::kBuy, i).qty, row.bids[i].qty);
  }
}

TEST(FeedLobster, ABookSeedMustBeTheFilesOwnOrderbook) {
  TempDir dir;
  std::string messages = dir.write(kName, "34200.5,1,7,100,1000000,1\n");
  FeedOptions options;
  options.book_seed = dir.write("AMZN_2012-06-22_34200000_57600000_orderbook_1.csv", "1,1,1,1\n");
  EXPECT_NE(feed_error(messages, options).find("is not this file's orderbook file"),
            std::string::npos);
  options.book_seed = dir.write("AMZN_2012-06-21_34200000_57600000_orderbook_1.csv", "");
  EXPECT_NE(feed_error(messages, options).find("no rows"), std::string::npos);
  std::string trades =
      dir.write("trades.csv", "timestamp,symbol,price,quantity\n1700000000,A,1,1\n");
  EXPECT_NE(feed_error(trades, options).find("applies to LOBSTER message files only"),
            std::string::npos);
}

// The first message is undone on the first row: an add comes off its level, a delete puts
// back a level the row no longer shows.
TEST(FeedLobster, TheSeedUndoesTheFirstMessage) {
  TempDir dir;
  struct Case {
    const char* first_message;
    std::vector<std::pair<int64_t, int64_t>> expected_bids;  // price x 10000, size
  };
  for (const Case& c :
       {Case{"34200.1,1,5,100,1000000,1\n", {{1000000, 200}, {990000, 10}}},
        Case{"34200.1,3,5,40,1001000,1\n", {{1001000, 40}, {1000000, 300}, {990000, 10}}}}) {
    FeedOptions options;
    options.book_seed = dir.write("AMZN_2012-06-21_34200000_57600000_orderbook_2.csv",
                                  "1010000,50,1000000,300,1020000,5,990000,10\n");
    FeedRun run;
    read_file(run, dir.write("AMZN_2012-06-21_34200000_57600000_message_2.csv", c.first_message),
              options);
    std::vector<std::pair<int64_t, int64_t>> bids;
    for (const Event& e : run.events) {
      if (e.kind == EventKind::kOrderAdd && e.side == Side::kBuy &&
          e.id.to_string().starts_with("seed-")) {
        bids.emplace_back(e.price.raw() / (kFixedScale / 10'000), e.qty.raw() / kFixedScale);
      }
    }
    std::sort(bids.rbegin(), bids.rend());
    EXPECT_EQ(bids, c.expected_bids) << c.first_message;
    EXPECT_EQ(run.events.size(), 2 + c.expected_bids.size() + 1) << c.first_message;
  }
}
