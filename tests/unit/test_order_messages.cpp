// The pieces the order-flow rules share: message counts, the id table, order owners and the
// capped per-account slots.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>

#include "detect/order_messages.hpp"

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
TEST(IdTable, AgreesWithAStandardMapUnderChurn) {
  IdTable table(1000);
  std::unordered_map<uint64_t, uint32_t> expected;
  std::mt19937_64 random(7);
  for (int step = 0; step < 20000; ++step) {
    uint64_t key = random() % 1500 + 1;
    if (random() % 3 == 0) {
      table.erase(key);
      expected.erase(key);
    } else if (expected.size() < 1000 || expected.count(key) != 0) {
      auto value = static_cast<uint32_t>(random() % 100000);
      ASSERT_TRUE(table.insert(key, value));
      expected[key] = value;
    }
    ASSERT_EQ(table.size(), expected.size());
    uint64_t probe = random() % 1500 + 1;
    auto it = expected.find(probe);
    ASSERT_EQ(table.find(probe), it == expected.end() ? IdTable::kAbsent : it->second) << step;
  }
  for (const auto& [key, value] : expected) EXPECT_EQ(table.find(key), value);
}

TEST(IdTable, RefusesNewKeysWhenFullButUpdatesKnownOnes) {
  IdTable table(2);
  EXPECT_EQ(table.find(5), IdTable::kAbsent);  // nothing allocated yet
  EXPECT_TRUE(table.insert(5, 50));
  EXPECT_TRUE(table.insert(6, 60));
  EXPECT_FALSE(table.insert(7, 70));
  EXPECT_TRUE(table.insert(6, 61));
  EXPECT_EQ(table.find(6), 61u);
  EXPECT_EQ(table.find(7), IdTable::kAbsent);
  table.clear();
  EXPECT_TRUE(table.empty());
  EXPECT_TRUE(table.insert(7, 70));
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
