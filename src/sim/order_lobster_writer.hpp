// Writes the order-level simulator's events as LOBSTER message and orderbook files per symbol.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "book/order_book.hpp"
#include "model/universe.hpp"
#include "sim/order_flow_writer.hpp"
#include "sim/tape_writer.hpp"

namespace tw::sim {

/// Per symbol, TICKER_DATE_START_END_message_N.csv and TICKER_DATE_START_END_orderbook_N.csv,
/// START and END the market's first and last millisecond after midnight (New York), N the
/// levels. A message row is `time,type,order id,size,price,direction`: time in seconds after
/// midnight, New York time, with nine decimals; type 1 add, 2 partial cancel (the size
/// cancelled), 3 delete (the size left), 4 execution of a visible order (the size filled);
/// price in ten-thousandths of a dollar; direction 1 for a buy order, -1 for a sell order (the
/// resting order's). The orderbook row after it holds the top N levels, `ask price, ask size,
/// bid price, bid size` per level, empty ones as 9999999999, 0 and -9999999999, 0, as LOBSTER
/// fills them. Unlike LOBSTER's files, every message is written, also those deeper than N
/// levels (their book rows repeat the one before), so that no order is unknown to a reader.
/// LOBSTER has no accounts.
class OrderLobsterWriter final : public OrderFlowWriter {
 public:
  /// Throws std::invalid_argument for 0 levels.
  OrderLobsterWriter(const std::string& dir, const Universe& universe, const MarketDay& day,
                     uint32_t levels);
  ~OrderLobsterWriter() override;

  void write(const Event& e) override;
  /// Returns the message files, by symbol.
  std::vector<std::string> close() override;

  /// "TICKER_YYYY-MM-DD_START_END_KIND_LEVELS.csv".
  static std::string file_name(std::string_view ticker, const MarketDay& day, std::string_view kind,
                               uint32_t levels);

 private:
  struct SymbolFiles;
  void write_message(const Event& e, const RestingOrder& order, SymbolFiles& files);
  void write_book_row(SymbolFiles& files);

  std::vector<std::unique_ptr<SymbolFiles>> symbols_;  // by symbol id - 1
  MarketDay day_;
  uint32_t levels_;
};

}  // namespace tw::sim
