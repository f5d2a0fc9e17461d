#include <gtest/gtest.h>

#include <map>
#include <string>

#include "feed/feed.hpp"
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
