#include "detect/order_messages.hpp"

#include <bit>

#include "util/hash.hpp"

namespace tw {

void MessageCounts::count(EventKind kind) {
  switch (kind) {
    case EventKind::kOrderAdd:
      ++adds;
      break;
    case EventKind::kOrderCancel:
      ++cancels;
      break;
    case EventKind::kOrderDelete:
      ++deletes;
      break;
    case EventKind::kOrderReplace:
      ++replaces;
      break;
    case EventKind::kOrderExecute:
      ++executions;
      break;
    case EventKind::kTrade:
    case EventKind::kQuote:
    case EventKind::kStatus:
      break;
  }
}

MessageCounts& MessageCounts::operator+=(const MessageCounts& o) {
  adds += o.adds;
  cancels += o.cancels;
  deletes += o.deletes;
  replaces += o.replaces;
  executions += o.executions;
  return *this;
}

void MessageCounts::write(JsonObjectWriter& out) const {
  out.field("adds", adds)
      .field("cancels", cancels)
      .field("deletes", deletes)
      .field("replaces", replaces)
      .field("executions", executions);
}

AccountId order_owner(const Event& e, const OrderBook* book) {
  if (e.account || book == nullptr) return e.account;
  return book->owner_of_last_event();
}

}  // namespace tw
