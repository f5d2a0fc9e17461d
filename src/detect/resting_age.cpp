#include "detect/resting_age.hpp"

namespace tw {

std::optional<Duration> resting_age(const OrderBook* book, const Event& print) {
  if (book == nullptr || (print.side != Side::kBuy && print.side != Side::kSell)) return {};
  RestingOrder order;
  if (!book->order_of_last_event(order)) return {};
  // The book's last event is this print's execution when its order is the resting party's, on
  // the resting side at the print's price; a trade not made from an execution names another.
  const Side resting_side = opposite(print.side);
  const AccountId rester = resting_side == Side::kBuy ? print.buyer : print.seller;
  if (order.side != resting_side || order.account != rester || order.price != print.price) {
    return {};
  }
  return print.ts - order.added;
}

bool resting_order_waited(const OrderBook* book, const Event& print, Duration limit) {
  if (limit <= Duration{}) return false;
  const std::optional<Duration> age = resting_age(book, print);
  return age && *age > limit;
}

}  // namespace tw
