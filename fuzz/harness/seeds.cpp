#include "seeds.hpp"

#include <zip.h>
#include <zlib.h>

#include <filesystem>

#include "check.hpp"
#include "scratch.hpp"
#include "sim/itch_writer.hpp"

namespace tw::fuzz {
namespace {

// Real files are cut to their first lines: enough for every layout, small enough to mutate.
constexpr size_t kRealSeedLines = 40;
// ... and ITCH files to their first messages: the stock directory of a day starts there.
constexpr size_t kRealSeedMessages = 100;

const std::vector<std::string> kCsvHeaderSeeds = {
    "trade_id,timestamp,symbol,price,quantity,side,trader_id,order_id,event_type\n"
    "866e92eb-79d1-41e9-9bf5-bf8ddbee0158,2025-01-06T12:00:00.091000,BTCUSDT,42015.5,78,BUY,"
    "T0072,b7016bec-99de-40a2-a34c-7181ed8c8b7a,PUMP\n"
    "3880a4a8-20a1-484b-8f04-1e455f49bcba,2025-01-06T12:00:00.091000,BTCUSDT,42024.73,119,SELL,"
    "T0045,eb066145-1f56-4bae-852b-2e7722b07682,TRADE\n"
    "7,2025-01-06T12:00:01,ETHUSDT,2210.125,0.5,BUY,T0001,o-7,WASH\n"
    "8,2025-01-06T12:01:02.5Z,ETHUSDT,2210.125,0.5,S,T0002,,TRADE\n",
    // CRLF, a byte order mark, blank lines, quoted fields with commas and doubled quotes.
    "\xEF\xBB\xBFtimestamp,symbol,price,quantity,side,account\r\n"
    "2024-03-01 09:30:00.000001,\"AAPL\",\"171.5\",100,buy,\"acct,1\"\r\n"
    "\r\n"
    "2024-03-01T09:30:00.123456789+01:00,AAPL,171.55,\"1\"\"0\",sell,a2\r\n"
    "   \r\n"
    "2024-03-01T09:30:01-0500,AAPL,171.6,200,,\r\n",
    // Aliases, epoch times in every unit, explicit buyer, seller and owner.
    "time,symbol,price,qty,buyer,seller,owner,account,side\n"
    "1709285400,MSFT,400.1,3,b1,s1,o1,b1,BUY\n"
    "1709285400123,MSFT,400.1,3,b1,s1,o1,b1,BUY\n"
    "1709285400123456,MSFT,400.12345678,3.00000000,,s2,,s2,SELL\n"
    "1709285400123456789,MSFT,0.00000001,92233720368,b3,,,,\n"
    "1709285400.25,MSFT,1e5,-3,b1,s1,o1,b1,BUY\n",
    // Rows refused for every reason.
    "ts,symbol,price,size,side,trader\n"
    "2024-13-01T00:00:00,X,1,1,BUY,t\n"
    "1899-01-01T00:00:00,X,1,1,BUY,t\n"
    "2024-01-01T00:00:00,,1,1,BUY,t\n"
    "2024-01-01T00:00:00,X,0,1,BUY,t\n"
    "2024-01-01T00:00:00,X,1,abc,BUY,t\n"
    "2024-01-01T00:00:00,X,1,1,HOLD,t\n"
    "2024-01-01T00:00:00,X,1,1,,t\n"
    "2024-01-01T00:00:00,X,1,1\n"
    "2024-01-01T00:00:00,\"X,1,1,BUY,t\n",
    "timestamp,symbol,price,quantity\n",
    "price,quantity\n1,2\n",
};

const std::vector<std::string> kCsvMappedSeeds = {
    "1672531436,90.540000,1.10448420\n"
    "1672531471,90.450000,1.00000000\n"
    "1672531647.5,90.360000,0.28600000,extra,fields\n",
    "2023-01-01T00:03:56.000000,90.54,1.1\r\n2023-01-01T00:03:57.500000Z,90.5,2\r\n\r\n",
    "1672531436,90.54\n,1,1\n1672531436,,1\n\"1672531436\",\"90.5\",\"1\"\n",
};

const std::vector<std::string> kBinanceCsvSeeds = {
    "3800397495,87648.21000000,0.08185000,5723703861,5723703861,1767225600039409,True,True\n"
    "3800397496,87648.22000000,0.00013000,5723703862,5723703862,1767225600272386,False,True\n",
    "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n"
    "1,100.5,2,1,1,1704067200000,true\n"
    "2,100.6,3,2,3,1704067200001,false\r\n",
    "id,price,qty,quote_qty,time,is_buyer_maker,is_best_match\n"
    "5,1.5,2,3,1704067200000000000,1,0\n"
    "6,1.5,2,3,1704067200000,TRUE,FALSE\n",
    "7,1.5,2,3,1704067200000,false\n8,1.5,2,3,1704067200000,maybe\n9,0,2,3,1,true\n",
    "10,1.5,2,3,4,1704067200000,true\n11,-1,2,3,4,1704067200000,true\n12,1.5,2,3\n",
    "price,quantity\n1,2\n",
};

const std::vector<std::string> kBinanceJsonSeeds = {
    R"([{"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,"T":1498793709153,)"
    R"("m":true,"M":true},{"a":26130,"p":0.5,"q":1,"f":1,"l":2,"T":1498793709153000,"m":false}])",
    "{\"a\":1,\"p\":\"100\",\"q\":\"2\",\"T\":1704067200000,\"m\":false}\n"
    "{\"a\":2,\"p\":\"-1\",\"q\":\"2\",\"T\":1704067200000,\"m\":false}\r\n"
    "\n"
    "{\"a\":3,\"p\":\"1\",\"q\":\"2\",\"T\":\"x\",\"m\":1}\n"
    "{\"a\":4,\"p\":\"1\",\"x\":{\"nested\":[1,\"]\",{}]},\"q\":\"2\",\"T\":1704067200000,\"m\":"
    "true}\n",
    "[\n  {\"a\":1,\"p\":\"1\\u0030\",\"q\":\"2\",\"T\":1704067200000,\"m\":true},\n"
    "  [1,2],\n  \"text, with \\\" quote\",\n  7,\n  {\"a\":1}\n]\n[{}]",
    "[{\"a\":18446744073709551616,\"p\":1e3,\"q\":\"2\",\"T\":1704067200000,\"m\":null}",
    "{\"a\":1,\"p\":\"1\",\"q\":\"2\",\"T\":1704067200000,\"m\":true,}\n{\"a\"\n",
};

const std::vector<std::string> kDecimalSeeds = {
    "42015.5\n0.00013\n87648.21000000\n1\n12345678\n1234.567\n.5\n5.\n0\n-3\n+1.5",
    "92233720368.54775807\n92233720368.54775808\n-92233720368.54775808\n92233720369\n"
    "1.000000000000\n1.000000001\n00000000000000000000001.25",
    "\n.\n-\n+\n-.\n1..2\n1.2.3\n1e5\n 1\n1 \n0x10\n--1\n1,5",
};

const std::vector<std::string> kIsoTimeSeeds = {
    "2025-01-06T12:00:00.091000\n2025-01-06T12:00:00.091000\n2025-01-06T12:00:59.999999Z\n"
    "2025-01-06T12:00:60.000000\n2025-01-06T12:01:00.000000\n2025-01-06T12:00:61.000000",
    "2025-01-06 12:00:00\n2025-01-06T12:00:00.5+01:00\n2025-01-06T12:00:00-0530\n"
    "2025-02-29T00:00:00\n2024-02-29T00:00:00.123456789Z\n1989-12-31T23:59:59.999999\n"
    "2100-01-01T00:00:00.000000\n2099-12-31T23:59:59.999999",
    "1672531436\n1672531436.25\n1767225600039409\n1704067200000000000\n99999999999999999999\n"
    "\n2025-01-06T12:00:0a.091000\n2025-01-06T12:00:00,091000\n2025-01-06T12:00:00.0910000",
};

const std::vector<std::string> kExternalIdSeeds = {
    "866e92eb-79d1-41e9-9bf5-bf8ddbee0158\n866E92EB-79D1-41E9-9BF5-BF8DDBEE0158\n"
    "866e92eb-79d1-41e9-9bf5-bf8ddbee015g\n866e92eb079d1-41e9-9bf5-bf8ddbee0158",
    "0\n7\n007\n18446744073709551615\n18446744073709551616\n3800397495\n-1",
    "T0072\nshort text id 22 bytes\nexactly-twenty-three-by\na-long-text-id-that-is-hashed",
};

const std::vector<std::string> kLobsterSeeds = {
    "34200.017459617,5,0,1,2238200,-1\n34200.18960767,1,11885113,21,2238100,1\n"
    "34200.190226476,4,11885113,21,2238100,1\n34201.5,2,7,40,1000000,1\n"
    "34201.6,3,7,60,1000000,1\n34201.7,6,0,300,1000100,-1\n",
    "36023,7,0,0,-1,-1\n36323,7,0,0,0,-1\n36723,7,0,0,1,-1\n"
    "43002.632812672004,3,134172772,100,2238700,-1\n",
    "34200.5,1,7,100,1000000\n34200.7,9,8,100,1000000,1\n34200.8,1,8,100,1000000,0\n"
    "34200.9,1,8,0,1000000,1\n34201.0,1,8,100,-5,1\n34201.1,1,0,100,1000000,1\n"
    "34201:2,1,8,100,1000000,1\n34201.3,7,0,0,5,-1\n172801,1,8,1,1,1\n"
    "34201.4,1,99999999999999999999,1,1,1\n34201.5,1,8,1,9223372036854775807,1\n",
};

constexpr uint64_t kNine30 = 34'200'000'000'000;  // ITCH time: ns after midnight
constexpr uint16_t kLocate = 7;

// A day's order flow of one stock: its directory entry and trading state, then an order of
// each kind and every trade message.
std::string itch_order_flow() {
  sim::ItchWriter w;
  uint64_t t = kNine30;
  w.begin('S', 0, t).letter('Q').end();
  w.begin('R', kLocate, t).alpha("ACME", 8).letter('Q').letter('N').number(100, 4).letter('N');
  w.letter('C').alpha("Z", 2).letter('P').letter('N').letter(' ').letter('1').letter('N');
  w.number(0, 4).letter('N').end();
  w.begin('H', kLocate, ++t).alpha("ACME", 8).letter('T').letter(' ').alpha("", 4).end();
  w.begin('A', kLocate, ++t).number(1, 8).letter('B').number(100, 4).alpha("ACME", 8);
  w.number(100000, 4).end();
  w.begin('F', kLocate, ++t).number(2, 8).letter('S').number(50, 4).alpha("ACME", 8);
  w.number(100100, 4).alpha("MPID", 4).end();
  w.begin('E', kLocate, ++t).number(1, 8).number(30, 4).number(11, 8).end();
  w.begin('C', kLocate, ++t).number(1, 8).number(20, 4).number(12, 8).letter('N');
  w.number(99900, 4).end();
  w.begin('X', kLocate, ++t).number(2, 8).number(5, 4).end();
  w.begin('U', kLocate, ++t).number(1, 8).number(3, 8).number(40, 4).number(100200, 4).end();
  w.begin('D', kLocate, ++t).number(3, 8).end();
  w.begin('P', kLocate, ++t).number(0, 8).letter('S').number(25, 4).alpha("ACME", 8);
  w.number(100050, 4).number(14, 8).end();
  w.begin('Q', kLocate, ++t).number(500, 8).alpha("ACME", 8).number(100000, 4).number(15, 8);
  w.letter('O').end();
  w.begin('B', kLocate, ++t).number(14, 8).end();
  return w.bytes();
}

// Messages the reader must reject or pass over: unknown locate, side, state and type, zero
// shares and prices, an empty cross, a message of the wrong length and one of none.
std::string itch_oddities() {
  sim::ItchWriter w;
  uint64_t t = kNine30;
  w.begin('A', 99, t).number(1, 8).letter('?').number(100, 4).alpha("ZZZ", 8);
  w.number(100000, 4).end();
  w.begin('A', 99, ++t).number(2, 8).letter('S').number(0, 4).alpha("ZZZ", 8).number(0, 4).end();
  w.begin('C', 99, ++t).number(2, 8).number(1, 4).number(12, 8).letter('Y').number(0, 4).end();
  w.begin('H', 99, ++t).alpha("ZZZ", 8).letter('?').letter(' ').alpha("", 4).end();
  w.begin('Q', 99, ++t).number(0, 8).alpha("ZZZ", 8).number(100000, 4).number(16, 8);
  w.letter('C').end();
  w.begin('D', 99, ++t).number(3, 8).number(0, 2).end();
  w.begin('Z', 99, ++t).end();
  return w.bytes() + std::string("\0\0", 2);
}

// A delete cut short: the file ends inside it.
const std::string kItchCutShort(
    "\0\x13"
    "D",
    3);

const std::vector<std::string> kItchSeeds = {itch_order_flow(), itch_oddities(),
                                             itch_oddities() + kItchCutShort};

const std::vector<std::string>& seeds_of(std::string_view target) {
  static const std::vector<std::string> kNone;
  if (target == "csv_header") return kCsvHeaderSeeds;
  if (target == "csv_mapped") return kCsvMappedSeeds;
  if (target == "binance_csv") return kBinanceCsvSeeds;
  if (target == "binance_json") return kBinanceJsonSeeds;
  if (target == "lobster") return kLobsterSeeds;
  if (target == "itch") return kItchSeeds;
  if (target == "decimal") return kDecimalSeeds;
  if (target == "iso_time") return kIsoTimeSeeds;
  if (target == "external_id") return kExternalIdSeeds;
  return kNone;
}

std::string head_lines(const std::string& path, size_t lines) {
  std::string text = read_whole_file(path);
  size_t end = 0;
  for (size_t n = 0; n < lines; ++n) {
    size_t newline = text.find('\n', end);
    if (newline == std::string::npos) return text;
    end = newline + 1;
  }
  return text.substr(0, end);
}

// Field `index` (0-based, plain comma split) of every line of `text`, one per line.
std::string column(std::string_view text, size_t index) {
  std::string out;
  while (!text.empty()) {
    std::string_view line = text.substr(0, text.find('\n'));
    text.remove_prefix(std::min(text.size(), line.size() + 1));
    for (size_t i = 0; i < index && line.find(',') != std::string_view::npos; ++i) {
      line.remove_prefix(line.find(',') + 1);
    }
    out.append(line.substr(0, line.find(','))).push_back('\n');
  }
  return out;
}

// The rows of a Binance aggTrades CSV as the REST API returns them: a JSON array of objects.
std::string as_rest_json(std::string_view csv) {
  std::string out = "[";
  while (!csv.empty()) {
    std::string_view line = csv.substr(0, csv.find('\n'));
    csv.remove_prefix(std::min(csv.size(), line.size() + 1));
    std::vector<std::string_view> f;
    for (size_t comma; (comma = line.find(',')) != std::string_view::npos;) {
      f.push_back(line.substr(0, comma));
      line.remove_prefix(comma + 1);
    }
    f.push_back(line);
    if (f.size() != 8) continue;
    out += fmt::format(R"({}{{"a":{},"p":"{}","q":"{}","f":{},"l":{},"T":{},"m":{},"M":{}}})",
                       out.size() > 1 ? ",\n" : "", f[0], f[1], f[2], f[3], f[4], f[5],
                       f[6] == "True" ? "true" : "false", f[7] == "True" ? "true" : "false");
  }
  return out + "]\n";
}

// The first messages of an ITCH BinaryFILE (each a 2-byte length and the message).
std::string head_messages(const std::string& path, size_t messages) {
  std::string bytes = read_whole_file(path);
  size_t end = 0;
  for (size_t n = 0; n < messages && end + 2 <= bytes.size(); ++n) {
    const size_t length = static_cast<size_t>(static_cast<unsigned char>(bytes[end]) << 8 |
                                              static_cast<unsigned char>(bytes[end + 1]));
    end = std::min(bytes.size(), end + 2 + length);
  }
  return bytes.substr(0, end);
}

// How a real file becomes a seed.
constexpr int kWholeLines = -1;
constexpr int kRestJson = -2;
constexpr int kItchMessages = -3;

struct RealFile {
  std::string_view path;  // under shared data
  std::string_view target;
  int column;  // a column index, kWholeLines or kRestJson
};

const RealFile kRealFiles[] = {
    {"seed1/trades_sample.csv", "csv_header", kWholeLines},
    {"seed1/trades_sample.csv", "open_feed", kWholeLines},
    {"seed1/trades_sample.csv", "iso_time", 1},
    {"seed1/trades_sample.csv", "decimal", 3},
    {"seed1/trades_sample.csv", "external_id", 0},
    {"kraken/BCHEUR.csv", "csv_mapped", kWholeLines},
    {"kraken/BCHEUR.csv", "decimal", 2},
    {"lobster/AMZN_2012-06-21_34200000_57600000_message_1.csv", "lobster", kWholeLines},
    {"itch50/admin_first1000.itch", "itch", kItchMessages},
    {"binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv", "binance_csv", kWholeLines},
    {"binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv", "binance_json", kRestJson},
    {"binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv", "open_feed", kWholeLines},
    {"binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv", "decimal", 1},
    {"binance/BTCUSDT-aggTrades-2026-01-01.first5000.csv", "iso_time", 5},
};

}  // namespace

std::vector<std::string> hand_seeds(std::string_view target) {
  if (target != "open_feed") return seeds_of(target);
  // Every reader's inputs, plus compressed ones for the byte sources.
  std::vector<std::string> seeds;
  for (std::string_view reader : {"csv_header", "binance_csv", "binance_json"}) {
    for (const std::string& seed : seeds_of(reader)) seeds.push_back(seed);
  }
  seeds.push_back(gzip_bytes(kCsvHeaderSeeds[0]));
  seeds.push_back(gzip_bytes(kBinanceCsvSeeds[0]) + gzip_bytes(kBinanceCsvSeeds[0]));
  seeds.push_back(zip_bytes("BTCUSDT-aggTrades-2026-01-01.csv", kBinanceCsvSeeds[0]));
  seeds.push_back(zip_bytes("trades.json", kBinanceJsonSeeds[0]));
  seeds.push_back("");
  seeds.push_back("\xEF\xBB\xBF \r\n\t\n");
  seeds.push_back("what,is,this\n1,2,3\n");
  return seeds;
}

std::vector<std::string> real_seeds(std::string_view target, const std::string& shared_data) {
  std::vector<std::string> seeds;
  for (const RealFile& file : kRealFiles) {
    std::string path = shared_data + "/" + std::string(file.path);
    if (file.target != target || !std::filesystem::exists(path)) continue;
    if (file.column == kItchMessages) {
      seeds.push_back(head_messages(path, kRealSeedMessages));
      continue;
    }
    std::string head = head_lines(path, kRealSeedLines);
    if (file.column == kWholeLines) {
      seeds.push_back(head);
    } else if (file.column == kRestJson) {
      seeds.push_back(as_rest_json(head));
    } else {
      seeds.push_back(column(head, static_cast<size_t>(file.column)));
    }
  }
  return seeds;
}

std::string gzip_bytes(std::string_view content) {
  z_stream stream{};
  constexpr int kGzipWindow = 16 + MAX_WBITS;
  check(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) == Z_OK,
        "deflateInit2 failed");
  std::string out(deflateBound(&stream, static_cast<uLong>(content.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  stream.avail_in = static_cast<uInt>(content.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  check(rc == Z_STREAM_END, "deflate failed");
  return out;
}

std::string zip_bytes(std::string_view entry, std::string_view content) {
  std::string path = scratch_path("seed.zip");
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  check(archive != nullptr, "zip_open failed");
  zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
  check(source != nullptr &&
            zip_file_add(archive, std::string(entry).c_str(), source, ZIP_FL_OVERWRITE) >= 0 &&
            zip_close(archive) == 0,
        "writing the zip failed");
  return read_whole_file(path);
}

}  // namespace tw::fuzz
