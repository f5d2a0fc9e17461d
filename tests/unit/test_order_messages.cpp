// The pieces the order-flow rules share: message counts, the id table, order owners and the
// capped per-account slots.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "detect/order_messages.hpp"
#include "util/keyed_pool.hpp"

using namespace tw;

namespace {

Event order_event(EventKind kind, std::string_view id, AccountId account = {}) {
  Event e;
  e.kind = kind;
  e.id = ExternalId::from_text(id);
  e.side = Side::kBuy;
  e.price = Price::from_units(10);
  e.qty = Quantity::from_units(100);
  e.account = account;
  return e;
}

struct Named {
  AccountId account;
  int value = 0;
};

}  // namespace

TEST(OrderMessages, KindInHoldsExactlyTheKindsNamed) {
  for (EventKind k : {EventKind::kTrade, EventKind::kOrderAdd, EventKind::kOrderCancel,
                      EventKind::kOrderDelete, EventKind::kOrderReplace, EventKind::kOrderExecute,
                      EventKind::kQuote, EventKind::kStatus}) {
    EXPECT_EQ((kind_in<EventKind::kTrade, EventKind::kStatus>(k)),
              k == EventKind::kTrade || k == EventKind::kStatus)
        << to_string(k);
  }
}

// The filter only spares compares: each order is one entry, in the order of first sight,
// whatever bits its key shares with those held; text ids are held by their full id.
TEST(OrderSample, HoldsTheFirstNOrdersOnceEach) {
  OrderSample<40> sample;
  std::vector<std::string> expected;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 400 && expected.size() < 40; ++i) {
    const std::string id = std::to_string(rng() % 60);
    if (std::find(expected.begin(), expected.end(), id) == expected.end()) expected.push_back(id);
    sample.add(order_event(i % 2 == 0 ? EventKind::kOrderAdd : EventKind::kOrderDelete, id));
  }
  std::vector<std::string> held;
  for (const EventRef& ref : sample) held.push_back(ref.id.to_string());
  EXPECT_EQ(held, expected);
  sample.clear();
  EXPECT_EQ(sample.size(), 0u);
  sample.add(order_event(EventKind::kOrderAdd, "order-a"));
  sample.add(order_event(EventKind::kOrderDelete, "order-a"));
  sample.add(order_event(EventKind::kOrderAdd, "order-b"));
  EXPECT_EQ(sample.size(), 2u);
}

TEST(MessageCounts, CountsOrderEventsByKindAndNothingElse) {
  MessageCounts c;
  for (EventKind k : {EventKind::kOrderAdd, EventKind::kOrderAdd, EventKind::kOrderCancel,
                      EventKind::kOrderDelete, EventKind::kOrderReplace, EventKind::kOrderExecute,
                      EventKind::kTrade, EventKind::kQuote, EventKind::kStatus}) {
    c.count(k);
  }
  EXPECT_EQ(c.adds, 2);
  EXPECT_EQ(c.messages(), 6);
  EXPECT_EQ(c.orders_sent(), 5);
  EXPECT_EQ(c.cancellations(), 2);
  JsonObjectWriter out;
  c.write(out);
  EXPECT_EQ(std::move(out).finish(),
            R"({"adds":2,"cancels":1,"deletes":1,"replaces":1,"executions":1})");
}

TEST(MessageCounts, AlignedIndexFloorsBeforeTheEpochToo) {
  const Duration second = Duration::seconds(1);
  EXPECT_EQ(aligned_index(Timestamp::from_nanos(1'500'000'000), second), 1);
  EXPECT_EQ(aligned_index(Timestamp::from_nanos(-1), second), -1);
  EXPECT_EQ(aligned_start(-1, second), Timestamp::from_nanos(-1'000'000'000));
}

// Random inserts and erases against a standard map: lookups agree after every step, erases
// that shift entries back included.
TEST(KeyedPool, AgreesWithAStandardMapUnderChurn) {
  struct Entry {
    uint64_t key = 0;
    uint32_t value = 0;
  };
  KeyedPool<Entry> pool(4);
  std::unordered_map<uint64_t, uint32_t> expected;
  std::mt19937_64 random(7);
  for (int step = 0; step < 20000; ++step) {
    uint64_t key = random() % 1500 + 1;
    const uint32_t found = pool.find(key);
    if (random() % 3 == 0) {
      if (found != KeyedPool<Entry>::kNone) pool.erase(found);
      expected.erase(key);
    } else {
      auto value = static_cast<uint32_t>(random() % 100000);
      const uint32_t slot = found != KeyedPool<Entry>::kNone ? found : pool.try_insert(key);
      ASSERT_NE(slot, KeyedPool<Entry>::kNone);
      pool[slot].value = value;
      expected[key] = value;
    }
    if (step == 10000) {
      pool.clear();
      expected.clear();
    }
    ASSERT_EQ(pool.size(), expected.size());
    uint64_t probe = random() % 1500 + 1;
    auto it = expected.find(probe);
    const uint32_t at = pool.find(probe);
    ASSERT_EQ(at == KeyedPool<Entry>::kNone, it == expected.end()) << step;
    if (it != expected.end()) {
      ASSERT_EQ(pool[at].value, it->second) << step;
    }
  }
  for (const auto& [key, value] : expected) EXPECT_EQ(pool[pool.find(key)].value, value);
  EXPECT_EQ(pool.try_insert(expected.begin()->first), KeyedPool<Entry>::kNone) << "present";
}

// Owners come from the add; a cancel or execution that leaves the order in the book keeps it,
// and whatever takes the order out of the book forgets it. A replace moves it to the new id.
TEST(OrderOwner, FollowsTheOrderThroughTheBook) {
  Universe universe;
  const AccountId alice = universe.account("alice");
  OrderBook book;
  auto apply = [&](const Event& e) {
    book.apply(e);
    return order_owner(e, &book);
  };
  EXPECT_EQ(apply(order_event(EventKind::kOrderAdd, "o1", alice)), alice);
  EXPECT_EQ(apply(order_event(EventKind::kOrderAdd, "o2")), AccountId{});
  Event part = order_event(EventKind::kOrderCancel, "o1");
  part.qty = Quantity::from_units(10);
  EXPECT_EQ(apply(part), alice);
  Event rest = order_event(EventKind::kOrderExecute, "o1");
  rest.qty = Quantity::from_units(90);
  EXPECT_EQ(apply(rest), alice) << "the execution that took the order out";

  apply(order_event(EventKind::kOrderAdd, "o3", alice));
  Event replace = order_event(EventKind::kOrderReplace, "o3");
  replace.ref = ExternalId::from_text("o4");
  EXPECT_EQ(apply(replace), alice);
  EXPECT_EQ(apply(order_event(EventKind::kOrderDelete, "o4")), alice) << "kept by the replace";
  EXPECT_EQ(apply(order_event(EventKind::kOrderDelete, "o3")), AccountId{}) << "gone already";
}

TEST(OrderOwner, AnEventsOwnAccountWins) {
  Universe universe;
  const AccountId alice = universe.account("alice");
  const AccountId bob = universe.account("bob");
  OrderBook book;
  book.apply(order_event(EventKind::kOrderAdd, "o1", alice));
  Event del = order_event(EventKind::kOrderDelete, "o1", bob);
  book.apply(del);
  EXPECT_EQ(order_owner(del, &book), bob);
  EXPECT_EQ(order_owner(del, nullptr), bob);
}

TEST(AccountSlots, CapsAccountsAndKeepsTheIndexThroughRemovals) {
  AccountSlots<Named> slots(3);
  for (uint32_t a = 1; a <= 3; ++a)
    ASSERT_NE(slots.add(Named{AccountId{a}, static_cast<int>(a)}), nullptr);
  EXPECT_TRUE(slots.full());
  EXPECT_EQ(slots.add(Named{AccountId{4}, 4}), nullptr);
  slots.remove_if([](const Named& n) { return n.value == 1; });
  EXPECT_EQ(slots.find(AccountId{1}), nullptr);
  ASSERT_NE(slots.find(AccountId{3}), nullptr);  // moved into the hole
  EXPECT_EQ(slots.find(AccountId{3})->value, 3);
  ASSERT_NE(slots.add(Named{AccountId{4}, 4}), nullptr);
  EXPECT_EQ(slots.find(AccountId{4})->value, 4);
  EXPECT_EQ(slots.find(AccountId{2})->value, 2);
  slots.clear();
  EXPECT_EQ(slots.size(), 0u);
  EXPECT_EQ(slots.find(AccountId{2}), nullptr);
}
