#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

#include "sim/matching_book.hpp"
#include "sim/random.hpp"

using namespace tw;
using namespace tw::sim;

namespace {

struct Market {
  uint64_t matches = 0;
  MatchingBook book{SymbolId{1}, Price::from_raw(kFixedScale / 100), &matches};
  std::vector<Event> out;
  Timestamp now = Timestamp::from_nanos(1'000);

  int64_t send(uint64_t id, uint32_t account, Side side, int64_t price, int64_t qty,
               bool immediate = false) {
    return book.submit({id, AccountId{account}, side, price, qty, immediate}, now, out);
  }
  std::vector<Event> take() {
    std::vector<Event> events;
    events.swap(out);
    return events;
  }
};

Price ticks(int64_t t) {
  return Price::from_raw(t * (kFixedScale / 100));
}

}  // namespace

// The better price fills first, and at one price the older order; each fill is at the resting
// order's price and names both parties and a new match number.
TEST(MatchingBook, FillsBestPriceFirstThenOldestAtThePrice) {
  Market m;
  m.send(1, 10, Side::kSell, 1002, 300);
  m.send(2, 11, Side::kSell, 1001, 200);
  m.send(3, 12, Side::kSell, 1001, 200);
  m.take();
  EXPECT_EQ(m.send(4, 20, Side::kBuy, 1002, 500), 500);
  const std::vector<Event> fills = m.take();
  ASSERT_EQ(fills.size(), 3u);
  const uint64_t order_of_fill[] = {2, 3, 1};
  const int64_t size_of_fill[] = {200, 200, 100};
  const int64_t price_of_fill[] = {1001, 1001, 1002};
  std::set<std::string> matches;
  for (size_t i = 0; i < 3; ++i) {
    const Event& e = fills[i];
    EXPECT_EQ(e.kind, EventKind::kOrderExecute);
    EXPECT_EQ(e.id, ExternalId::number(order_of_fill[i]));
    EXPECT_EQ(e.qty, Quantity::from_units(size_of_fill[i]));
    EXPECT_EQ(e.price, ticks(price_of_fill[i]));
    EXPECT_EQ(e.side, Side::kSell);  // the resting order's side
    EXPECT_EQ(e.buyer, AccountId{20});
    EXPECT_EQ(e.seller, e.account);
    matches.insert(e.ref.to_string());
  }
  EXPECT_EQ(fills[0].seller, AccountId{11});
  EXPECT_EQ(matches.size(), 3u);
  EXPECT_EQ(m.book.resting_qty(1), 200);
  EXPECT_EQ(m.book.best_ask(), 1002);
  EXPECT_FALSE(m.book.has_bid());
}

// What a limit order does not fill rests at its price; an immediate-only order's rest is
// dropped; an order that reaches no price rests whole.
TEST(MatchingBook, RestsWhatIsLeftUnlessImmediateOnly) {
  Market m;
  m.send(1, 10, Side::kSell, 1001, 100);
  m.take();
  EXPECT_EQ(m.send(2, 20, Side::kBuy, 1001, 300), 100);
  std::vector<Event> events = m.take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, EventKind::kOrderAdd);
  EXPECT_EQ(events[1].qty, Quantity::from_units(200));
  EXPECT_EQ(events[1].account, AccountId{20});
  EXPECT_EQ(m.book.best_bid(), 1001);
  EXPECT_FALSE(m.book.has_ask());

  EXPECT_EQ(m.send(3, 30, Side::kSell, 1001, 500, /*immediate=*/true), 200);
  EXPECT_EQ(m.take().size(), 1u);  // the fill, no add
  EXPECT_FALSE(m.book.has_bid());
  EXPECT_FALSE(m.book.has_ask());

  EXPECT_EQ(m.send(4, 30, Side::kSell, 1005, 100), 0);
  EXPECT_EQ(m.send(5, 31, Side::kBuy, 1004, 100), 0);
  EXPECT_EQ(m.book.best_bid(), 1004);
  EXPECT_EQ(m.book.best_ask(), 1005);
  EXPECT_EQ(m.send(5, 31, Side::kBuy, 1004, 100), 0);  // an id that rests already: refused
  EXPECT_EQ(m.book.size_at(Side::kBuy, 1004), 100);
}

TEST(MatchingBook, CancelsPartOrAllOfARestingOrder) {
  Market m;
  m.send(1, 10, Side::kBuy, 1000, 500);
  m.send(2, 11, Side::kBuy, 1000, 100);
  m.take();
  EXPECT_TRUE(m.book.cancel(1, 200, m.now, m.out));
  EXPECT_TRUE(m.book.cancel(2, 1000, m.now, m.out));
  EXPECT_FALSE(m.book.cancel(2, 1, m.now, m.out));
  EXPECT_FALSE(m.book.cancel(99, 1, m.now, m.out));
  const std::vector<Event> events = m.take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, EventKind::kOrderCancel);
  EXPECT_EQ(events[0].qty, Quantity::from_units(200));
  EXPECT_EQ(events[1].kind, EventKind::kOrderDelete);
  EXPECT_EQ(events[1].account, AccountId{11});
  EXPECT_EQ(m.book.resting_qty(1), 300);
  EXPECT_EQ(m.book.size_at(Side::kBuy, 1000), 300);
  EXPECT_EQ(m.book.live_orders(), 1u);
}

// Depth counts the best levels that hold orders, however many ticks apart they are.
TEST(MatchingBook, DepthSumsTheBestLevelsWithOrders) {
  Market m;
  m.send(1, 10, Side::kBuy, 1000, 100);
  m.send(2, 11, Side::kBuy, 1000, 50);
  m.send(3, 12, Side::kBuy, 990, 200);
  m.send(4, 13, Side::kBuy, 950, 400);
  m.send(5, 14, Side::kSell, 1010, 70);
  EXPECT_EQ(m.book.depth(Side::kBuy, 1), 150);
  EXPECT_EQ(m.book.depth(Side::kBuy, 2), 350);
  EXPECT_EQ(m.book.depth(Side::kBuy, 3), 750);
  EXPECT_EQ(m.book.depth(Side::kBuy, 10), 750);
  EXPECT_EQ(m.book.depth(Side::kSell, 10), 70);
  EXPECT_EQ(m.book.depth(Side::kSell, 0), 0);
}

// Random flow: after every order the book is neither crossed nor locked, and every size the
// events tell adds up to what rests.
TEST(MatchingBook, RandomFlowNeverCrossesAndItsEventsAddUp) {
  Market m;
  Rng rng(7, 1);
  std::vector<uint64_t> ids;
  int64_t added = 0, removed = 0;
  for (uint64_t id = 1; id <= 20'000; ++id) {
    if (!ids.empty() && rng.chance(0.3)) {
      const uint32_t pick = rng.below(static_cast<uint32_t>(ids.size()));
      m.book.cancel(ids[pick], 1 + rng.below(300), m.now, m.out);
      ids[pick] = ids.back();
      ids.pop_back();
    }
    const Side side = rng.chance(0.5) ? Side::kBuy : Side::kSell;
    const auto price = static_cast<int64_t>(990 + rng.below(21));
    m.send(id, rng.below(50), side, price, 1 + rng.below(500), rng.chance(0.1));
    ids.push_back(id);
    if (m.book.has_bid() && m.book.has_ask()) {
      ASSERT_LT(m.book.best_bid(), m.book.best_ask()) << "after order " << id;
    }
    for (const Event& e : m.take()) {
      const int64_t units = e.qty.raw() / kFixedScale;
      if (e.kind == EventKind::kOrderAdd) added += units;
      if (e.kind != EventKind::kOrderAdd) removed += units;
    }
  }
  int64_t resting = 0;
  for (int64_t price = 990; price <= 1010; ++price) {
    resting += m.book.size_at(Side::kBuy, price) + m.book.size_at(Side::kSell, price);
  }
  EXPECT_GT(resting, 0);
  EXPECT_EQ(added - removed, resting);
}
