// The one market event type every feed produces and every detector reads.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/external_id.hpp"
#include "model/fixed_point.hpp"
#include "model/timestamp.hpp"
#include "model/universe.hpp"

namespace tw {

enum class Side : uint8_t { kUnknown = 0, kBuy = 1, kSell = 2 };

constexpr Side opposite(Side s) {
  return s == Side::kBuy ? Side::kSell : s == Side::kSell ? Side::kBuy : Side::kUnknown;
}
std::string_view to_string(Side s);

/// The raw price change from `from` to `to` in `direction`: positive when a buy-side move
/// (kBuy) rose, or a sell-side move (kSell) fell.
constexpr int64_t signed_move(Price from, Price to, Side direction) {
  const int64_t change = to.raw() - from.raw();
  return direction == Side::kBuy ? change : -change;
}

enum class EventKind : uint8_t {
  kTrade,         // a print: price, qty, aggressor side, buyer/seller accounts when known
  kOrderAdd,      // new resting order: id, side, price, qty, account
  kOrderCancel,   // partial cancel: qty is the cancelled amount
  kOrderDelete,   // full cancel of what remains of order id
  kOrderReplace,  // id replaced by ref with new price and qty (loses time priority)
  kOrderExecute,  // resting order id executed for qty at price; ref is the match id
  kQuote,         // top of book: price/qty = bid, price2/qty2 = ask
  kStatus,        // trading status change (halt, resume, ...) in `status`
};
std::string_view to_string(EventKind k);

enum class TradingStatus : uint8_t {
  kUnknown = 0,
  kTrading,
  kHalted,
  kPaused,
  kQuotationOnly,
  kClosed,
};

/// Bits of Event::flags.
namespace event_flags {
inline constexpr uint8_t kHidden = 1;           // execution of a non-displayed order
inline constexpr uint8_t kAuction = 2;          // cross / auction print
inline constexpr uint8_t kSelfTradeMarked = 4;  // the source itself marked it a self-trade
inline constexpr uint8_t kNotPrintable = 8;     // an execution the source says not to print
// From a feed that shows only the top levels of the book (a LOBSTER level-N file): the order
// event's price is within them, so the book drops what that price proves gone (OrderBook).
inline constexpr uint8_t kDepthLimited = 16;
}  // namespace event_flags

struct Event {
  Timestamp ts;
  Price price;       // trade price, order limit price, or quote bid
  Quantity qty;      // trade size, order size, cancelled/executed size, or bid size
  Price price2;      // quote ask
  Quantity qty2;     // quote ask size
  ExternalId id;     // trade id (trades) or order id (order events)
  ExternalId ref;    // trade: the account's order id; replace: new order id; execute: match id
  uint64_t seq = 0;  // 1-based line or record number in its source
  SymbolId symbol;
  AccountId account;  // owner of the order (order events)
  AccountId buyer;    // buying account of a trade, when known
  AccountId seller;   // selling account of a trade, when known
  EventKind kind = EventKind::kTrade;
  Side side = Side::kUnknown;  // trade: aggressor side; order events: the order's side
  uint8_t flags = 0;
  TradingStatus status = TradingStatus::kUnknown;
  uint16_t source = 0;  // index of the input file or stream within the run

  bool is_trade() const { return kind == EventKind::kTrade; }
  /// An add, cancel, delete, replace or execute: what changes an order book. Asked several
  /// times per event, so one unsigned compare over the kinds' range (kOrderKinds).
  bool is_order_event() const {
    return static_cast<uint8_t>(static_cast<uint8_t>(kind) - kFirstOrderKind) < kOrderKinds;
  }

 private:
  static constexpr auto kFirstOrderKind = static_cast<uint8_t>(EventKind::kOrderAdd);
  static constexpr uint8_t kOrderKinds = 5;
  static_assert(static_cast<uint8_t>(EventKind::kOrderCancel) == kFirstOrderKind + 1 &&
                    static_cast<uint8_t>(EventKind::kOrderDelete) == kFirstOrderKind + 2 &&
                    static_cast<uint8_t>(EventKind::kOrderReplace) == kFirstOrderKind + 3 &&
                    static_cast<uint8_t>(EventKind::kOrderExecute) == kFirstOrderKind + 4,
                "the order kinds follow each other from kOrderAdd");
};

}  // namespace tw
