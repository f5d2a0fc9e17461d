#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "feed/feed.hpp"
#include "feed_test_support.hpp"
#include "sim/order_csv_writer.hpp"
#include "sim/order_market.hpp"

using namespace tw;
using namespace tw::sim;

namespace {

std::vector<Event> run_market(const OrderMarketOptions& options, size_t steps = SIZE_MAX) {
  OrderMarket market(options);
  std::vector<Event> events;
  for (size_t i = 0; i < steps && market.step(events); ++i) {
  }
  return events;
}

std::string text_of(const OrderMarket& market, const Event& e) {
  const Universe& u = market.universe();
  return fmt::format("{} {} {} {} {} {} {} {} {} {}", e.ts.nanos(), u.symbol_name(e.symbol),
                     static_cast<int>(e.kind), e.id.to_string(), static_cast<int>(e.side),
                     e.price.raw(), e.qty.raw(), u.account_name(e.account), u.account_name(e.buyer),
                     u.account_name(e.seller));
}

/// The mean spread in ticks seen after each event, and whether any book crossed or met an
/// unknown order, through the surveillance book.
struct BookCheck {
  double mean_spread_ticks = 0;
  uint64_t crossed_or_locked = 0;
  uint64_t unknown = 0;
};
BookCheck check_books(const std::vector<Event>& events) {
  std::map<uint32_t, OrderBook> books;
  BookCheck check;
  double spreads = 0;
  uint64_t samples = 0;
  for (const Event& e : events) {
    OrderBook& book = books[e.symbol.value];
    book.apply(e);
    if (book.depth(Side::kBuy) > 0 && book.depth(Side::kSell) > 0) {
      spreads +=
          static_cast<double>((book.best_price(Side::kSell) - book.best_price(Side::kBuy)).raw()) /
          (kFixedScale / 100.0);
      ++samples;
    }
  }
  for (const auto& [symbol, book] : books) {
    check.crossed_or_locked += book.diagnostics().crossed + book.diagnostics().locked;
    check.unknown += book.diagnostics().unknown_order;
  }
  check.mean_spread_ticks = samples == 0 ? 0 : spreads / static_cast<double>(samples);
  return check;
}

}  // namespace

TEST(OrderMarket, TheSameSeedGivesTheSameEvents) {
  OrderMarketOptions options;
  options.symbols = 3;
  options.seed = 11;
  OrderMarket a(options), b(options);
  options.seed = 12;
  OrderMarket c(options);
  std::vector<Event> ea, eb, ec;
  for (int i = 0; i < 5'000; ++i) {
    a.step(ea);
    b.step(eb);
    c.step(ec);
  }
  ASSERT_EQ(ea.size(), eb.size());
  size_t differs_from_c = 0;
  for (size_t i = 0; i < ea.size(); ++i) {
    ASSERT_EQ(text_of(a, ea[i]), text_of(b, eb[i])) << "event " << i;
    if (i >= ec.size() || text_of(a, ea[i]) != text_of(c, ec[i])) ++differs_from_c;
  }
  EXPECT_GT(differs_from_c, ea.size() / 2);
}

// Every regime's flow is in time order and within its hours, never crosses a book, never names
// an order the book does not hold, and trades; the thin regime's spreads are wider than the
// calm one's, and the session's first half hour is busier than its middle.
TEST(OrderMarket, RegimesKeepSoundBooksAndTheirOwnShape) {
  std::map<Regime, BookCheck> checks;
  for (Regime regime : {Regime::kCalm, Regime::kVolatile, Regime::kThin, Regime::kSession}) {
    OrderMarketOptions options;
    options.symbols = 2;
    options.hours = 0.25;
    options.regime = regime;
    if (regime == Regime::kSession) options.activity = 0.25;  // its day is 6.5 hours whatever
    OrderMarket market(options);
    std::vector<Event> events;
    while (market.step(events)) {
    }
    ASSERT_FALSE(events.empty()) << regime_name(regime);
    uint64_t executions = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      ASSERT_FALSE(events[i].ts < market.start());
      ASSERT_TRUE(events[i].ts < market.end());
      if (i > 0) {
        ASSERT_FALSE(events[i].ts < events[i - 1].ts) << "event " << i;
      }
      if (events[i].kind == EventKind::kOrderExecute) {
        ++executions;
        ASSERT_TRUE(events[i].buyer && events[i].seller) << "event " << i;
      }
    }
    EXPECT_GT(executions, events.size() / 50) << regime_name(regime);
    checks[regime] = check_books(events);
    EXPECT_EQ(checks[regime].crossed_or_locked, 0u) << regime_name(regime);
    EXPECT_EQ(checks[regime].unknown, 0u) << regime_name(regime);
    if (regime == Regime::kSession) {
      EXPECT_EQ((market.end() - market.start()).count(), 390LL * 60 * 1'000'000'000);
      auto in_minutes = [&](int64_t from, int64_t to) {
        size_t n = 0;
        for (const Event& e : events) {
          const int64_t minute = (e.ts - market.start()).count() / 60'000'000'000;
          n += minute >= from && minute < to ? 1 : 0;
        }
        return n;
      };
      EXPECT_GT(in_minutes(0, 30), 2 * in_minutes(180, 210));
    }
  }
  EXPECT_GT(checks[Regime::kThin].mean_spread_ticks, 3 * checks[Regime::kCalm].mean_spread_ticks);
}

// The market's CSV reads back through the project's reader with nothing refused, as the events
// it wrote; the owners file names the linked accounts.
TEST(OrderMarket, ItsFilesReadBackAsTheEventsItMade) {
  tw::test::TempDir dir;
  OrderMarketOptions options;
  options.symbols = 2;
  options.hours = 0.05;
  options.seed = 5;
  const std::string orders = (dir.path() / "orders.csv").string();
  const OrderMarketSummary summary =
      write_order_market(options, orders, (dir.path() / "owners.toml").string(),
                         (dir.path() / "labels.jsonl").string());
  const std::vector<Event> made = run_market(options);
  tw::test::FeedRun run;
  tw::test::read_file(run, orders);
  ASSERT_TRUE(run.sink.records.empty()) << run.sink.records[0].detail;
  ASSERT_EQ(run.events.size(), made.size());
  EXPECT_EQ(summary.events, made.size());
  OrderMarket names(options);
  for (size_t i = 0; i < made.size(); ++i) {
    const Event& read = run.events[i];
    ASSERT_EQ(read.kind, made[i].kind) << "row " << i + 2;
    ASSERT_EQ(read.id.to_string(), made[i].id.to_string()) << "row " << i + 2;
    if (made[i].kind != EventKind::kOrderDelete) {
      ASSERT_EQ(read.qty, made[i].qty) << "row " << i + 2;
    }
    if (made[i].kind != EventKind::kOrderCancel && made[i].kind != EventKind::kOrderDelete) {
      ASSERT_EQ(read.price, made[i].price) << "row " << i + 2;
    }
    ASSERT_EQ(run.universe.account_name(read.buyer), names.universe().account_name(made[i].buyer));
    ASSERT_EQ(read.ts, made[i].ts) << "row " << i + 2;
  }
  const std::string owners = tw::test::read_text((dir.path() / "owners.toml").string());
  EXPECT_NE(owners.find("OWN001 = [\"T0001\",\"T0002\"]"), std::string::npos) << owners;
}
