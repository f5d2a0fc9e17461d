#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

#include "book/order_book.hpp"
#include "sim/random.hpp"

using namespace tw;

namespace {

struct ModelOrder {
  Side side;
  int64_t cents;
  int64_t size;
  uint32_t account;
};

Event order_event(EventKind kind, uint64_t id, const ModelOrder& o) {
  Event e;
  e.kind = kind;
  e.id = ExternalId::number(id);
  e.side = o.side;
  e.price = Price::from_raw(o.cents * (kFixedScale / 100));
  e.qty = Quantity::from_units(o.size);
  e.account = AccountId{o.account};
  return e;
}

// What account_size_at must say: the sum over the model's orders.
int64_t model_size(const std::map<uint64_t, ModelOrder>& live, Side side, int64_t cents,
                   uint32_t account) {
  int64_t total = 0;
  for (const auto& [id, o] : live) {
    if (o.side == side && o.cents == cents && o.account == account) total += o.size;
  }
  return total;
}

}  // namespace

// Adds with and without accounts, cancels, executions, deletes and replaces at a few prices:
// after every event, each account's size at each price is the sum over its live orders.
TEST(OrderBookAccounts, AnAccountsSizeAtAPriceFollowsEveryChange) {
  OrderBook book;
  std::map<uint64_t, ModelOrder> live;
  sim::Rng rng(5, 1);
  uint64_t next_id = 1;
  for (int step = 0; step < 4000; ++step) {
    const double pick = rng.uniform();
    if (live.empty() || pick < 0.45) {
      ModelOrder o{rng.chance(0.5) ? Side::kBuy : Side::kSell, 1000 + rng.below(3),
                   1 + rng.below(9), rng.below(4)};
      book.apply(order_event(EventKind::kOrderAdd, next_id, o));
      live[next_id++] = o;
    } else {
      auto it = live.begin();
      std::advance(it, rng.below(static_cast<uint32_t>(live.size())));
      ModelOrder& o = it->second;
      if (pick < 0.6 && o.size > 1) {
        ModelOrder part = o;
        part.size = 1 + rng.below(static_cast<uint32_t>(o.size - 1));
        book.apply(order_event(rng.chance(0.5) ? EventKind::kOrderCancel : EventKind::kOrderExecute,
                               it->first, part));
        o.size -= part.size;
      } else if (pick < 0.8) {
        book.apply(order_event(EventKind::kOrderDelete, it->first, o));
        live.erase(it);
      } else {  // a replace names no account: the new order keeps the old one's
        ModelOrder replacement{o.side, 1000 + rng.below(3), 1 + rng.below(9), 0};
        Event e = order_event(EventKind::kOrderReplace, it->first, replacement);
        replacement.account = o.account;
        e.ref = ExternalId::number(next_id);
        book.apply(e);
        live.erase(it);
        live[next_id++] = replacement;
      }
    }
    for (Side side : {Side::kBuy, Side::kSell}) {
      for (int64_t cents = 1000; cents < 1003; ++cents) {
        for (uint32_t account = 0; account < 4; ++account) {
          const Price price = Price::from_raw(cents * (kFixedScale / 100));
          ASSERT_EQ(book.account_size_at(side, price, AccountId{account}).raw(),
                    model_size(live, side, cents, account) * kFixedScale)
              << "step " << step << " account " << account << " at " << cents;
        }
      }
    }
  }
}
