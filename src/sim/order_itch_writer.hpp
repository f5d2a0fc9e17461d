// Writes the order-level simulator's events as NASDAQ TotalView-ITCH 5.0 (BinaryFILE).
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "book/order_book.hpp"
#include "model/universe.hpp"
#include "sim/itch_writer.hpp"
#include "sim/order_flow_writer.hpp"
#include "sim/tape_writer.hpp"

namespace tw::sim {

/// One file, DIR/orders_MMDDYYYY.itch (the day the ITCH reader takes from the name). It opens
/// as a NASDAQ day does, at the market's start: S 'O', a stock directory R and trading status
/// H 'T' per symbol (locate = symbol id), S 'Q'; it closes with S 'M' and S 'C' at the end.
/// Times are nanoseconds after midnight, New York time. Events become:
///   add      F with the account's MPID (A when it has none)
///   cancel   X, the shares cancelled
///   delete   D
///   execute  E (the resting order's price), or C with the price when it differs
/// MPIDs are four characters and account names longer, so each account gets a code of its own
/// on its first add: the name's first character and the count, in base 36, of accounts with
/// that first character so far (the first trader to add an order is T001, the next T002, ...).
/// account_aliases() and DIR/mpids.csv give the mapping. ITCH names no aggressor: an execution
/// tells the resting order's owner alone.
class OrderItchWriter final : public OrderFlowWriter {
 public:
  /// Throws std::invalid_argument for a symbol name longer than 8 characters or more symbols
  /// than stock locates can number.
  OrderItchWriter(const std::string& dir, const Universe& universe, const MarketDay& day);

  void write(const Event& e) override;
  /// Returns the ITCH file; the MPID file is written beside it.
  std::vector<std::string> close() override;
  std::vector<std::pair<std::string, std::string>> account_aliases() const override;

  /// "orders_MMDDYYYY.itch".
  static std::string file_name(const MarketDay& day);

 private:
  void write_opening();
  void write_add(const Event& e, uint16_t locate, uint64_t nanos);
  void write_execution(const Event& e, uint16_t locate, uint64_t nanos);
  /// The account's MPID, given on first use; throws std::length_error when the codes of its
  /// first character run out.
  const std::string& mpid_of(AccountId account);
  uint64_t nanos_of(Timestamp ts);

  std::string path_, mpids_path_;
  OutputFile file_;
  ItchWriter itch_;
  const Universe& universe_;
  MarketDay day_;
  std::vector<OrderBook> books_;               // by symbol id: the resting orders' prices
  std::vector<std::string> mpids_;             // by account id; empty until given
  std::vector<AccountId> mpid_order_;          // accounts in the order their MPIDs were given
  std::array<uint32_t, 256> given_by_lead_{};  // MPIDs given per first character
  uint64_t last_nanos_ = 0;
};

}  // namespace tw::sim
