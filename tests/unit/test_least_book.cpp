#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "book/least_book.hpp"
#include "book/order_book.hpp"

using namespace tw;

namespace {

Event order(EventKind kind, uint32_t symbol, uint64_t id, Side side, int64_t price, int64_t size) {
  Event e;
  e.kind = kind;
  e.symbol = SymbolId{symbol};
  e.id = ExternalId::number(id);
  e.side = side;
  e.price = Price::from_raw(price * (kFixedScale / 100));
  e.qty = Quantity::from_units(size);
  return e;
}

uint64_t next_random(uint64_t& x) {
  x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x >> 33;
}

}  // namespace

// The least book's level totals are the full book's, level by level, over random adds,
// cancels, executions, deletes and replaces of three symbols (ids in one space, as ITCH's),
// with messages the full book counts as odd (unknown ids, duplicate adds, overfills) mixed in.
TEST(LeastBook, KeepsTheLevelTotalsOfTheFullBook) {
  constexpr uint32_t kSymbols = 3;
  LeastBook least;
  std::vector<OrderBook> books(kSymbols);
  struct Live {
    uint32_t symbol;
    uint64_t id;
    Side side;
  };
  std::vector<Live> live;
  uint64_t x = 5, next_id = 1;
  auto apply = [&](const Event& e) {
    least.prefetch(e);
    least.apply(e);
    books[e.symbol.value].apply(e);
  };
  for (int step = 0; step < 40'000; ++step) {
    const uint64_t roll = next_random(x) % 10;
    if (live.size() < 40 || roll < 4) {
      const auto symbol = static_cast<uint32_t>(next_random(x) % kSymbols);
      const Side side = next_random(x) % 2 ? Side::kBuy : Side::kSell;
      const auto price =
          static_cast<int64_t>((side == Side::kBuy ? 900 : 1000) + next_random(x) % 30);
      const uint64_t id = next_id++;
      apply(order(EventKind::kOrderAdd, symbol, id, side, price, 1 + next_random(x) % 50));
      live.push_back({symbol, id, side});
      continue;
    }
    if (roll == 4) {  // an id nobody added, and an add of an id that may rest already
      const Live o = live.back();
      apply(order(EventKind::kOrderDelete, o.symbol, next_id + 1'000'000, Side::kUnknown, 0, 0));
      apply(order(EventKind::kOrderAdd, o.symbol, o.id, o.side, o.side == Side::kBuy ? 950 : 1050,
                  7));
      continue;
    }
    const size_t pick = next_random(x) % live.size();
    const Live o = live[pick];
    const int64_t size = 1 + static_cast<int64_t>(next_random(x) % 60);  // may overfill
    switch (roll) {
      case 5:
        apply(order(EventKind::kOrderCancel, o.symbol, o.id, Side::kUnknown, 0, size));
        break;
      case 6:
        apply(order(EventKind::kOrderExecute, o.symbol, o.id, Side::kUnknown, 0, size));
        break;
      case 7: {
        Event replace = order(EventKind::kOrderReplace, o.symbol, o.id, Side::kUnknown,
                              o.side == Side::kBuy ? 905 : 1005, size);
        replace.ref = ExternalId::number(next_id);
        apply(replace);
        live[pick].id = next_id++;
        break;
      }
      default:
        apply(order(EventKind::kOrderDelete, o.symbol, o.id, Side::kUnknown, 0, 0));
        live[pick] = live.back();
        live.pop_back();
    }
  }
  size_t levels = 0, orders = 0;
  for (uint32_t symbol = 0; symbol < kSymbols; ++symbol) {
    const OrderBook& book = books[symbol];
    orders += book.live_orders();
    for (Side side : {Side::kBuy, Side::kSell}) {
      levels += book.depth(side);
      for (size_t i = 0; i < book.depth(side); ++i) {
        const BookLevel level = book.level(side, i);
        EXPECT_EQ(least.level_size(SymbolId{symbol}, side, level.price), level.qty)
            << "symbol " << symbol << " price " << level.price.raw();
      }
    }
  }
  EXPECT_GT(orders, 100u);
  EXPECT_EQ(least.live_orders(), orders);
  EXPECT_EQ(least.live_levels(), levels);
  EXPECT_EQ(least.level_size(SymbolId{0}, Side::kBuy, Price::from_raw(1)), Quantity{});
}
