#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "engine/reorder_buffer.hpp"

using namespace tw;

namespace {

Event at_ms(int64_t ms, uint64_t seq) {
  Event e;
  e.ts = Timestamp::from_nanos(ms * 1'000'000);
  e.seq = seq;
  return e;
}

/// A release callback that appends each released event's seq to `out`.
auto seqs_into(std::vector<uint64_t>& out) {
  return [&out](std::span<const Event> run) {
    for (const Event& e : run) out.push_back(e.seq);
  };
}

std::vector<uint64_t> seqs_of(ReorderBuffer& buffer, bool drain) {
  std::vector<uint64_t> out;
  auto take = seqs_into(out);
  if (drain)
    buffer.drain(take);
  else
    buffer.release_due(take);
  return out;
}

}  // namespace

TEST(ReorderBuffer, SortsWithinWindowAndKeepsArrivalOrderForTies) {
  ReorderBuffer buffer(Duration::millis(100), 2);
  ASSERT_TRUE(buffer.push(at_ms(10, 1)));
  ASSERT_TRUE(buffer.push(at_ms(30, 2)));
  ASSERT_TRUE(buffer.push(at_ms(20, 3)));
  ASSERT_TRUE(buffer.push(at_ms(20, 4)));
  ASSERT_TRUE(buffer.push(at_ms(5, 5)));
  EXPECT_TRUE(seqs_of(buffer, false).empty());  // nothing is 100 ms old yet
  EXPECT_EQ(seqs_of(buffer, true), (std::vector<uint64_t>{5, 1, 3, 4, 2}));
}

TEST(ReorderBuffer, ReleasesOnlyWhatTheWindowHasPassed) {
  ReorderBuffer buffer(Duration::millis(100));
  buffer.push(at_ms(0, 1));
  buffer.push(at_ms(50, 2));
  buffer.push(at_ms(150, 3));
  EXPECT_EQ(seqs_of(buffer, false), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(buffer.size(), 1u);
}

TEST(ReorderBuffer, RefusesEventsOlderThanWhatWasReleased) {
  ReorderBuffer buffer(Duration::millis(100));
  buffer.push(at_ms(0, 1));
  buffer.push(at_ms(500, 2));
  EXPECT_EQ(seqs_of(buffer, false), (std::vector<uint64_t>{1}));
  EXPECT_FALSE(buffer.push(at_ms(-1, 3)));  // behind the released event
  EXPECT_TRUE(buffer.push(at_ms(0, 4)));    // equal time is still in order
  EXPECT_TRUE(buffer.push(at_ms(450, 5)));  // within the window of the newest
  EXPECT_EQ(seqs_of(buffer, true), (std::vector<uint64_t>{4, 5, 2}));
}

TEST(ReorderBuffer, ZeroWindowPassesThrough) {
  ReorderBuffer buffer(Duration::nanos(0));
  buffer.push(at_ms(1, 1));
  EXPECT_EQ(seqs_of(buffer, false), (std::vector<uint64_t>{1}));
  EXPECT_FALSE(buffer.push(at_ms(0, 2)));
}

TEST(ReorderBuffer, GrowsPastInitialCapacity) {
  ReorderBuffer buffer(Duration::seconds(10), 2);
  for (int i = 100; i > 0; --i) ASSERT_TRUE(buffer.push(at_ms(i, static_cast<uint64_t>(i))));
  auto out = seqs_of(buffer, true);
  ASSERT_EQ(out.size(), 100u);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], i + 1);
}

TEST(ReorderBuffer, AnEventInsertedBehindTheHorizonIsDueAtOnce) {
  ReorderBuffer buffer(Duration::millis(100));
  buffer.push(at_ms(0, 1));
  buffer.push(at_ms(500, 2));
  EXPECT_EQ(buffer.due(), 1u);
  EXPECT_TRUE(buffer.push(at_ms(300, 3)));  // after the due event, behind the horizon (400)
  EXPECT_EQ(buffer.due(), 2u);
  EXPECT_EQ(seqs_of(buffer, false), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(buffer.due(), 0u);
}

TEST(ReorderBuffer, DueEventsHeldBackStillBoundWhatIsRefused) {
  ReorderBuffer buffer(Duration::millis(100));
  buffer.push(at_ms(0, 1));
  buffer.push(at_ms(200, 2));
  buffer.push(at_ms(400, 3));  // 0 and 200 are due, not yet released
  EXPECT_EQ(buffer.due(), 2u);
  EXPECT_FALSE(buffer.push(at_ms(150, 4)));  // behind a due event: refused as if released
  EXPECT_TRUE(buffer.push(at_ms(250, 5)));
  EXPECT_EQ(seqs_of(buffer, true), (std::vector<uint64_t>{1, 2, 5, 3}));
}

TEST(ReorderBuffer, ReleasesRunsAcrossTheEndOfTheRing) {
  ReorderBuffer buffer(Duration::millis(1), 4);
  std::vector<size_t> run_lengths;
  std::vector<uint64_t> seqs;
  auto take = [&](std::span<const Event> run) {
    run_lengths.push_back(run.size());
    for (const Event& e : run) seqs.push_back(e.seq);
  };
  for (uint64_t i = 1; i <= 3; ++i) buffer.push(at_ms(static_cast<int64_t>(i), i));
  buffer.release_due(take);  // 1 and 2; 3 waits in ring slot 2
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2}));
  run_lengths.clear();
  seqs.clear();
  for (uint64_t i = 4; i <= 6; ++i) buffer.push(at_ms(static_cast<int64_t>(i), i));
  buffer.release_due(take);  // 3, 4 in slots 2-3, then 5 in slot 0
  EXPECT_EQ(seqs, (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(run_lengths, (std::vector<size_t>{2, 1}));
  EXPECT_EQ(buffer.size(), 1u);
}

// Events in order pass through without a copy once the held ones are due: the caller's events
// due by the last of them are released from the caller's array, the rest are held.
TEST(ReorderBuffer, EventsInOrderPassThroughWithoutACopy) {
  ReorderBuffer buffer(Duration::millis(100), 2);
  buffer.push(at_ms(0, 1));
  buffer.push(at_ms(50, 2));
  std::vector<Event> events = {at_ms(60, 3), at_ms(200, 4), at_ms(260, 5), at_ms(400, 6)};
  ASSERT_TRUE(buffer.in_order_after_newest(events));
  std::vector<uint64_t> seqs;
  std::vector<bool> from_caller;
  size_t passed = buffer.pass_sorted(events, [&](std::span<const Event> run) {
    for (const Event& e : run) {
      seqs.push_back(e.seq);
      from_caller.push_back(&e >= events.data() && &e < events.data() + events.size());
    }
  });
  // Due by 400 - 100: the held 0 and 50, then 60, 200 and 260 straight from `events`.
  EXPECT_EQ(passed, 3u);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(from_caller, (std::vector<bool>{false, false, true, true, true}));
  EXPECT_EQ(buffer.last_released(), Timestamp::from_nanos(260'000'000));
  EXPECT_EQ(buffer.size(), 0u);
  buffer.hold(std::span<const Event>(events).subspan(passed));
  EXPECT_EQ(buffer.size(), 1u);
  EXPECT_FALSE(buffer.push(at_ms(250, 7)));  // behind what was released
  EXPECT_EQ(seqs_of(buffer, true), (std::vector<uint64_t>{6}));
}

TEST(ReorderBuffer, EventsInOrderWaitBehindHeldOnesNotYetDue) {
  ReorderBuffer buffer(Duration::millis(100), 2);
  buffer.push(at_ms(0, 1));
  buffer.push(at_ms(90, 2));
  std::vector<Event> events = {at_ms(95, 3), at_ms(150, 4)};  // 90 is not due by 150
  std::vector<uint64_t> seqs;
  EXPECT_EQ(buffer.pass_sorted(events, seqs_into(seqs)), 0u);
  EXPECT_TRUE(seqs.empty());  // 0 is due, and waits for release with the rest
  EXPECT_EQ(buffer.due(), 1u);
  buffer.hold(events);
  EXPECT_EQ(seqs_of(buffer, true), (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST(ReorderBuffer, OnlyOrderedEventsAfterTheNewestMayPassThrough) {
  ReorderBuffer buffer(Duration::millis(100));
  buffer.push(at_ms(100, 1));
  std::vector<Event> behind = {at_ms(99, 2), at_ms(300, 3)};
  std::vector<Event> unordered = {at_ms(200, 2), at_ms(150, 3)};
  std::vector<Event> ordered = {at_ms(100, 2), at_ms(100, 3), at_ms(150, 4)};
  EXPECT_FALSE(buffer.in_order_after_newest(behind));
  EXPECT_FALSE(buffer.in_order_after_newest(unordered));
  EXPECT_TRUE(buffer.in_order_after_newest(ordered));
}
