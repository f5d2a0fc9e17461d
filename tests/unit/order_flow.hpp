// Test helper: hand-built order flow and trades of one symbol, timed in milliseconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/event.hpp"
#include "model/universe.hpp"

namespace tw::testing {

/// Builds events in the order they are written; `ms` counts from a fixed morning
/// (2023-11-14 14:30:00 UTC, 09:30 in New York).
struct OrderFlow {
  static constexpr int64_t kStartNanos = 1'699'972'200'000'000'000;

  Universe universe;
  std::vector<Event> events;
  std::string_view symbol = "ACME";

  static Timestamp at(int64_t ms) { return Timestamp::from_nanos(kStartNanos + ms * 1'000'000); }

  Event& add(int64_t ms, std::string_view id, Side side, double price, double qty,
             std::string_view account = {}) {
    Event& e = order(ms, EventKind::kOrderAdd, id, side, account);
    e.price = Price::from_double(price);
    e.qty = Quantity::from_double(qty);
    return e;
  }
  /// A partial cancel of `qty`.
  Event& cancel(int64_t ms, std::string_view id, double qty) {
    Event& e = order(ms, EventKind::kOrderCancel, id, Side::kUnknown, {});
    e.qty = Quantity::from_double(qty);
    return e;
  }
  /// A full cancel of what is left.
  Event& remove(int64_t ms, std::string_view id) {
    return order(ms, EventKind::kOrderDelete, id, Side::kUnknown, {});
  }
  /// `qty` of the resting order `id` trades; the engine prints it at the order's price.
  Event& execute(int64_t ms, std::string_view id, double qty) {
    Event& e = order(ms, EventKind::kOrderExecute, id, Side::kUnknown, {});
    e.qty = Quantity::from_double(qty);
    return e;
  }
  /// A print with `aggressor` as the initiating side.
  Event& trade(int64_t ms, Side aggressor, double price, double qty, std::string_view buyer = {},
               std::string_view seller = {}) {
    Event& e = next(ms, EventKind::kTrade);
    e.side = aggressor;
    e.price = Price::from_double(price);
    e.qty = Quantity::from_double(qty);
    // Appended, not "t" + std::to_string(): inlined into a loop, operator+ trips GCC 12's
    // -Wrestrict, a false positive (GCC bug 105329).
    std::string id(1, 't');
    id += std::to_string(events.size());
    e.id = ExternalId::from_text(id);
    if (!buyer.empty()) e.buyer = universe.account(buyer);
    if (!seller.empty()) e.seller = universe.account(seller);
    return e;
  }
  /// Top of book: best bid and ask with their sizes.
  Event& quote(int64_t ms, double bid, double bid_qty, double ask, double ask_qty) {
    Event& e = next(ms, EventKind::kQuote);
    e.price = Price::from_double(bid);
    e.qty = Quantity::from_double(bid_qty);
    e.price2 = Price::from_double(ask);
    e.qty2 = Quantity::from_double(ask_qty);
    return e;
  }

 private:
  Event& next(int64_t ms, EventKind kind) {
    Event& e = events.emplace_back();
    e.ts = at(ms);
    e.kind = kind;
    e.symbol = universe.symbol(symbol);
    e.seq = events.size();
    return e;
  }
  Event& order(int64_t ms, EventKind kind, std::string_view id, Side side,
               std::string_view account) {
    Event& e = next(ms, kind);
    e.id = ExternalId::from_text(id);
    e.side = side;
    if (!account.empty()) e.account = universe.account(account);
    return e;
  }
};

}  // namespace tw::testing
