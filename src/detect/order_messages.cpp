#include "detect/order_messages.hpp"

namespace tw {

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

}  // namespace tw
