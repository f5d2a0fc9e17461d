#include "model/event.hpp"

namespace tw {

std::string_view to_string(Side s) {
  switch (s) {
    case Side::kBuy:
      return "BUY";
    case Side::kSell:
      return "SELL";
    case Side::kUnknown:
      break;
  }
  return "UNKNOWN";
}

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::kTrade:
      return "trade";
    case EventKind::kOrderAdd:
      return "add";
    case EventKind::kOrderCancel:
      return "cancel";
    case EventKind::kOrderDelete:
      return "delete";
    case EventKind::kOrderReplace:
      return "replace";
    case EventKind::kOrderExecute:
      return "execute";
    case EventKind::kQuote:
      return "quote";
    case EventKind::kStatus:
      return "status";
  }
  return "unknown";
}

}  // namespace tw
