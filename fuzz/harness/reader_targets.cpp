// The entry points over the feed readers, and the list of every entry point.
#include "fuzz_targets.hpp"
#include "reader_harness.hpp"

namespace tw::fuzz {
namespace {

std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Named like a data.binance.vision download, so that the Binance readers find their symbol.
constexpr std::string_view kBinanceStem = "BTCUSDT-aggTrades-2026-01-01";

ReaderCase mapped_case() {
  FeedOptions options;
  options.format = "csv";
  options.symbol = "BCHEUR";
  options.column_map = {{"timestamp", "#1"}, {"price", "#2"}, {"quantity", "#3"}};
  return {ReaderKind::kCsv, "BCHEUR.csv", options, RecordRule::kNoHeader};
}

}  // namespace

void fuzz_csv_header(const uint8_t* data, size_t size) {
  static const ReaderCase kCase{ReaderKind::kCsv, "trades.csv", {}, RecordRule::kHeaderLine};
  fuzz_reader(kCase, as_text(data, size));
}

void fuzz_csv_mapped(const uint8_t* data, size_t size) {
  static const ReaderCase kCase = mapped_case();
  fuzz_reader(kCase, as_text(data, size));
}

void fuzz_binance_csv(const uint8_t* data, size_t size) {
  static const std::string kName = std::string(kBinanceStem) + ".csv";
  static const ReaderCase kCase{ReaderKind::kBinanceCsv, kName, {}, RecordRule::kBinanceLine};
  fuzz_reader(kCase, as_text(data, size));
}

void fuzz_binance_json(const uint8_t* data, size_t size) {
  static const std::string kName = std::string(kBinanceStem) + ".json";
  static const ReaderCase kCase{ReaderKind::kBinanceJson, kName, {}, RecordRule::kJson};
  fuzz_reader(kCase, as_text(data, size));
}

void fuzz_lobster(const uint8_t* data, size_t size) {
  static const ReaderCase kCase{ReaderKind::kLobster,
                                "AMZN_2012-06-21_34200000_57600000_message_1.csv",
                                {},
                                RecordRule::kNoHeader};
  fuzz_reader(kCase, as_text(data, size));
}

void fuzz_itch(const uint8_t* data, size_t size) {
  static const ReaderCase kCase{
      ReaderKind::kItch, "01302019.NASDAQ_ITCH50", {}, RecordRule::kItchMessage};
  fuzz_reader(kCase, as_text(data, size));
}

void fuzz_open_feed(const uint8_t* data, size_t size) {
  // No extension: the container and the format are told from the content alone.
  fuzz_auto_feed(kBinanceStem, as_text(data, size));
}

std::span<const FuzzTarget> fuzz_targets() {
  static constexpr FuzzTarget kTargets[] = {
      {"csv_header", fuzz_csv_header},   {"csv_mapped", fuzz_csv_mapped},
      {"binance_csv", fuzz_binance_csv}, {"binance_json", fuzz_binance_json},
      {"lobster", fuzz_lobster},         {"itch", fuzz_itch},
      {"open_feed", fuzz_open_feed},     {"decimal", fuzz_decimal},
      {"iso_time", fuzz_iso_time},       {"external_id", fuzz_external_id},
  };
  return kTargets;
}

}  // namespace tw::fuzz
