// How long a print's resting order waited in the book before it was taken (order-level feeds).
#pragma once

#include <optional>

#include "book/order_book.hpp"
#include "model/event.hpp"

namespace tw {

/// The time from the placement of the trade `print`'s resting order to the trade, when `book`
/// (the print's symbol, with the print's execution the last event it applied, as the engine
/// hands a print to the rules) knows the order; none for a trade that was no execution of a
/// known order, or whose aggressor is not known. A prearranged trade's resting order is taken
/// as soon as it shows, the counter order standing ready; an order of the ordinary flow waits
/// for whoever comes.
std::optional<Duration> resting_age(const OrderBook* book, const Event& print);

/// Whether `print`'s resting order is known to have waited longer than `limit` (a zero or
/// negative limit asks nothing: false).
bool resting_order_waited(const OrderBook* book, const Event& print, Duration limit);

}  // namespace tw
