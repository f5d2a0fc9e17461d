// Writes simulated order flow as the project's CSV order audit trail.
#pragma once

#include <string>
#include <vector>

#include "model/event.hpp"
#include "model/universe.hpp"
#include "sim/order_flow_writer.hpp"
#include "sim/order_market.hpp"
#include "sim/tape_writer.hpp"

namespace tw::sim {

/// The columns the CSV reader takes as an order audit trail (docs/FORMATS.md).
inline constexpr const char* kOrderCsvHeader =
    "timestamp,symbol,event,order_id,side,price,quantity,account,buyer,seller,trade_id\n";

/// One row per event: ADD, CANCEL, DELETE and EXECUTE rows of orders (an execution names its
/// buyer, seller and match number as trade_id), TRADE rows of prints.
class OrderCsvWriter final : public OrderFlowWriter {
 public:
  OrderCsvWriter(const std::string& path, const Universe& universe);
  void write(const Event& e) override;
  std::vector<std::string> close() override;

 private:
  std::string path_;
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
  std::vector<std::string> files;  // the order flow's, as a run reads them
};

/// Runs `options`' market to its end into `orders_path` (OrderCsvWriter), the beneficial owners
/// of its linked accounts into `owners_path` (a TOML [owners] table, as --owners reads) and its
/// injected episodes into `labels_path` (JSON lines, in the order they ended).
OrderMarketSummary write_order_market(const OrderMarketOptions& options,
                                      const std::string& orders_path,
                                      const std::string& owners_path,
                                      const std::string& labels_path);

/// The same in `files.format`, into `dir`: orders.csv, orders_MMDDYYYY.itch and mpids.csv
/// (OrderItchWriter), or a LOBSTER message and orderbook file per symbol (OrderLobsterWriter).
/// The labels are the same whatever the format; the owners file also gives each ITCH MPID the
/// beneficial owner of its account (the account itself when it shares its owner with none), so
/// that rules and scores reading the MPIDs see the accounts' owners.
OrderMarketSummary write_order_market(const OrderMarketOptions& options,
                                      const OrderFileOptions& files, const std::string& dir,
                                      const std::string& owners_path,
                                      const std::string& labels_path);

}  // namespace tw::sim
