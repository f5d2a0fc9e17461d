#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

#include "book/order_book.hpp"

using namespace tw;

namespace {

Event order(EventKind kind, uint64_t id, Side side, int64_t price_cents, int64_t size) {
  Event e;
  e.kind = kind;
  e.id = ExternalId::number(id);
  e.side = side;
  e.price = Price::from_raw(price_cents * (kFixedScale / 100));
  e.qty = Quantity::from_units(size);
  return e;
}
Event add(uint64_t id, Side side, int64_t price_cents, int64_t size) {
  return order(EventKind::kOrderAdd, id, side, price_cents, size);
}
Price cents(int64_t c) {
  return Price::from_raw(c * (kFixedScale / 100));
}

/// The side's levels, best first, as (price in cents, size, orders).
std::vector<std::tuple<int64_t, int64_t, uint32_t>> levels(const OrderBook& book, Side side) {
  std::vector<std::tuple<int64_t, int64_t, uint32_t>> out;
  for (size_t i = 0; i < book.depth(side); ++i) {
    BookLevel l = book.level(side, i);
    out.emplace_back(l.price.raw() / (kFixedScale / 100), l.qty.raw() / kFixedScale, l.orders);
  }
  return out;
}
using Levels = std::vector<std::tuple<int64_t, int64_t, uint32_t>>;

/// `e` as a depth-limited feed (a LOBSTER level-N file) gives it.
Event limited(Event e) {
  e.flags |= event_flags::kDepthLimited;
  return e;
}
Event at_second(Event e, int64_t second) {
  e.ts = Timestamp::from_nanos(second * 1'000'000'000);
  return e;
}

/// Bids at 10.02 (stale: cancelled unseen below the feed's depth), 10.00 (two orders) and
/// 9.98; an ask at 10.10.
OrderBook book_with_stale_bid(bool depth_limited) {
  OrderBook book;
  auto apply = [&](Event e) { book.apply(depth_limited ? limited(e) : e); };
  apply(add(1, Side::kBuy, 1002, 5));
  apply(add(2, Side::kBuy, 1000, 7));
  apply(add(3, Side::kBuy, 1000, 3));
  apply(add(4, Side::kBuy, 998, 9));
  apply(add(5, Side::kSell, 1010, 4));
  return book;
}

}  // namespace

TEST(OrderBook, LevelsAreBestFirstOnBothSides) {
  OrderBook book;
  book.apply(add(1, Side::kBuy, 1000, 5));
  book.apply(add(2, Side::kBuy, 1002, 7));
  book.apply(add(3, Side::kBuy, 1000, 3));
  book.apply(add(4, Side::kSell, 1010, 4));
  book.apply(add(5, Side::kSell, 1005, 6));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1002, 7, 1}, {1000, 8, 2}}));
  EXPECT_EQ(levels(book, Side::kSell), (Levels{{1005, 6, 1}, {1010, 4, 1}}));
  EXPECT_EQ(book.best_price(Side::kBuy), cents(1002));
  EXPECT_EQ(book.best_price(Side::kSell), cents(1005));
  EXPECT_EQ(book.live_orders(), 5u);
  EXPECT_EQ(book.size_at(Side::kBuy, cents(1000)).raw(), 8 * kFixedScale);
  EXPECT_FALSE(book.size_at(Side::kBuy, cents(1001)).is_positive());
}

TEST(OrderBook, CancelsDeletesExecutionsAndReplacesChangeTheLevels) {
  OrderBook book;
  book.apply(add(1, Side::kBuy, 1000, 10));
  book.apply(add(2, Side::kBuy, 1000, 4));
  book.apply(order(EventKind::kOrderCancel, 1, Side::kBuy, 1000, 3));   // 7 left
  book.apply(order(EventKind::kOrderExecute, 2, Side::kBuy, 1000, 4));  // gone
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 7, 1}}));
  Event replace = order(EventKind::kOrderReplace, 1, Side::kUnknown, 1001, 2);
  replace.ref = ExternalId::number(9);
  book.apply(replace);  // order 1 becomes order 9: 2 at 10.01, same side
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1001, 2, 1}}));
  book.apply(order(EventKind::kOrderDelete, 9, Side::kBuy, 1001, 0));
  EXPECT_EQ(book.depth(Side::kBuy), 0u);
  EXPECT_EQ(book.live_orders(), 0u);
  const BookDiagnostics& d = book.diagnostics();
  EXPECT_EQ(d.unknown_order + d.duplicate_add + d.overfill + d.crossed + d.locked, 0u);
}

TEST(OrderBook, OddMessagesAreCountedNotFatal) {
  OrderBook book;
  book.apply(add(1, Side::kBuy, 1000, 5));
  book.apply(add(1, Side::kBuy, 1000, 5));                              // duplicate
  book.apply(order(EventKind::kOrderCancel, 77, Side::kBuy, 1000, 1));  // unknown
  book.apply(order(EventKind::kOrderExecute, 1, Side::kBuy, 1000, 9));  // overfill: all 5 go
  EXPECT_EQ(book.depth(Side::kBuy), 0u);
  book.apply(add(2, Side::kBuy, 1000, 5));
  book.apply(add(3, Side::kSell, 1000, 5));  // locked
  book.apply(add(4, Side::kSell, 999, 5));   // crossed
  const BookDiagnostics& d = book.diagnostics();
  EXPECT_EQ(d.duplicate_add, 1u);
  EXPECT_EQ(d.unknown_order, 1u);
  EXPECT_EQ(d.overfill, 1u);
  EXPECT_EQ(d.locked, 1u);
  EXPECT_EQ(d.crossed, 1u);
}

TEST(OrderBook, SetLevelAddsUnseenSizeAndDropsOrdersGoneUnseen) {
  OrderBook book;
  book.set_level(Side::kSell, cents(1005), Quantity::from_units(300));  // seeded, no orders
  // A message about an order the book never saw comes off the seeded size.
  book.apply(order(EventKind::kOrderExecute, 50, Side::kSell, 1005, 100));
  EXPECT_EQ(levels(book, Side::kSell), (Levels{{1005, 200, 0}}));
  EXPECT_EQ(book.diagnostics().seeded_reduced, 1u);

  book.apply(add(1, Side::kBuy, 1000, 71));
  book.apply(add(2, Side::kBuy, 1000, 100));
  book.apply(add(3, Side::kBuy, 1000, 19));
  // The level shrank by 19 while out of view: the order of exactly 19 left.
  book.set_level(Side::kBuy, cents(1000), Quantity::from_units(171));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 171, 2}}));
  book.apply(order(EventKind::kOrderDelete, 2, Side::kBuy, 1000, 0));
  book.apply(order(EventKind::kOrderDelete, 1, Side::kBuy, 1000, 0));
  EXPECT_EQ(book.depth(Side::kBuy), 0u);
  // No order of the difference: the oldest go first.
  book.apply(add(4, Side::kBuy, 1000, 10));
  book.apply(add(5, Side::kBuy, 1000, 10));
  book.set_level(Side::kBuy, cents(1000), Quantity::from_units(15));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 15, 1}}));
  book.apply(order(EventKind::kOrderDelete, 5, Side::kBuy, 1000, 0));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 5, 0}}));
  book.set_level(Side::kBuy, cents(1000), Quantity{});
  EXPECT_EQ(book.depth(Side::kBuy), 0u);
}

// 60,000 random adds, cancels, executions and deletes over 40 price levels against a plain
// model: every level's size and order count, and the index through growth and deletions.
TEST(OrderBook, MatchesAPlainModel) {
  OrderBook book;
  struct Live {
    Side side;
    int64_t price, size;
  };
  std::map<uint64_t, Live> live;
  uint64_t x = 9, next_id = 1;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  // Each event is prefetched as the engine does, which must change nothing.
  auto apply = [&book](const Event& e) {
    book.prefetch(e, true);
    book.prefetch(e, false);
    book.apply(e);
  };
  for (int step = 0; step < 60'000; ++step) {
    if (live.size() < 50 || next() % 3 == 0) {
      Side side = next() % 2 ? Side::kBuy : Side::kSell;
      int64_t price = side == Side::kBuy ? 900 + next() % 20 : 1000 + next() % 20;
      int64_t size = 1 + next() % 100;
      uint64_t id = next_id++ * 2654435761ULL;  // spread ids
      apply(add(id, side, price, size));
      live[id] = {side, price, size};
      continue;
    }
    auto it = live.begin();
    std::advance(it, static_cast<long>(next() % live.size()));
    Live& o = it->second;
    int64_t size = 1 + static_cast<int64_t>(next() % static_cast<uint64_t>(o.size));
    switch (next() % 3) {
      case 0:
        apply(order(EventKind::kOrderCancel, it->first, o.side, o.price, size));
        break;
      case 1:
        apply(order(EventKind::kOrderExecute, it->first, o.side, o.price, size));
        break;
      default:
        apply(order(EventKind::kOrderDelete, it->first, o.side, o.price, 0));
        size = o.size;
    }
    o.size -= size;
    if (o.size == 0) live.erase(it);
  }
  std::map<std::pair<Side, int64_t>, std::pair<int64_t, uint32_t>> model;
  for (const auto& [id, o] : live) {
    auto& level = model[{o.side, o.price}];
    level.first += o.size;
    ++level.second;
  }
  Levels bids, asks;
  for (auto it = model.rbegin(); it != model.rend(); ++it) {
    if (it->first.first == Side::kBuy) {
      bids.emplace_back(it->first.second, it->second.first, it->second.second);
    }
  }
  for (const auto& [key, level] : model) {
    if (key.first == Side::kSell) asks.emplace_back(key.second, level.first, level.second);
  }
  EXPECT_EQ(levels(book, Side::kBuy), bids);
  EXPECT_EQ(levels(book, Side::kSell), asks);
  EXPECT_EQ(book.live_orders(), live.size());
  EXPECT_EQ(book.diagnostics().unknown_order, 0u);
}

// Prefetching asks for memory and nothing else, whatever the event: ids and prices the book
// never saw, an add with no side, events that are not order events.
TEST(OrderBook, PrefetchingOddEventsChangesNothing) {
  OrderBook book;
  book.apply(add(1, Side::kBuy, 1000, 5));
  const Levels before = levels(book, Side::kBuy);
  Event unsided = add(2, Side::kUnknown, 1000, 5);
  Event trade = add(3, Side::kSell, 1000, 5);
  trade.kind = EventKind::kTrade;
  for (const Event& e : {add(1, Side::kBuy, 1000, 5), add(4, Side::kSell, 1200, 1), unsided, trade,
                         order(EventKind::kOrderDelete, 99, Side::kBuy, 1000, 0),
                         order(EventKind::kOrderCancel, 1, Side::kBuy, 1000, 2)}) {
    OrderBook empty;
    for (bool first : {true, false}) {
      book.prefetch(e, first);
      empty.prefetch(e, first);
    }
  }
  EXPECT_EQ(levels(book, Side::kBuy), before);
  EXPECT_EQ(book.depth(Side::kSell), 0u);
  EXPECT_EQ(book.live_orders(), 1u);
}

TEST(OrderBook, TellsWhatTheLastEventTookOutWhole) {
  OrderBook book;
  Event first = add(1, Side::kBuy, 1000, 10);
  first.ts = Timestamp::from_nanos(5);
  first.account = AccountId{7};
  book.apply(first);
  EXPECT_EQ(book.removed_by_last_event(), nullptr);
  book.apply(order(EventKind::kOrderExecute, 1, Side::kBuy, 1000, 4));
  EXPECT_EQ(book.removed_by_last_event(), nullptr) << "6 still rest";
  book.apply(order(EventKind::kOrderCancel, 1, Side::kBuy, 1000, 6));
  const RestingOrder* gone = book.removed_by_last_event();
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->qty, Quantity::from_units(6));
  EXPECT_EQ(gone->size, Quantity::from_units(10));
  EXPECT_EQ(gone->executed, Quantity::from_units(4));
  EXPECT_EQ(gone->added, Timestamp::from_nanos(5));
  EXPECT_EQ(gone->account, AccountId{7});
  EXPECT_EQ(gone->price, cents(1000));

  book.apply(add(2, Side::kSell, 1010, 3));
  EXPECT_EQ(book.removed_by_last_event(), nullptr);
  book.apply(order(EventKind::kOrderExecute, 2, Side::kSell, 1010, 3));
  ASSERT_NE(book.removed_by_last_event(), nullptr);
  EXPECT_EQ(book.removed_by_last_event()->executed, Quantity::from_units(3)) << "its last fill";
}

TEST(OrderBook, AReplaceKeepsTheOwnerAndTellsTheOldOrder) {
  OrderBook book;
  Event first = add(1, Side::kSell, 1010, 5);
  first.account = AccountId{3};
  book.apply(first);
  Event replace = order(EventKind::kOrderReplace, 1, Side::kUnknown, 1012, 8);
  replace.ref = ExternalId::number(2);
  book.apply(replace);
  ASSERT_NE(book.removed_by_last_event(), nullptr);
  EXPECT_EQ(book.removed_by_last_event()->price, cents(1010));
  EXPECT_EQ(book.owner_of_last_event(), AccountId{3});
  RestingOrder now;
  ASSERT_TRUE(book.find(ExternalId::number(2), now));
  EXPECT_EQ(now.account, AccountId{3});
  EXPECT_EQ(now.size, Quantity::from_units(8));
  // A partial cancel leaves the order resting: its owner is read where it rests.
  book.apply(order(EventKind::kOrderCancel, 2, Side::kSell, 1012, 3));
  EXPECT_EQ(book.removed_by_last_event(), nullptr);
  EXPECT_EQ(book.owner_of_last_event(), AccountId{3});
  book.apply(order(EventKind::kOrderDelete, 77, Side::kSell, 1012, 0));
  EXPECT_EQ(book.owner_of_last_event(), AccountId{});
}

TEST(OrderBook, DepthLevelsBetterAndAnAccountsSize) {
  OrderBook book;
  book.apply(add(1, Side::kSell, 1010, 5));
  book.apply(add(2, Side::kSell, 1011, 7));
  book.apply(add(3, Side::kSell, 1012, 9));
  Event mine = add(4, Side::kSell, 1011, 2);
  mine.account = AccountId{9};
  book.apply(mine);
  Event mine_too = add(5, Side::kSell, 1011, 4);
  mine_too.account = AccountId{9};
  book.apply(mine_too);
  EXPECT_EQ(book.depth_within(Side::kSell, 2), Quantity::from_units(18));
  EXPECT_EQ(book.depth_within(Side::kSell, 10), Quantity::from_units(27));
  EXPECT_EQ(book.levels_better_than(Side::kSell, cents(1010)), 0u);
  EXPECT_EQ(book.levels_better_than(Side::kSell, cents(1011)), 1u);
  EXPECT_EQ(book.levels_better_than(Side::kSell, cents(1013)), 3u);
  EXPECT_EQ(book.levels_better_than(Side::kSell, cents(1005)), 0u);
  EXPECT_EQ(book.levels_better_than(Side::kBuy, cents(1000)), 0u);
  EXPECT_EQ(book.account_size_at(Side::kSell, cents(1011), AccountId{9}), Quantity::from_units(6));
  EXPECT_EQ(book.account_size_at(Side::kSell, cents(1012), AccountId{9}), Quantity{});
}

TEST(OrderBookDepthLimited, AnAddDropsTheOtherSidesLevelsItWouldHaveTradedWith) {
  OrderBook book = book_with_stale_bid(/*depth_limited=*/true);
  // A sell resting at 10.00 proves that no bid was left at 10.00 or above.
  book.apply(limited(add(6, Side::kSell, 1000, 2)));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{998, 9, 1}}));
  EXPECT_EQ(levels(book, Side::kSell), (Levels{{1000, 2, 1}, {1010, 4, 1}}));
  EXPECT_EQ(book.diagnostics().stale_levels, 2u);
  EXPECT_EQ(book.diagnostics().stale_orders, 3u);
  EXPECT_EQ(book.diagnostics().crossed + book.diagnostics().locked, 0u);
  EXPECT_EQ(book.live_orders(), 3u);
  EXPECT_EQ(book.removed_by_last_event(), nullptr);  // dropping is not the add's doing
}

TEST(OrderBookDepthLimited, AnExecutionDropsBetterLevelsOfItsOwnSide) {
  OrderBook book = book_with_stale_bid(/*depth_limited=*/true);
  // Order 2 trades at 10.00: the bid at 10.02 would have traded first, so it is gone.
  book.apply(limited(order(EventKind::kOrderExecute, 2, Side::kBuy, 1000, 7)));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 3, 1}, {998, 9, 1}}));
  EXPECT_EQ(book.diagnostics().stale_levels, 1u);
  EXPECT_EQ(book.diagnostics().stale_orders, 1u);
  ASSERT_NE(book.removed_by_last_event(), nullptr);  // order 2, executed in full
  EXPECT_EQ(book.removed_by_last_event()->executed.raw(), 7 * kFixedScale);
  // A cancel at 10.00 proves nothing about its own side: order 4 at 9.98 stays.
  book.apply(limited(order(EventKind::kOrderCancel, 3, Side::kBuy, 1000, 1)));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 2, 1}, {998, 9, 1}}));
  EXPECT_EQ(book.diagnostics().stale_levels, 1u);
}

TEST(OrderBookDepthLimited, AFeedShowingFullDepthIsLeftCrossed) {
  OrderBook book = book_with_stale_bid(/*depth_limited=*/false);
  book.apply(add(6, Side::kSell, 1000, 2));  // ITCH, CSV audit trails: every order is shown
  book.apply(order(EventKind::kOrderExecute, 2, Side::kBuy, 1000, 7));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1002, 5, 1}, {1000, 3, 1}, {998, 9, 1}}));
  EXPECT_EQ(book.diagnostics().stale_levels, 0u);
  EXPECT_EQ(book.diagnostics().crossed, 2u);
}

TEST(OrderBookDepthLimited, SeededSizeGoesWithItsLevel) {
  OrderBook book;
  book.set_level(Side::kBuy, cents(1000), Quantity::from_units(50));  // from a snapshot
  book.apply(limited(add(1, Side::kBuy, 1000, 10)));
  book.apply(limited(add(2, Side::kSell, 999, 4)));
  EXPECT_EQ(book.depth(Side::kBuy), 0u);
  EXPECT_EQ(book.diagnostics().stale_levels, 1u);
  EXPECT_EQ(book.diagnostics().stale_orders, 1u);
  EXPECT_FALSE(book.size_at(Side::kBuy, cents(1000)).is_positive());
  // A bid there later starts the level afresh: the seeded size went with the old one.
  book.apply(limited(order(EventKind::kOrderExecute, 2, Side::kSell, 999, 4)));
  book.apply(limited(add(3, Side::kBuy, 1000, 6)));
  EXPECT_EQ(levels(book, Side::kBuy), (Levels{{1000, 6, 1}}));
}

TEST(OrderBook, CountsTheEventTimeSpentCrossedAndLocked) {
  OrderBook book;
  book.apply(at_second(add(1, Side::kBuy, 1000, 5), 10));
  book.apply(at_second(add(2, Side::kSell, 1000, 5), 11));  // locked from 11 s
  book.apply(at_second(add(3, Side::kSell, 999, 5), 14));   // crossed from 14 s
  book.apply(at_second(order(EventKind::kOrderDelete, 3, Side::kSell, 999, 0), 20));
  book.apply(at_second(order(EventKind::kOrderDelete, 2, Side::kSell, 1000, 0), 21));
  book.apply(at_second(add(4, Side::kSell, 1001, 5), 30));
  EXPECT_EQ(book.diagnostics().locked_ns, uint64_t{(3 + 1) * 1'000'000'000ULL});
  EXPECT_EQ(book.diagnostics().crossed_ns, uint64_t{6'000'000'000ULL});
}
