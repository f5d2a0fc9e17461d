// The fuzz entry points over tapewatch's input readers and parsers, callable from libFuzzer
// binaries and from unit tests alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tw::fuzz {

/// Each entry point feeds `data` to one reader or parser and aborts the process (after printing
/// what broke) when an invariant does not hold: an event with price or quantity <= 0, a time
/// outside the sane range or an unknown symbol; rows not accounted for by events plus rejects;
/// a fast path disagreeing with its reference; an exception other than FeedError. Bad input
/// itself is never a failure.

/// Generic CSV (CsvFeed) whose first line is a header, as trades.csv has.
void fuzz_csv_header(const uint8_t* data, size_t size);
/// Generic CSV without a header, columns mapped by position (#1 time, #2 price, #3 quantity) and
/// the symbol given, as for a Kraken export.
void fuzz_csv_mapped(const uint8_t* data, size_t size);
/// BinanceCsvFeed on a file named like a data.binance.vision download.
void fuzz_binance_csv(const uint8_t* data, size_t size);
/// BinanceJsonFeed (REST aggTrades arrays or JSON lines).
void fuzz_binance_json(const uint8_t* data, size_t size);
/// LobsterFeed on a file named like the provider's Amazon message file.
void fuzz_lobster(const uint8_t* data, size_t size);
/// ItchFeed (ITCH 5.0 BinaryFILE) on a file named like a NASDAQ day file, which gives its date.
void fuzz_itch(const uint8_t* data, size_t size);
/// open_feed with format "auto" on the bytes as a file: container (plain, gzip, zip) and
/// format detection, then whichever reader it picks.
void fuzz_open_feed(const uint8_t* data, size_t size);
/// parse_short_decimal and parse_scaled_decimal against a slow reference, per line of input.
void fuzz_decimal(const uint8_t* data, size_t size);
/// TimeParser's cached-minute path against a fresh parser and parse_time, per line of input.
void fuzz_iso_time(const uint8_t* data, size_t size);
/// ExternalId::assign_text / from_text / to_string round trips, per line of input.
void fuzz_external_id(const uint8_t* data, size_t size);

/// One entry point and the name its binary and corpus folder carry.
struct FuzzTarget {
  std::string_view name;
  void (*run)(const uint8_t* data, size_t size);
};

/// Every entry point above.
std::span<const FuzzTarget> fuzz_targets();

}  // namespace tw::fuzz
