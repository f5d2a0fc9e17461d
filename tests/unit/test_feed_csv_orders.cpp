#include <gtest/gtest.h>

#include <string>

#include "book/order_book.hpp"
#include "feed/feed.hpp"
#include "feed_test_support.hpp"

using namespace tw;
using namespace tw::test;

// An execution row may name both parties of the fill and its match number.
TEST(FeedCsvOrders, AnExecutionMayNameBuyerSellerAndTradeId) {
  TempDir dir;
  std::string path = dir.write(
      "orders.csv",
      "timestamp,symbol,event,order_id,side,price,quantity,account,buyer,seller,trade_id\n"
      "2025-01-06T14:30:00Z,ACME,ADD,7,BUY,10.00,500,bob,,,\n"
      "2025-01-06T14:30:01Z,ACME,EXECUTE,7,BUY,10.00,200,bob,bob,carol,m41\n"
      "2025-01-06T14:30:02Z,ACME,EXECUTE,7,BUY,10.00,100,bob,,,\n");
  FeedRun run;
  read_file(run, path);
  ASSERT_TRUE(run.sink.records.empty()) << run.sink.records[0].detail;
  ASSERT_EQ(run.events.size(), 3u);
  const Event& named = run.events[1];
  EXPECT_EQ(run.universe.account_name(named.buyer), "bob");
  EXPECT_EQ(run.universe.account_name(named.seller), "carol");
  EXPECT_EQ(named.ref.to_string(), "m41");
  EXPECT_FALSE(run.events[2].buyer);
  EXPECT_FALSE(run.events[2].seller);
  EXPECT_TRUE(run.events[2].ref.empty());
}

// An order audit trail: the generic CSV reader with an `event` column, read into the book.
TEST(FeedCsvOrders, AnAuditTrailBecomesOrderEvents) {
  TempDir dir;
  std::string path = dir.write("orders.csv",
                               "timestamp,symbol,event,order_id,side,price,quantity,account\n"
                               "2025-01-06T14:30:00Z,ACME,ADD,o1,BUY,10.00,500,alice\n"
                               "2025-01-06T14:30:01Z,ACME,new,o2,SELL,10.05,300,bob\n"
                               "2025-01-06T14:30:02Z,ACME,CANCEL,o1,BUY,,200,alice\n"
                               "2025-01-06T14:30:03Z,ACME,REPLACE,o2,SELL,10.04,250,bob\n"
                               "2025-01-06T14:30:04Z,ACME,EXECUTE,o2,SELL,10.04,50,bob\n"
                               "2025-01-06T14:30:04Z,ACME,TRADE,o9,BUY,10.04,50,carol\n"
                               "2025-01-06T14:30:05Z,ACME,Delete,o1,BUY,,,alice\n");
  FeedRun run;
  read_file(run, path);
  ASSERT_TRUE(run.sink.records.empty()) << run.sink.records[0].detail;
  ASSERT_EQ(run.events.size(), 7u);
  const EventKind kinds[] = {EventKind::kOrderAdd,     EventKind::kOrderAdd,
                             EventKind::kOrderCancel,  EventKind::kOrderReplace,
                             EventKind::kOrderExecute, EventKind::kTrade,
                             EventKind::kOrderDelete};
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(run.events[i].kind, kinds[i]) << "row " << i + 2;
  EXPECT_EQ(run.events[0].id.to_string(), "o1");
  EXPECT_EQ(run.universe.account_name(run.events[0].account), "alice");
  EXPECT_EQ(run.events[3].ref, run.events[3].id);  // a replace keeps its order id
  EXPECT_EQ(run.events[5].ref.to_string(), "o9");  // a trade's order id is its reference
  EXPECT_EQ(run.universe.account_name(run.events[5].buyer), "carol");

  OrderBook book;
  for (const Event& e : run.events) book.apply(e);
  ASSERT_EQ(book.depth(Side::kSell), 1u);
  EXPECT_EQ(book.level(Side::kSell, 0).price.to_string(), "10.04");
  EXPECT_EQ(book.level(Side::kSell, 0).qty.to_string(), "200");
  EXPECT_EQ(book.depth(Side::kBuy), 0u);
  EXPECT_EQ(book.diagnostics().unknown_order, 0u);
}

TEST(FeedCsvOrders, BadRowsNameTheirFieldAndTheRunGoesOn) {
  TempDir dir;
  std::string path = dir.write("orders.csv",
                               "timestamp,symbol,event,order_id,side,price,quantity\n"
                               "2025-01-06T14:30:00Z,ACME,SPOOF,o1,BUY,10,5\n"
                               "2025-01-06T14:30:00Z,ACME,,o1,BUY,10,5\n"
                               "2025-01-06T14:30:00Z,ACME,ADD,,BUY,10,5\n"
                               "2025-01-06T14:30:00Z,ACME,ADD,o1,,10,5\n"
                               "2025-01-06T14:30:00Z,ACME,ADD,o1,BUY,,5\n"
                               "2025-01-06T14:30:00Z,ACME,CANCEL,o1,BUY,10,\n"
                               "2025-01-06T14:30:00Z,ACME,ADD,o1,BUY,10,5\n");
  FeedRun run;
  read_file(run, path);
  ASSERT_EQ(run.events.size(), 1u);
  std::vector<std::pair<RejectReason, std::string>> expected{
      {RejectReason::kBadField,
       "event 'SPOOF' is not ADD, CANCEL, DELETE, REPLACE, EXECUTE or TRADE"},
      {RejectReason::kMissingField, "event is empty"},
      {RejectReason::kMissingField, "order_id is empty"},
      {RejectReason::kMissingField, "side is empty: an order has a side"},
      {RejectReason::kMissingField, "price is empty"},
      {RejectReason::kMissingField, "quantity is empty"}};
  ASSERT_EQ(run.sink.records.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(run.sink.records[i].line, i + 2);
    EXPECT_EQ(run.sink.records[i].reason, expected[i].first);
    EXPECT_EQ(run.sink.records[i].detail, expected[i].second);
  }
}
