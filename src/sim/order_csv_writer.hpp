// Writes simulated order flow as the project's CSV order audit trail.
#pragma once

#include <string>

#include "model/event.hpp"
#include "model/universe.hpp"
#include "sim/order_market.hpp"
#include "sim/tape_writer.hpp"

namespace tw::sim {

/// The columns the CSV reader takes as an order audit trail (docs/FORMATS.md).
inline constexpr const char* kOrderCsvHeader =
    "timestamp,symbol,event,order_id,side,price,quantity,account,buyer,seller,trade_id\n";

/// One row per event: ADD, CANCEL, DELETE and EXECUTE rows of orders (an execution names its
/// buyer, seller and match number as trade_id), TRADE rows of prints.
class OrderCsvWriter {
 public:
  OrderCsvWriter(const std::string& path, const Universe& universe);
  void write(const Event& e);
  void close() { out_.close(); }

 private:
  OutputFile out_;
  const Universe& universe_;
};

/// What write_order_market wrote.
struct OrderMarketSummary {
  uint64_t events = 0;
  uint64_t adds = 0;
  uint64_t cancels = 0;  // partial cancels and deletes
  uint64_t executions = 0;
  uint64_t episodes = 0;
  Timestamp first, last;
};

/// Runs `options`' market to its end into `orders_path` (OrderCsvWriter), the beneficial owners
/// of its linked accounts into `owners_path` (a TOML [owners] table, as --owners reads) and its
/// injected episodes into `labels_path` (JSON lines, in the order they ended).
OrderMarketSummary write_order_market(const OrderMarketOptions& options,
                                      const std::string& orders_path,
                                      const std::string& owners_path,
                                      const std::string& labels_path);

}  // namespace tw::sim
