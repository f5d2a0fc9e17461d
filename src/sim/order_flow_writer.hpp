// The formats the order-level simulator writes its event stream in, and what a writer of one is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/event.hpp"
#include "model/timestamp.hpp"

namespace tw::sim {

/// csv: the project's order audit trail; itch: NASDAQ TotalView-ITCH 5.0 (BinaryFILE); lobster:
/// a LOBSTER message and orderbook file per symbol.
enum class OrderFileFormat : uint8_t { kCsv, kItch, kLobster };

/// "csv", "itch" or "lobster"; false for another word.
bool parse_order_file_format(std::string_view word, OrderFileFormat& out);
std::string_view order_file_format_name(OrderFileFormat format);

/// How write_order_market writes the event stream.
struct OrderFileOptions {
  OrderFileFormat format = OrderFileFormat::kCsv;
  uint32_t lobster_levels = 10;  // price levels per side in each LOBSTER orderbook row
};

/// The trading day of a market, which ITCH and LOBSTER count their times from and name their
/// files after.
struct MarketDay {
  int64_t year = 0;
  unsigned month = 0, day = 0;
  Timestamp midnight;  // 00:00 New York time on the day
  Timestamp start, end;

  /// Throws std::invalid_argument when `date` is not YYYY-MM-DD.
  static MarketDay of(std::string_view date, Timestamp start, Timestamp end);
  /// Nanoseconds after midnight, New York time (past 24 hours for a time after the day).
  int64_t nanos_after_midnight(Timestamp ts) const { return (ts - midnight).count(); }
};

/// Whole shares and ten-thousandths of a dollar (ITCH's Price(4), LOBSTER's prices) of the
/// market's whole-share sizes and whole-cent prices.
inline int64_t whole_shares(Quantity qty) {
  return qty.raw() / kFixedScale;
}
inline int64_t ten_thousandths(Price price) {
  return price.raw() / (kFixedScale / 10'000);
}

/// Takes the market's events in the order it made them and writes them in one format.
class OrderFlowWriter {
 public:
  virtual ~OrderFlowWriter() = default;
  virtual void write(const Event& e) = 0;
  /// Finishes the files (throws std::runtime_error naming one that failed) and returns the
  /// paths a run reads, in a fixed order.
  virtual std::vector<std::string> close() = 0;
  /// (name in the files, account) for each account the format names otherwise (ITCH's 4-letter
  /// MPIDs), in the order the names were given; empty when accounts keep their names.
  virtual std::vector<std::pair<std::string, std::string>> account_aliases() const { return {}; }
};

}  // namespace tw::sim
