#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence_test_util.hpp"
#include "order_flow.hpp"

using namespace tw;
using tw::testing::EvidenceDoc;
using tw::testing::OrderFlow;
using tw::testing::RecordedRun;

namespace {

Alert alert_naming(std::vector<std::string> evidence, int64_t start_ms, int64_t end_ms) {
  Alert a;
  a.id = "0123456789abcdef";
  a.rule = "test";
  a.symbol = "ACME";
  a.start = OrderFlow::at(start_ms);
  a.end = OrderFlow::at(end_ms);
  a.evidence = std::move(evidence);
  return a;
}

int64_t ns_at(int64_t ms) {
  return OrderFlow::at(ms).nanos();
}

/// A replace of `id` by `new_id` at a new price and size.
Event& replace(OrderFlow& flow, int64_t ms, std::string_view id, std::string_view new_id,
               double price, double qty) {
  Event& e = flow.cancel(ms, id, 0);
  e.kind = EventKind::kOrderReplace;
  e.ref = ExternalId::from_text(new_id);
  e.price = Price::from_double(price);
  e.qty = Quantity::from_double(qty);
  return e;
}

}  // namespace

TEST(EvidenceRecorder, ResolvesTradesExactly) {
  OrderFlow flow;
  flow.trade(0, Side::kBuy, 100.5, 10, "alice", "bob");         // t1
  flow.trade(100, Side::kSell, 100.25, 3, "carol", "dave");     // t2
  flow.trade(200, Side::kBuy, 100.75, 0.001, "erin", "frank");  // t3
  RecordedRun run(flow.universe, flow.events, EvidenceConfig{});

  // An id listed twice is resolved once.
  EvidenceDoc doc(
      run.recorder.evidence_json(alert_naming({"trade:t3", "trade:t2", "trade:t3"}, 0, 200)));
  ASSERT_EQ(doc.size_of("trades"), 2u) << doc.text();
  auto t3 = doc.find("trades", "t3");
  ASSERT_TRUE(t3);
  EXPECT_EQ(std::string_view((*t3)["price"]), "100.75");
  EXPECT_EQ(std::string_view((*t3)["qty"]), "0.001");
  EXPECT_EQ(std::string_view((*t3)["side"]), "BUY");
  EXPECT_EQ(std::string_view((*t3)["buyer"]), "erin");
  EXPECT_EQ(std::string_view((*t3)["seller"]), "frank");
  EXPECT_EQ(int64_t((*t3)["ts_ns"]), ns_at(200));
  EXPECT_EQ(std::string_view((*t3)["ts"]), OrderFlow::at(200).to_iso8601());
  auto t2 = doc.find("trades", "t2");
  ASSERT_TRUE(t2);
  EXPECT_EQ(std::string_view((*t2)["side"]), "SELL");
  EXPECT_EQ(std::string_view((*t2)["buyer"]), "carol");
  EXPECT_EQ(doc.size_of("missing"), 0u);
  EXPECT_EQ(doc.size_of("orders"), 0u);
  EXPECT_EQ(int64_t(doc["from_ns"]), ns_at(0) - Duration::minutes(5).count());
  EXPECT_EQ(int64_t(doc["to_ns"]), ns_at(200));
}

// An order id and a trade id may be the same text: each is looked for among its own kind.
TEST(EvidenceRecorder, KeepsTradeAndOrderIdsApart) {
  OrderFlow flow;
  flow.add(0, "t1", Side::kBuy, 99, 5, "alice");
  flow.trade(10, Side::kSell, 99, 1, "bob", "carol");  // t2
  flow.trade(20, Side::kSell, 99, 1, "bob", "carol");  // t3
  RecordedRun run(flow.universe, flow.events, EvidenceConfig{});
  EvidenceDoc doc(run.recorder.evidence_json(alert_naming({"order:t3", "trade:t1"}, 0, 20)));
  EXPECT_EQ(doc.size_of("trades"), 0u) << doc.text();
  EXPECT_EQ(doc.size_of("orders"), 0u) << doc.text();
  EXPECT_TRUE(doc.lists_missing("order:t3"));
  EXPECT_TRUE(doc.lists_missing("trade:t1"));
}

TEST(EvidenceRecorder, ReportsIdsNoLongerHeldAsMissing) {
  OrderFlow flow;
  for (int i = 0; i < 10; ++i) flow.trade(i * 10, Side::kBuy, 100, 1, "alice", "bob");
  EvidenceConfig settings;
  settings.history = 3;  // t8, t9 and t10 are held
  RecordedRun run(flow.universe, flow.events, settings);
  EvidenceDoc doc(run.recorder.evidence_json(
      alert_naming({"trade:t1", "trade:t9", "trade:nope", "order:A", "quote:1"}, 0, 90)));
  EXPECT_EQ(doc.size_of("trades"), 1u) << doc.text();
  EXPECT_TRUE(doc.find("trades", "t9"));
  EXPECT_EQ(doc.size_of("missing"), 4u) << doc.text();
  for (const char* id : {"trade:t1", "trade:nope", "order:A", "quote:1"}) {
    EXPECT_TRUE(doc.lists_missing(id)) << id << " in " << doc.text();
  }
  EXPECT_EQ(int64_t(doc["history_from_ns"]), ns_at(70));
}

// Each way an order ends, and one still resting, as the book saw them.
TEST(EvidenceRecorder, FollowsEachOrderFromItsPlacementToItsEnd) {
  OrderFlow flow;
  flow.add(0, "A", Side::kBuy, 100, 10, "alice");
  flow.add(10, "B", Side::kSell, 101, 5, "bob");
  flow.add(20, "C", Side::kBuy, 99, 8, "carol");
  flow.add(30, "D", Side::kSell, 102, 4, "dave");
  flow.add(40, "F", Side::kBuy, 98, 10, "erin");
  flow.remove(1000, "A");
  flow.execute(2000, "B", 2);
  flow.execute(2050, "B", 3);
  flow.execute(2100, "C", 3);
  replace(flow, 3000, "D", "E", 103, 6);
  flow.cancel(3500, "F", 4);
  flow.cancel(3600, "F", 6);
  RecordedRun run(flow.universe, flow.events, EvidenceConfig{});
  EvidenceDoc doc(run.recorder.evidence_json(
      alert_naming({"order:A", "order:B", "order:C", "order:D", "order:E", "order:F"}, 0, 4000)));
  ASSERT_EQ(doc.size_of("orders"), 6u) << doc.text();
  EXPECT_EQ(doc.size_of("missing"), 0u) << doc.text();

  struct Expected {
    const char* id;
    const char* side;
    const char* price;
    const char* qty;
    const char* account;
    int64_t placed_ms;
    std::optional<int64_t> ended_ms;
    const char* end;
    const char* filled;
  };
  const Expected expected[] = {
      {"A", "BUY", "100", "10", "alice", 0, 1000, "cancel", "0"},
      {"B", "SELL", "101", "5", "bob", 10, 2050, "fill", "5"},
      {"C", "BUY", "99", "8", "carol", 20, std::nullopt, "open", "3"},
      {"D", "SELL", "102", "4", "dave", 30, 3000, "replace", "0"},
      {"E", "SELL", "103", "6", "dave", 3000, std::nullopt, "open", "0"},
      {"F", "BUY", "98", "10", "erin", 40, 3600, "cancel", "0"},
  };
  for (const Expected& x : expected) {
    auto o = doc.find("orders", x.id);
    ASSERT_TRUE(o) << x.id;
    EXPECT_EQ(std::string_view((*o)["side"]), x.side) << x.id;
    EXPECT_EQ(std::string_view((*o)["price"]), x.price) << x.id;
    EXPECT_EQ(std::string_view((*o)["qty"]), x.qty) << x.id;
    EXPECT_EQ(std::string_view((*o)["account"]), x.account) << x.id;
    EXPECT_EQ(int64_t((*o)["placed_ns"]), ns_at(x.placed_ms)) << x.id;
    if (x.ended_ms) {
      EXPECT_EQ(int64_t((*o)["ended_ns"]), ns_at(*x.ended_ms)) << x.id;
    } else {
      EXPECT_TRUE((*o)["ended_ns"].is_null()) << x.id;
    }
    EXPECT_EQ(std::string_view((*o)["end"]), x.end) << x.id;
    EXPECT_EQ(std::string_view((*o)["filled"]), x.filled) << x.id;
  }
  // The executions printed: their trades are held for the tape.
  EXPECT_EQ(doc.size_of("tape"), 3u) << doc.text();
}

// An order placed before the held history: its placement is unknown, what the book knew of it
// is still told.
TEST(EvidenceRecorder, AnOrderPlacedBeforeTheHistoryHasNoPlacement) {
  OrderFlow flow;
  flow.add(0, "A", Side::kBuy, 100, 10, "alice");
  for (int i = 1; i <= 5; ++i) flow.trade(i * 10, Side::kSell, 100, 1);
  flow.remove(100, "A");
  EvidenceConfig settings;
  settings.history = 3;
  RecordedRun run(flow.universe, flow.events, settings);
  EvidenceDoc doc(run.recorder.evidence_json(alert_naming({"order:A"}, 0, 100)));
  auto a = doc.find("orders", "A");
  ASSERT_TRUE(a) << doc.text();
  EXPECT_TRUE((*a)["placed_ns"].is_null());
  EXPECT_TRUE((*a)["qty"].is_null());
  EXPECT_EQ(std::string_view((*a)["side"]), "BUY");
  EXPECT_EQ(std::string_view((*a)["price"]), "100");
  EXPECT_EQ(std::string_view((*a)["account"]), "alice");
  EXPECT_EQ(int64_t((*a)["ended_ns"]), ns_at(100));
  EXPECT_EQ(std::string_view((*a)["end"]), "cancel");
}

// A flood on one symbol holds `history` events, in memory that stops growing once there.
TEST(EvidenceRecorder, HoldsAtMostTheHistoryUnderAFlood) {
  Universe universe;
  EvidenceConfig settings;
  settings.history = 1000;
  EvidenceRecorder recorder(settings, universe, [](const std::string&, std::string) {});
  Event e;
  e.symbol = universe.symbol("ACME");
  e.price = Price::from_units(100);
  e.qty = Quantity::from_units(1);
  size_t warm_bytes = 0;
  for (int64_t i = 0; i < 200'000; ++i) {
    e.ts = OrderFlow::at(i);
    e.id = ExternalId::number(static_cast<uint64_t>(i));
    recorder.on_trade(e);
    if (i == 10'000) warm_bytes = recorder.memory_bytes();
  }
  const SymbolHistory* held = recorder.history(e.symbol);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->events.size(), 1000u);
  EXPECT_EQ(held->events.capacity(), 1000u);
  EXPECT_EQ(recorder.memory_bytes(), warm_bytes);
  EXPECT_EQ(held->events.front().ts, OrderFlow::at(199'000));
  EXPECT_EQ(held->events[999].ts, OrderFlow::at(199'999));
}

TEST(EvidenceRecorder, DropsWhatIsOlderThanTheHistoryAge) {
  Universe universe;
  EvidenceConfig settings;
  settings.history_age = Duration::seconds(1);
  EvidenceRecorder recorder(settings, universe, [](const std::string&, std::string) {});
  Event e;
  e.symbol = universe.symbol("ACME");
  e.price = Price::from_units(100);
  e.qty = Quantity::from_units(1);
  for (int64_t i = 0; i < 10'000; ++i) {
    e.ts = OrderFlow::at(i);
    recorder.on_trade(e);
  }
  const SymbolHistory* held = recorder.history(e.symbol);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->events.size(), 1001u);  // 8.999 s to 9.999 s
  EXPECT_EQ(held->events.front().ts, OrderFlow::at(8'999));
  EXPECT_LE(held->events.capacity(), 2048u);
}

namespace {

/// Order flow whose book changes at known times: bids at 100 and 99, asks at 101 and 102.
OrderFlow depth_flow() {
  OrderFlow flow;
  flow.add(0, "b1", Side::kBuy, 100, 10, "m");
  flow.add(50, "b2", Side::kBuy, 99, 20, "m");
  flow.add(60, "b3", Side::kBuy, 98, 40, "m");  // beyond the two levels summed
  flow.add(120, "a1", Side::kSell, 101, 5, "m");
  flow.add(900, "a2", Side::kSell, 102, 7, "m");
  flow.remove(2300, "b1");
  flow.add(2310, "b4", Side::kBuy, 100.5, 1, "m");
  flow.trade(2400, Side::kBuy, 101, 1, "x", "m");
  flow.add(5000, "a3", Side::kSell, 101, 5, "m");
  return flow;
}

EvidenceConfig depth_settings() {
  EvidenceConfig settings;
  settings.depth_interval = Duration::seconds(1);
  settings.depth_levels = 2;
  return settings;
}

}  // namespace

// A sample at the first change of the book in each interval of event time, however the events
// were grouped on their way to the rules.
TEST(EvidenceRecorder, SamplesTheBookInEventTime) {
  OrderFlow flow = depth_flow();
  RecordedRun run(flow.universe, flow.events, depth_settings());
  EvidenceDoc doc(run.recorder.evidence_json(alert_naming({}, 0, 6000)));
  simdjson::dom::array depth = doc["depth"];
  ASSERT_EQ(depth.size(), 3u) << doc.text();
  // At 0 ms: the first bid alone. At 2300 ms: b1 pulled (bids 99 and 98; asks 101, 102).
  // At 5000 ms: bids 100.5 and 99, asks 101 (5 + 5) and 102.
  const std::vector<std::vector<double>> expected = {
      {0, 100, -1, 10, 0}, {2300, 99, 101, 60, 12}, {5000, 100.5, 101, 21, 17}};
  size_t i = 0;
  for (simdjson::dom::element sample : depth) {
    simdjson::dom::array row = sample;
    std::vector<simdjson::dom::element> cells(row.begin(), row.end());
    ASSERT_EQ(cells.size(), 5u);
    EXPECT_EQ(int64_t(cells[0]), ns_at(static_cast<int64_t>(expected[i][0])));
    EXPECT_DOUBLE_EQ(double(cells[1]), expected[i][1]);
    if (expected[i][2] < 0) {
      EXPECT_TRUE(cells[2].is_null());
    } else {
      EXPECT_DOUBLE_EQ(double(cells[2]), expected[i][2]);
    }
    EXPECT_DOUBLE_EQ(double(cells[3]), expected[i][3]);
    EXPECT_DOUBLE_EQ(double(cells[4]), expected[i][4]);
    ++i;
  }
}

TEST(EvidenceRecorder, TheSameInputGivesTheSameJson) {
  OrderFlow flow = depth_flow();
  const Alert alert = alert_naming({"order:b1", "order:a2", "trade:t8"}, 1000, 6000);
  std::string first;
  for (size_t min_run : {Engine::kDefaultRun, size_t{1}, size_t{3}}) {
    RecordedRun run(flow.universe, flow.events, depth_settings(), min_run);
    const std::string json = run.recorder.evidence_json(alert);
    if (first.empty()) {
      first = json;
      EvidenceDoc doc(json);
      EXPECT_EQ(doc.size_of("orders"), 2u) << json;
      EXPECT_EQ(doc.size_of("trades"), 1u) << json;
    }
    EXPECT_EQ(json, first) << "run length " << min_run;
  }
}

TEST(EvidenceRecorder, ThinsTheTapeEvenlyKeepingItsFirstAndLastTrade) {
  OrderFlow flow;
  flow.trade(0, Side::kBuy, 50, 1);  // before the span
  for (int64_t i = 0; i < 10'000; ++i) {
    flow.trade(400'000 + i, i % 2 == 0 ? Side::kBuy : Side::kSell,
               100 + static_cast<double>(i) / 100, 1);
  }
  EvidenceConfig settings;
  settings.tape_points = 100;
  settings.margin = Duration::seconds(60);
  RecordedRun run(flow.universe, flow.events, settings);
  // The span starts 60 s before the window: at 400 s, the second trade.
  EvidenceDoc doc(run.recorder.evidence_json(alert_naming({}, 460'000, 460'000)));
  simdjson::dom::array tape = doc["tape"];
  ASSERT_EQ(tape.size(), 100u);
  std::vector<int64_t> times;
  for (simdjson::dom::element point : tape) {
    simdjson::dom::array row = point;
    times.push_back(int64_t(*row.begin()));
  }
  EXPECT_EQ(times.front(), ns_at(400'000));
  EXPECT_EQ(times.back(), ns_at(409'999));
  for (size_t i = 1; i < times.size(); ++i) {
    const int64_t step_ms = (times[i] - times[i - 1]) / 1'000'000;
    EXPECT_TRUE(step_ms == 101 || step_ms == 100) << i << ": " << step_ms;
  }
  simdjson::dom::array first = *tape.begin();
  std::vector<simdjson::dom::element> cells(first.begin(), first.end());
  EXPECT_DOUBLE_EQ(double(cells[1]), 100);
  EXPECT_DOUBLE_EQ(double(cells[2]), 1);
  EXPECT_EQ(std::string_view(cells[3]), "B");
}

// Subscribed to the bus, the recorder answers each alert with its evidence, which names the
// events the alert was raised on.
TEST(EvidenceRecorder, WritesTheEvidenceOfEveryAlert) {
  OrderFlow flow;
  for (int i = 0; i < 40; ++i) {
    flow.trade(i * 1000, Side::kBuy, 100, 5, "alice", "alice");  // self-trades
  }
  RecordedRun run(flow.universe, flow.events, EvidenceConfig{});
  ASSERT_FALSE(run.alerts.alerts.empty());
  ASSERT_EQ(run.written.size(), run.alerts.alerts.size());
  for (const Alert& alert : run.alerts.alerts) {
    ASSERT_TRUE(run.written.count(alert.id)) << alert.id;
    EvidenceDoc doc(run.written.at(alert.id));
    EXPECT_EQ(doc.size_of("missing"), 0u) << alert.rule << " " << doc.text();
    EXPECT_EQ(doc.size_of("trades"), alert.evidence.size()) << alert.rule << " " << doc.text();
  }
}

// A replace records two steps; the second may grow the ring, and still copies the first.
TEST(EvidenceRecorder, AReplaceAsTheRingGrowsKeepsBothOrders) {
  OrderFlow flow;
  for (int i = 0; i < 63; ++i) {
    std::string id(1, 'o');  // appended: operator+ trips GCC 12's -Wrestrict (bug 105329)
    id += std::to_string(i);
    flow.add(i, id, Side::kBuy, 90, 1, "maker");
  }
  replace(flow, 100, "o0", "n0", 91, 2);
  RecordedRun run(flow.universe, flow.events, EvidenceConfig{});
  EvidenceDoc doc(run.recorder.evidence_json(alert_naming({"order:o0", "order:n0"}, 0, 100)));
  auto made = doc.find("orders", "n0");
  ASSERT_TRUE(made) << doc.text();
  EXPECT_EQ(std::string_view((*made)["side"]), "BUY");
  EXPECT_EQ(std::string_view((*made)["price"]), "91");
  EXPECT_EQ(std::string_view((*made)["account"]), "maker");
  EXPECT_EQ(int64_t((*made)["placed_ns"]), ns_at(100));
  auto old = doc.find("orders", "o0");
  ASSERT_TRUE(old);
  EXPECT_EQ(std::string_view((*old)["end"]), "replace");
}

// Book samples span no more than the events held.
TEST(EvidenceRecorder, KeepsNoBookSampleOlderThanTheEventsHeld) {
  OrderFlow flow = depth_flow();
  EvidenceConfig settings = depth_settings();
  settings.history = 2;  // the add at 2310 ms and the trade at 2400 ms, then the add at 5000 ms
  RecordedRun run(flow.universe, flow.events, settings);
  const SymbolHistory* held = run.recorder.history(flow.universe.find_symbol("ACME"));
  ASSERT_NE(held, nullptr);
  ASSERT_EQ(held->events.size(), 2u);
  EXPECT_EQ(held->events.front().ts, OrderFlow::at(2400));
  ASSERT_EQ(held->depth.size(), 1u);
  EXPECT_EQ(held->depth.front().ts, OrderFlow::at(5000));
}
