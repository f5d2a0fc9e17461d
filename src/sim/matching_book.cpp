#include "sim/matching_book.hpp"

#include <algorithm>

namespace tw::sim {

MatchingBook::MatchingBook(SymbolId symbol, Price tick, uint64_t* next_match)
    : symbol_(symbol), tick_(tick), next_match_(next_match) {}

int64_t MatchingBook::submit(const OrderRequest& order, Timestamp now, std::vector<Event>& out) {
  if (order.qty <= 0 || order.price_ticks <= 0 || where_.contains(order.id)) return 0;
  const int64_t left = match(order, now, out);
  if (left > 0 && !order.immediate_only) rest(order, left, now, out);
  return order.qty - left;
}

int64_t MatchingBook::match(const OrderRequest& order, Timestamp now, std::vector<Event>& out) {
  const bool buying = order.side == Side::kBuy;
  std::map<int64_t, Level>& other = buying ? asks_ : bids_;
  int64_t left = order.qty;
  while (left > 0 && !other.empty()) {
    auto best = buying ? other.begin() : std::prev(other.end());
    const int64_t price = best->first;
    if (buying ? price > order.price_ticks : price < order.price_ticks) break;
    Level& level = best->second;
    while (left > 0 && !level.empty()) {
      Resting& resting = level.front();
      if (order.smp_group != 0 && resting.smp_group == order.smp_group) {
        pull_front(level, now, out);
        continue;
      }
      const int64_t fill = std::min(left, resting.qty);
      Event e =
          event_of(EventKind::kOrderExecute, resting.id, opposite(order.side), price, fill, now);
      e.account = resting.account;
      e.buyer = buying ? order.account : resting.account;
      e.seller = buying ? resting.account : order.account;
      e.ref = ExternalId::number(++*next_match_);
      out.push_back(e);
      left -= fill;
      resting.qty -= fill;
      if (resting.qty == 0) {
        where_.erase(resting.id);
        level.pop_front();
      }
    }
    if (level.empty()) other.erase(best);
  }
  return left;
}

void MatchingBook::rest(const OrderRequest& order, int64_t qty, Timestamp now,
                        std::vector<Event>& out) {
  (order.side == Side::kBuy ? bids_ : asks_)[order.price_ticks].push_back(
      {order.id, qty, order.account, order.smp_group});
  where_.emplace(order.id, Location{order.side, order.price_ticks});
  Event e = event_of(EventKind::kOrderAdd, order.id, order.side, order.price_ticks, qty, now);
  e.account = order.account;
  out.push_back(e);
}

void MatchingBook::pull_front(Level& level, Timestamp now, std::vector<Event>& out) {
  const Resting& resting = level.front();
  const Location at = where_.at(resting.id);
  Event e =
      event_of(EventKind::kOrderDelete, resting.id, at.side, at.price_ticks, resting.qty, now);
  e.account = resting.account;
  out.push_back(e);
  where_.erase(resting.id);
  level.pop_front();
}

bool MatchingBook::cancel(uint64_t id, int64_t qty, Timestamp now, std::vector<Event>& out) {
  auto found = where_.find(id);
  if (found == where_.end()) return false;
  const Location at = found->second;
  Level& level = *level_of(at);
  auto resting =
      std::find_if(level.begin(), level.end(), [id](const Resting& r) { return r.id == id; });
  if (qty < resting->qty) {
    resting->qty -= qty;
    Event e = event_of(EventKind::kOrderCancel, id, at.side, at.price_ticks, qty, now);
    e.account = resting->account;
    out.push_back(e);
    return true;
  }
  Event e = event_of(EventKind::kOrderDelete, id, at.side, at.price_ticks, resting->qty, now);
  e.account = resting->account;
  out.push_back(e);
  level.erase(resting);
  where_.erase(found);
  erase_level_if_empty(at);
  return true;
}

int64_t MatchingBook::depth(Side side, size_t levels) const {
  auto sum = [levels](auto first, auto last) {
    int64_t total = 0;
    for (size_t n = 0; first != last && n < levels; ++first, ++n) {
      for (const Resting& r : first->second) total += r.qty;
    }
    return total;
  };
  return side == Side::kBuy ? sum(bids_.rbegin(), bids_.rend()) : sum(asks_.begin(), asks_.end());
}

int64_t MatchingBook::size_at(Side side, int64_t price_ticks) const {
  const auto& levels = side == Side::kBuy ? bids_ : asks_;
  auto found = levels.find(price_ticks);
  if (found == levels.end()) return 0;
  int64_t total = 0;
  for (const Resting& r : found->second) total += r.qty;
  return total;
}

std::vector<uint64_t> MatchingBook::orders_between(Side side, int64_t low, int64_t high) const {
  const auto& levels = side == Side::kBuy ? bids_ : asks_;
  std::vector<uint64_t> ids;
  for (auto it = levels.lower_bound(low); it != levels.end() && it->first <= high; ++it) {
    for (const Resting& r : it->second) ids.push_back(r.id);
  }
  return ids;
}

int64_t MatchingBook::resting_qty(uint64_t id) const {
  auto found = where_.find(id);
  if (found == where_.end()) return 0;
  const auto& levels = found->second.side == Side::kBuy ? bids_ : asks_;
  for (const Resting& r : levels.at(found->second.price_ticks)) {
    if (r.id == id) return r.qty;
  }
  return 0;
}

Event MatchingBook::event_of(EventKind kind, uint64_t id, Side side, int64_t price_ticks,
                             int64_t qty, Timestamp now) const {
  Event e;
  e.kind = kind;
  e.ts = now;
  e.symbol = symbol_;
  e.id = ExternalId::number(id);
  e.side = side;
  e.price = price_of(price_ticks);
  e.qty = Quantity::from_units(qty);
  return e;
}

MatchingBook::Level* MatchingBook::level_of(const Location& at) {
  auto& levels = at.side == Side::kBuy ? bids_ : asks_;
  return &levels.at(at.price_ticks);
}

void MatchingBook::erase_level_if_empty(const Location& at) {
  auto& levels = at.side == Side::kBuy ? bids_ : asks_;
  if (auto found = levels.find(at.price_ticks); found != levels.end() && found->second.empty()) {
    levels.erase(found);
  }
}

}  // namespace tw::sim
