#include <gtest/gtest.h>

#include <string>

#include "feed/binance_csv_reader.hpp"
#include "feed/feed.hpp"
#include "feed_test_support.hpp"

using namespace tw;
using namespace tw::test;

namespace {

const char* kAggFile = "binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv";

// Binance readers must also consume their whole file, compressed or not.
void read_binance(FeedRun& result, const std::string& path, FeedOptions options = {}) {
  read_file(result, path, options);
  EXPECT_EQ(result.bytes_read, result.bytes_total) << path;
}

void expect_real_agg_trades(const FeedRun& result) {
  ASSERT_TRUE(result.sink.records.empty()) << result.sink.records[0].detail;
  ASSERT_EQ(result.events.size(), 5000u);
  const Event& first = result.events.front();
  EXPECT_EQ(result.universe.symbol_name(first.symbol), "BTCUSDT");
  EXPECT_EQ(first.ts.to_iso8601(), "2026-01-01T00:00:00.039409Z");
  EXPECT_EQ(first.price.to_string(), "87648.21");
  EXPECT_EQ(first.qty.to_string(), "0.08185");
  EXPECT_EQ(first.id.as_number(), 3800397495u);
  EXPECT_EQ(first.side, Side::kSell);  // is_buyer_maker=True: the seller was the aggressor
  EXPECT_EQ(result.events[1].side, Side::kBuy);
  EXPECT_EQ(result.events[1].ts.to_iso8601(), "2026-01-01T00:00:00.272386Z");
  const Event& last = result.events.back();
  EXPECT_EQ(last.price.to_string(), "87759.14");
  EXPECT_EQ(last.id.as_number(), 3800402494u);
  EXPECT_EQ(last.seq, 5000u);
  EXPECT_FALSE(first.buyer);
  EXPECT_FALSE(first.seller);
}

}  // namespace

TEST(FeedBinanceCsv, ReadsTheRealAggTradesFilePlainGzipAndZip) {
  if (!shared_data_present(kAggFile)) {
    GTEST_SKIP() << "shared data folder absent: " << shared_data(kAggFile);
  }
  FeedRun plain;
  read_binance(plain, shared_data(kAggFile));
  expect_real_agg_trades(plain);

  TempDir dir;
  std::string content = read_text(shared_data(kAggFile));
  for (const std::string& path : {dir.write_gz("BTCUSDT-aggTrades-2026-01-01.csv.gz", content),
                                  dir.write_zip("BTCUSDT-aggTrades-2026-01-01.zip",
                                                "BTCUSDT-aggTrades-2026-01-01.csv", content)}) {
    FeedRun packed;
    read_binance(packed, path);
    expect_real_agg_trades(packed);
  }
}

TEST(FeedBinanceCsv, HeaderMillisecondsAndTradesLayout) {
  TempDir dir;
  FeedRun agg;
  read_binance(agg,
               dir.write("ETHUSDT-aggTrades-2023-05-01.csv",
                         "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,"
                         "is_buyer_maker,is_best_match\n"
                         "10,1900.5,0.1,1,1,1682899200123,false,true\n"));
  ASSERT_EQ(agg.events.size(), 1u);
  EXPECT_EQ(agg.events[0].ts.to_iso8601(), "2023-05-01T00:00:00.123Z");
  EXPECT_EQ(agg.events[0].side, Side::kBuy);
  EXPECT_EQ(agg.universe.symbol_name(agg.events[0].symbol), "ETHUSDT");
  EXPECT_EQ(agg.events[0].seq, 2u);

  FeedRun trades;
  read_binance(trades, dir.write("BNBUSDT-trades-2025-02-01.csv",
                                 "77,600.1,2,1200.2,1738368000000001999,TRUE,True\n"
                                 "78,600.2,3,1800.6,1738368000000002,False,True\n"));
  ASSERT_EQ(trades.events.size(), 2u);
  EXPECT_EQ(trades.events[0].ts.to_iso8601(), "2025-02-01T00:00:00.000001999Z");  // ns
  EXPECT_EQ(trades.events[0].side, Side::kSell);
  EXPECT_EQ(trades.events[1].ts.to_iso8601(), "2025-02-01T00:00:00.000002Z");  // us
  EXPECT_EQ(trades.events[1].qty.to_string(), "3");
}

TEST(FeedBinanceCsv, BadRowsAreRejectedAndTheRunGoesOn) {
  TempDir dir;
  std::string good = "1,100.5,0.5,1,1,1767225600039409,True,True\n";
  FeedRun result;
  FeedOptions options;
  options.symbol = "BTCUSDT";
  read_binance(result,
               dir.write("x.csv", good +
                                      "2,-1,0.5,1,1,1767225600039409,True,True\n"
                                      "3,100,0,1,1,1767225600039409,True,True\n"
                                      "4,100,1,1,1,99,True,True\n"
                                      "5,100,1,1,1,17672256000394x9,True,True\n"
                                      "6,100,1,1,1,1767225600039409,maybe,True\n"
                                      "7,100,1,1,1767225600039409,True,True\n"
                                      "x8,100,1,1,1,1767225600039409,True,True\n" +
                                      good),
               options);
  EXPECT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[1].seq, 9u);
  const std::vector<std::pair<RejectReason, uint64_t>> expected = {
      {RejectReason::kBadPrice, 2},       {RejectReason::kBadQuantity, 3},
      {RejectReason::kTimeOutOfRange, 4}, {RejectReason::kBadTimestamp, 5},
      {RejectReason::kBadField, 6},       {RejectReason::kMalformedRow, 7},
      {RejectReason::kBadField, 8}};
  ASSERT_EQ(result.sink.records.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(result.sink.records[i].reason, expected[i].first) << result.sink.records[i].detail;
    EXPECT_EQ(result.sink.records[i].line, expected[i].second);
  }
  EXPECT_EQ(result.universe.symbol_name(result.events[0].symbol), "BTCUSDT");
}

TEST(FeedBinanceCsv, SymbolComesFromOptionsOrTheFileName) {
  EXPECT_EQ(binance_symbol_from_path("/d/BTCUSDT-aggTrades-2026-01-01.first5000.csv"), "BTCUSDT");
  EXPECT_EQ(binance_symbol_from_path("BTCUSDT-aggTrades-2026-01-01.zip"), "BTCUSDT");
  EXPECT_EQ(binance_symbol_from_path("x/1000SHIBUSDT-trades-2026-01.csv.gz"), "1000SHIBUSDT");
  EXPECT_EQ(binance_symbol_from_path("trades.csv"), "");
  EXPECT_EQ(binance_symbol_from_path("my-aggTrades-file.csv"), "");
  TempDir dir;
  FeedOptions options;
  options.format = "binance-csv";
  std::string message =
      feed_error(dir.write("trades.csv", "1,100.5,0.5,1,1,1767225600039409,True,True\n"), options);
  EXPECT_NE(message.find("no symbol"), std::string::npos) << message;
  EXPECT_NE(message.find(dir.file("trades.csv")), std::string::npos) << message;
}

TEST(FeedBinanceCsv, ExplicitFormatOnOtherContentIsAClearError) {
  TempDir dir;
  FeedOptions options;
  options.format = "binance-csv";
  options.symbol = "X";
  std::string message =
      feed_error(dir.write("t.csv", "timestamp,price\n2025-01-01T00:00:00,1\n"), options);
  EXPECT_NE(message.find("fits no Binance CSV layout"), std::string::npos) << message;
}

TEST(FeedBinanceJson, ReadsAnArrayAndJsonLines) {
  const std::string a =
      R"({"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,"m":true,"M":true})";
  const std::string b =
      R"({"M":true,"m":false,"T":1498793709163,"l":27782,"f":27782,"q":"1","p":0.5,"a":26130})";
  TempDir dir;
  FeedOptions options;
  options.symbol = "LTCBTC";
  for (const std::string& content :
       {"[" + a + ",\n  " + b + "]\n", a + "\r\n" + b + "\n", "[" + a + "]\n[" + b + "]"}) {
    FeedRun result;
    read_binance(result, dir.write("page.json", content), options);
    ASSERT_TRUE(result.sink.records.empty()) << result.sink.records[0].detail;
    ASSERT_EQ(result.events.size(), 2u) << content;
    EXPECT_EQ(result.events[0].id.as_number(), 26129u);
    EXPECT_EQ(result.events[0].price.to_string(), "0.01633102");
    EXPECT_EQ(result.events[0].ts.to_iso8601(), "2017-06-30T03:35:09.153Z");
    EXPECT_EQ(result.events[0].side, Side::kSell);
    EXPECT_EQ(result.events[1].side, Side::kBuy);
    EXPECT_EQ(result.events[1].price.to_string(), "0.5");
    EXPECT_EQ(result.events[1].qty.to_string(), "1");
    EXPECT_EQ(result.universe.symbol_name(result.events[1].symbol), "LTCBTC");
  }
}

TEST(FeedBinanceJson, BadObjectsAreRejectedWithTheirPosition) {
  const std::string good = R"({"a":1,"p":"10","q":"1","T":1700000000000,"m":false})";
  const std::vector<std::pair<std::string, RejectReason>> bad = {
      {R"({"a":2,"p":"-1","q":"1","T":1700000000000,"m":false})", RejectReason::kBadPrice},
      {R"({"a":3,"p":"10","q":"0","T":1700000000000,"m":false})", RejectReason::kBadQuantity},
      {R"({"a":4,"p":"10","q":"1","T":5,"m":false})", RejectReason::kTimeOutOfRange},
      {R"({"a":5,"p":"10","q":"1","m":false})", RejectReason::kMissingField},
      {R"({"a":"x","p":"10","q":"1","T":1700000000000,"m":false})", RejectReason::kBadField},
      {R"({"a":6,"p":"10","q":"1","T":1700000000000,"m":"no"})", RejectReason::kBadField},
      {R"({"a":7,"p":"10",)", RejectReason::kMalformedRow},
      {R"(42)", RejectReason::kMalformedRow},
  };
  TempDir dir;
  FeedOptions options;
  options.symbol = "X";
  std::string lines = good + "\n";
  std::string array = "[" + good;
  for (const auto& [text, reason] : bad) {
    lines += text + "\n";
    array += "," + text;
  }
  lines += good + "\n";
  FeedRun by_line;
  read_binance(by_line, dir.write("x.jsonl", lines), options);
  EXPECT_EQ(by_line.events.size(), 2u);
  ASSERT_EQ(by_line.sink.records.size(), bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(by_line.sink.records[i].reason, bad[i].second) << by_line.sink.records[i].detail;
    EXPECT_EQ(by_line.sink.records[i].line, i + 2);
    EXPECT_EQ(by_line.sink.records[i].raw, bad[i].first);
  }
  // In an array the unclosed object runs on to the closing bracket (one reject with "42"), and
  // rejects carry element numbers.
  FeedRun by_element;
  read_binance(by_element, dir.write("x.json", array + "]"), options);
  EXPECT_EQ(by_element.events.size(), 1u);
  ASSERT_EQ(by_element.sink.records.size(), 7u);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(by_element.sink.records[i].line, i + 2);
  EXPECT_EQ(by_element.sink.records[6].reason, RejectReason::kMalformedRow);
}

TEST(FeedDetect, PicksTheReaderFromContentAndName) {
  TempDir dir;
  FeedOptions options;
  options.symbol = "X";
  FeedRun json;
  read_binance(json,
               dir.write("noext", R"([{"a":1,"p":"10","q":"1","T":1700000000000,"m":false}])"),
               options);
  EXPECT_EQ(json.events.size(), 1u);
  FeedRun csv;
  read_binance(csv, dir.write("g.txt", "time,symbol,price,size\n1700000000,A,1,1\n"));
  EXPECT_EQ(csv.events.size(), 1u);
  FeedRun binance;
  read_binance(binance, dir.write("b.txt", "1,100.5,0.5,1,1,1767225600039409,True,True\n"),
               options);
  EXPECT_EQ(binance.events.size(), 1u);
  EXPECT_EQ(binance.events[0].side, Side::kSell);
}

TEST(FeedDetect, UnknownContentOrFormatIsAClearError) {
  TempDir dir;
  std::string path = dir.write("mystery.dat", "hello world\nsecond line\n");
  std::string message = feed_error(path);
  EXPECT_NE(message.find("cannot tell the format of " + path + ": first line 'hello world'"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("--format csv|binance-csv|binance-json"), std::string::npos);

  FeedOptions bad_format;
  bad_format.format = "parquet";
  EXPECT_NE(feed_error(path, bad_format).find("unknown format 'parquet'"), std::string::npos);

  FeedOptions json;
  json.format = "binance-json";
  json.symbol = "X";
  EXPECT_NE(feed_error(path, json).find("not JSON"), std::string::npos);
}
