#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "feed/feed.hpp"
#include "feed_test_support.hpp"

using namespace tw;
using namespace tw::test;

namespace {

const std::string kHeader =
    "trade_id,timestamp,symbol,price,quantity,side,trader_id,order_id,event_type\n";
const std::string kGoodRow =
    "866e92eb-79d1-41e9-9bf5-bf8ddbee0158,2025-01-06T12:00:00.091000,BTCUSDT,42015.5,78,BUY,T0072,"
    "b7016bec-99de-40a2-a34c-7181ed8c8b7a,PUMP\n";
const std::string kGoodSell = "7,2025-01-06T12:00:01,ETHUSDT,2500,1.5,sell,T0001,42,TRADE\n";

}  // namespace

TEST(FeedCsv, ReadsTheReplacedSystemsLayout) {
  TempDir dir;
  FeedRun run;
  FeedOptions options;
  options.source_index = 3;
  read_file(run, dir.write("t.csv", kHeader + kGoodRow + kGoodSell), options);
  ASSERT_EQ(run.events.size(), 2u);
  ASSERT_TRUE(run.sink.records.empty());
  const Event& buy = run.events[0];
  EXPECT_EQ(buy.kind, EventKind::kTrade);
  EXPECT_EQ(buy.ts.to_iso8601(), "2025-01-06T12:00:00.091Z");
  EXPECT_EQ(run.universe.symbol_name(buy.symbol), "BTCUSDT");
  EXPECT_EQ(buy.price.to_string(), "42015.5");
  EXPECT_EQ(buy.qty.to_string(), "78");
  EXPECT_EQ(buy.side, Side::kBuy);
  EXPECT_EQ(run.universe.account_name(buy.buyer), "T0072");
  EXPECT_FALSE(buy.seller);
  EXPECT_EQ(buy.account, buy.buyer);
  EXPECT_EQ(buy.id.kind(), ExternalId::Kind::kUuid);
  EXPECT_EQ(buy.id.to_string(), "866e92eb-79d1-41e9-9bf5-bf8ddbee0158");
  EXPECT_EQ(buy.ref.to_string(), "b7016bec-99de-40a2-a34c-7181ed8c8b7a");
  EXPECT_EQ(buy.seq, 2u);
  EXPECT_EQ(buy.source, 3);
  const Event& sell = run.events[1];
  EXPECT_EQ(sell.side, Side::kSell);
  EXPECT_EQ(run.universe.account_name(sell.seller), "T0001");
  EXPECT_FALSE(sell.buyer);
  EXPECT_EQ(sell.id.as_number(), 7u);
  EXPECT_EQ(sell.ref.as_number(), 42u);
  EXPECT_EQ(run.universe.symbol_name(sell.symbol), "ETHUSDT");
  EXPECT_EQ(sell.seq, 3u);
}

TEST(FeedCsv, ReadsTheRealSeedFile) {
  if (!shared_data_present("seed1/trades_sample.csv")) {
    GTEST_SKIP() << "shared data folder absent: " << shared_data("seed1");
  }
  FeedRun run;
  read_file(run, shared_data("seed1/trades_sample.csv"));
  EXPECT_TRUE(run.sink.records.empty());
  ASSERT_EQ(run.events.size(), 5000u);
  const Event& first = run.events.front();
  EXPECT_EQ(first.id.kind(), ExternalId::Kind::kUuid);
  EXPECT_EQ(first.id.to_string(), "866e92eb-79d1-41e9-9bf5-bf8ddbee0158");
  EXPECT_EQ(first.ref.kind(), ExternalId::Kind::kUuid);
  EXPECT_EQ(first.ts, *Timestamp::parse_iso8601("2025-01-06T12:00:00.091Z"));
  EXPECT_EQ(run.universe.symbol_name(first.symbol), "BTCUSDT");
  EXPECT_EQ(first.price.raw(), 4201550000000);
  EXPECT_EQ(first.qty, Quantity::from_units(78));
  EXPECT_EQ(first.side, Side::kBuy);
  EXPECT_EQ(run.universe.account_name(first.buyer), "T0072");
  EXPECT_EQ(run.universe.symbol_count(), 4u);  // 3 symbols + the reserved 0
  EXPECT_LE(run.universe.account_count(), 501u);
  EXPECT_EQ(run.events.back().seq, 5001u);
  for (const Event& e : run.events) ASSERT_NE(e.side, Side::kUnknown);
}

TEST(FeedCsv, EachBadRowIsRejectedWithReasonAndLineAndTheRunGoesOn) {
  struct Case {
    std::string row;
    RejectReason reason;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {"1,2025-01-06T12:00:00,BTCUSDT,abc,1,BUY,T1,o,TRADE", RejectReason::kBadPrice,
       "price 'abc' is not a decimal number"},
      {"1,2025-01-06T12:00:00,BTCUSDT,-3,1,BUY,T1,o,TRADE", RejectReason::kBadPrice,
       "price '-3' is not > 0"},
      {"1,2025-01-06T12:00:00,BTCUSDT,10,0,BUY,T1,o,TRADE", RejectReason::kBadQuantity,
       "quantity '0' is not > 0"},
      {"1,2025-01-06T12:00:00,BTCUSDT,10,-2,BUY,T1,o,TRADE", RejectReason::kBadQuantity,
       "quantity '-2' is not > 0"},
      {"1,2025-13-06T12:00:00,BTCUSDT,10,1,BUY,T1,o,TRADE", RejectReason::kBadTimestamp,
       "timestamp '2025-13-06T12:00:00'"},
      {"1,yesterday,BTCUSDT,10,1,BUY,T1,o,TRADE", RejectReason::kBadTimestamp, "'yesterday'"},
      {"1,1985-01-06T12:00:00,BTCUSDT,10,1,BUY,T1,o,TRADE", RejectReason::kTimeOutOfRange,
       "outside 1990-01-01..2100-01-01"},
      {"1,2025-01-06T12:00:00,BTCUSDT,10,1,HOLD,T1,o,TRADE", RejectReason::kUnknownSide,
       "side 'HOLD' is not BUY or SELL"},
      {"1,2025-01-06T12:00:00,,10,1,BUY,T1,o,TRADE", RejectReason::kMissingField,
       "symbol is empty"},
      {"1,,BTCUSDT,10,1,BUY,T1,o,TRADE", RejectReason::kMissingField, "timestamp is empty"},
      {"1,2025-01-06T12:00:00,BTCUSDT,,1,BUY,T1,o,TRADE", RejectReason::kMissingField,
       "price is empty"},
      {"1,2025-01-06T12:00:00,BTCUSDT,10,1,,T1,o,TRADE", RejectReason::kMissingField,
       "side is empty"},
      {"1,2025-01-06T12:00:00,BTCUSDT,10,1,BUY,T1,o", RejectReason::kMalformedRow,
       "expected 9 fields, found 8"},
      {"1,2025-01-06T12:00:00,BTCUSDT,10,1,BUY,T1,o,TRADE,extra", RejectReason::kMalformedRow,
       "expected 9 fields, found 10"},
      {"1,2025-01-06T12:00:00,\"BTCUSDT,10,1,BUY,T1,o,TRADE", RejectReason::kMalformedRow, "quot"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    FeedRun run;
    read_file(run, dir.write("bad.csv", kHeader + kGoodRow + c.row + "\n" + kGoodSell));
    ASSERT_EQ(run.sink.records.size(), 1u) << c.row;
    const auto& r = run.sink.records[0];
    EXPECT_EQ(r.reason, c.reason) << c.row << " -> " << r.detail;
    EXPECT_EQ(r.line, 3u) << c.row;
    EXPECT_EQ(r.raw, c.row);
    EXPECT_EQ(r.source, dir.file("bad.csv"));
    EXPECT_NE(r.detail.find(c.detail), std::string::npos) << r.detail;
    ASSERT_EQ(run.events.size(), 2u) << c.row;  // the rows around it still arrive
    EXPECT_EQ(run.events[1].seq, 4u);
  }
}

TEST(FeedCsv, QuotedFieldsMayHoldCommasAndQuotes) {
  TempDir dir;
  FeedRun run;
  read_file(run,
            dir.write("q.csv",
                      "timestamp,symbol,price,quantity,trade_id,note\n"
                      "2025-01-06T12:00:00Z,\"BRK,A\",\"600000.5\",1,\"id \"\"x\"\"\",\"a,b\"\n"));
  ASSERT_EQ(run.events.size(), 1u) << (run.sink.records.empty() ? "" : run.sink.records[0].detail);
  EXPECT_EQ(run.universe.symbol_name(run.events[0].symbol), "BRK,A");
  EXPECT_EQ(run.events[0].price.to_string(), "600000.5");
  EXPECT_EQ(run.events[0].id.to_string(), "id \"x\"");
}

TEST(FeedCsv, CrlfNoTrailingNewlineZonesAndBlankLines) {
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("crlf.csv",
                           "Timestamp,Symbol,Price,Qty,Side\r\n"
                           "2025-01-06T13:00:00+01:00,AMZN,100.25,10,B\r\n"
                           "\r\n"
                           "2025-01-06 12:00:01.5,AMZN,100.5,5,s"));
  ASSERT_TRUE(run.sink.records.empty()) << run.sink.records[0].detail;
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].ts.to_iso8601(), "2025-01-06T12:00:00Z");
  EXPECT_EQ(run.events[0].side, Side::kBuy);
  EXPECT_EQ(run.events[1].ts.to_iso8601(), "2025-01-06T12:00:01.5Z");
  EXPECT_EQ(run.events[1].side, Side::kSell);
  EXPECT_EQ(run.events[1].seq, 4u);
  EXPECT_EQ(run.events[1].price.to_string(), "100.5");
}

TEST(FeedCsv, EmptyFileAndHeaderOnlyGiveNoEvents) {
  TempDir dir;
  for (const std::string& content : {std::string(), kHeader, std::string("\n\n")}) {
    FeedRun run;
    FeedOptions options;
    options.format = "csv";
    read_file(run, dir.write("e.csv", content), options);
    EXPECT_TRUE(run.events.empty());
    EXPECT_TRUE(run.sink.records.empty());
    FeedRun detected;
    read_file(detected, dir.file("e.csv"));
    EXPECT_TRUE(detected.events.empty());
  }
}

TEST(FeedCsv, MissingRequiredColumnNamesFileColumnAndHeader) {
  TempDir dir;
  std::string path = dir.write(
      "nocol.csv", "trade_id,timestamp,symbol,quantity,side\n1,2025-01-06T12:00:00,X,1,BUY\n");
  std::string message = feed_error(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("missing required column 'price'"), std::string::npos) << message;
  EXPECT_NE(message.find("trade_id,timestamp,symbol,quantity,side"), std::string::npos) << message;

  FeedOptions options;
  options.format = "csv";
  std::string no_time = dir.write("notime.csv", "a,b,c\n1,2,3\n");
  EXPECT_NE(feed_error(no_time, options).find("'timestamp'"), std::string::npos);
}

TEST(FeedCsv, ColumnMapAndFixedSymbolAndExplicitBuyerSeller) {
  TempDir dir;
  FeedRun run;
  FeedOptions options;
  options.column_map = {{"timestamp", "When"}, {"price", "px"}, {"quantity", "amount"}};
  options.symbol = "AAPL";
  read_file(run,
            dir.write("m.csv",
                      "When,px,amount,buyer,seller,owner,account,side,extra\n"
                      "2025-01-06T12:00:00,10,2,alice,bob,fund1,alice,BUY,zzz\n"),
            options);
  ASSERT_EQ(run.events.size(), 1u) << (run.sink.records.empty() ? "" : run.sink.records[0].detail);
  const Event& e = run.events[0];
  EXPECT_EQ(run.universe.symbol_name(e.symbol), "AAPL");
  EXPECT_EQ(run.universe.account_name(e.buyer), "alice");
  EXPECT_EQ(run.universe.account_name(e.seller), "bob");
  EXPECT_EQ(run.universe.owner_name(run.universe.owner_of(e.buyer)), "fund1");

  FeedOptions unknown;
  unknown.column_map = {{"prise", "px"}};
  EXPECT_NE(feed_error(dir.file("m.csv"), unknown).find("unknown column 'prise'"),
            std::string::npos);
}

TEST(FeedCsv, AccountThenOwnerBuyerAndSellerInRowOrder) {
  TempDir dir;
  FeedRun run;
  read_file(run, dir.write("x.csv",
                           "timestamp,symbol,price,quantity,side,account,owner,buyer,seller\n"
                           "2025-01-06T12:00:00,A,10,1,SELL,acct,fund1,bb,ss\n"  // all of them
                           "2025-01-06T12:00:01,A,10,1,BUY,,fund2,,s2\n"         // no account
                           "2025-01-06T12:00:02,A,10,1,,acct,,b3,\n"             // no side
                           "2025-01-06T12:00:03,A,10,1,,,,b4,s4\n"        // buyer, seller only
                           "2025-01-06T12:00:04,A,10,1,BUY,acct,,,\n"));  // account only
  ASSERT_EQ(run.events.size(), 4u);
  ASSERT_EQ(run.sink.records.size(), 1u);
  EXPECT_EQ(run.sink.records[0].line, 4u);
  EXPECT_EQ(run.sink.records[0].reason, RejectReason::kMissingField);
  EXPECT_EQ(run.sink.records[0].detail,
            "side is empty, so account 'acct' is neither buyer nor seller");
  const Universe& u = run.universe;
  // Ids follow the order of first sight within each row: account, then buyer, then seller.
  EXPECT_EQ(u.account_name(AccountId{1}), "acct");
  EXPECT_EQ(u.account_name(AccountId{2}), "bb");
  EXPECT_EQ(u.account_name(AccountId{3}), "ss");
  EXPECT_EQ(u.account_name(AccountId{4}), "s2");
  const Event& all = run.events[0];
  EXPECT_EQ(u.account_name(all.account), "acct");
  EXPECT_EQ(u.account_name(all.buyer), "bb");  // the buyer column wins over account + side
  EXPECT_EQ(u.account_name(all.seller), "ss");
  EXPECT_EQ(u.owner_name(u.owner_of(all.account)), "fund1");
  const Event& no_account = run.events[1];
  EXPECT_FALSE(no_account.account);
  EXPECT_FALSE(no_account.buyer);
  EXPECT_EQ(u.account_name(no_account.seller), "s2");
  const Event& only_explicit = run.events[2];
  EXPECT_EQ(u.account_name(only_explicit.buyer), "b4");
  EXPECT_EQ(u.account_name(only_explicit.seller), "s4");
  EXPECT_EQ(only_explicit.side, Side::kUnknown);
  const Event& only_account = run.events[3];
  EXPECT_EQ(only_account.buyer, only_account.account);
  EXPECT_FALSE(only_account.seller);
  // The owner of a row without an account was given to no one.
  for (uint32_t id = 1; id < u.account_count(); ++id) {
    EXPECT_NE(u.owner_name(u.owner_of(AccountId{id})), "fund2") << u.account_name(AccountId{id});
  }
}

TEST(FeedCsv, KrakenFileByColumnPositions) {
  if (!shared_data_present("kraken/BCHEUR.csv")) {
    GTEST_SKIP() << "shared data folder absent: " << shared_data("kraken");
  }
  FeedRun run;
  FeedOptions options;
  options.column_map = {{"timestamp", "#1"}, {"price", "#2"}, {"quantity", "#3"}};
  options.symbol = "BCHEUR";
  read_file(run, shared_data("kraken/BCHEUR.csv"), options);
  EXPECT_TRUE(run.sink.records.empty());
  ASSERT_EQ(run.events.size(), 148u);
  EXPECT_EQ(run.events[0].ts, Timestamp::from_nanos(1672531436LL * 1'000'000'000));
  EXPECT_EQ(run.events[0].price.to_string(), "90.54");
  EXPECT_EQ(run.events[0].qty.to_string(), "1.1044842");
  EXPECT_EQ(run.events[0].side, Side::kUnknown);
  EXPECT_EQ(run.events[0].seq, 1u);
}

TEST(FeedCsv, GzipAndZipInputsReadTheSame) {
  TempDir dir;
  std::string content = kHeader + kGoodRow + kGoodSell;
  for (const std::string& path :
       {dir.write_gz("t.csv.gz", content), dir.write_zip("t.zip", "t.csv", content)}) {
    FeedRun run;
    read_file(run, path);
    ASSERT_EQ(run.events.size(), 2u) << path;
    EXPECT_EQ(run.events[1].price.to_string(), "2500");
  }
}

TEST(FeedCsv, DeadLetterFileHoldsOneJsonLinePerReject) {
  TempDir dir;
  std::string input = dir.write(
      "dl.csv", kHeader + kGoodRow + "1,2025-01-06T12:00:00,BTCUSDT,-3,1,BUY,T1,o,TRADE\n" +
                    "2,2025-01-06T12:00:00,\"BTCUSDT,1,1,BUY,T1,o,TRADE\n");
  std::string letters = dir.file("rejects.jsonl");
  {
    Universe universe;
    DeadLetter dead(letters);
    auto feed = open_feed(input, {}, universe, dead);
    EXPECT_EQ(read_all(*feed).size(), 1u);
    EXPECT_EQ(dead.count(RejectReason::kBadPrice), 1u);
    EXPECT_EQ(dead.total(), 2u);
  }
  std::string expected =
      "{\"source\":\"" + input +
      "\",\"line\":3,\"reason\":\"bad_price\",\"detail\":\"price '-3' is not > 0\","
      "\"raw\":\"1,2025-01-06T12:00:00,BTCUSDT,-3,1,BUY,T1,o,TRADE\"}\n"
      "{\"source\":\"" +
      input +
      "\",\"line\":4,\"reason\":\"malformed_row\",\"detail\":\"broken quoting: an unterminated "
      "quote or text after a closing quote\",\"raw\":\"2,2025-01-06T12:00:00,\\\"BTCUSDT,1,1,BUY,"
      "T1,o,TRADE\"}\n";
  EXPECT_EQ(read_text(letters), expected);
}

// Raw input that is not UTF-8 (a Latin-1 symbol, a byte cut from a character) must still give
// valid JSON lines; well-formed UTF-8 passes as it is.
TEST(FeedCsv, DeadLetterLinesStayValidJsonWhateverTheBytes) {
  TempDir dir;
  std::string input = dir.write(
      "bytes.csv", kHeader + "1,2025-01-06T12:00:00,BTC\xe9,-3,1,BUY,T1,o,TRADE\n" +
                       "2,2025-01-06T12:00:00,\xe2\x82\xac" + "EUR,-3,1,BUY,T1,o,TRADE\n" +
                       "3,2025-01-06T12:00:00,X\xe2\x82,-3,1,BUY,T1,o,TRADE\n" +
                       "4,2025-01-06T12:00:00,\xed\xa0\x80,-3,1,BUY,T1,o,TRADE\n");
  std::string letters = dir.file("rejects.jsonl");
  {
    Universe universe;
    DeadLetter dead(letters);
    auto feed = open_feed(input, {}, universe, dead);
    read_all(*feed);
    EXPECT_EQ(dead.total(), 4u);
  }
  std::string text = read_text(letters);
  EXPECT_NE(text.find("BTC\\u00e9"), std::string::npos) << text;
  EXPECT_NE(text.find("\xe2\x82\xac"
                      "EUR"),
            std::string::npos)
      << text;                                                               // kept as UTF-8
  EXPECT_NE(text.find("X\\u00e2\\u0082,"), std::string::npos) << text;       // cut character
  EXPECT_NE(text.find("\\u00ed\\u00a0\\u0080"), std::string::npos) << text;  // surrogate
  simdjson::dom::parser parser;
  size_t lines = 0;
  for (auto doc : parser.parse_many(text)) {
    ASSERT_EQ(doc.error(), simdjson::SUCCESS);
    ++lines;
  }
  EXPECT_EQ(lines, 4u);
}
