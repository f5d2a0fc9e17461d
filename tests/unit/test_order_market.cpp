#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
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
      // 09:30 to 16:00, then half an hour after hours.
      EXPECT_EQ((market.end() - market.start()).count(), 420LL * 60 * 1'000'000'000);
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

namespace {

/// A short market with episodes of `kind` alone, often, after a one-minute warm-up.
struct Injected {
  explicit Injected(ManipulationKind kind, uint64_t seed = 3) {
    OrderMarketOptions options;
    options.symbols = 2;
    options.hours = 1;
    options.seed = seed;
    options.inject = {kind};
    if (kind == ManipulationKind::kMarkingTheClose) {  // it needs a close
      options.regime = Regime::kSession;
      options.activity = 0.25;
      options.symbols = 6;
    }
    options.episodes_per_hour = 6;
    options.warmup = Duration::minutes(1);
    options.gap = Duration::minutes(1);
    OrderMarket market(options);
    while (market.step(events)) {
    }
    labels = market.take_labels();
    universe_names = [&market](AccountId a) {
      return std::string(market.universe().account_name(a));
    };
    for (const InjectedLabel& l : labels) {
      for (AccountId a : l.accounts) accounts.push_back(universe_names(a));
    }
  }
  /// The events of `label`'s accounts on its symbol within its window.
  std::vector<Event> of(const InjectedLabel& label) const {
    std::vector<Event> out;
    for (const Event& e : events) {
      if (e.symbol != label.symbol || e.ts < label.start || label.end < e.ts) continue;
      for (AccountId a : label.accounts) {
        if (e.account == a || e.buyer == a || e.seller == a) {
          out.push_back(e);
          break;
        }
      }
    }
    return out;
  }
  std::vector<Event> events;
  std::vector<InjectedLabel> labels;
  std::vector<std::string> accounts;
  std::function<std::string(AccountId)> universe_names;
};

size_t count_kind(const std::vector<Event>& events, EventKind kind) {
  return static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                           [kind](const Event& e) { return e.kind == kind; }));
}

}  // namespace

// Every kind of episode, injected alone, leaves labels whose window holds its accounts' orders
// and trades, and the books stay sound around it.
TEST(OrderMarketEpisodes, EveryKindLeavesLabelsAndItsFootprint) {
  for (const ManipulationInfo& info : manipulation_kinds()) {
    Injected market(info.kind);
    ASSERT_GE(market.labels.size(), 2u) << info.name;
    const BookCheck books = check_books(market.events);
    EXPECT_EQ(books.crossed_or_locked, 0u) << info.name;
    EXPECT_EQ(books.unknown, 0u) << info.name;
    for (const InjectedLabel& label : market.labels) {
      EXPECT_EQ(label.kind, info.kind);
      EXPECT_FALSE(label.end < label.start) << info.name;
      if (info.kind == ManipulationKind::kExcessiveSpread) {
        EXPECT_TRUE(label.accounts.empty());
        continue;
      }
      EXPECT_FALSE(market.of(label).empty()) << info.name << " episode " << label.episode;
    }
  }
}

// The footprints the rules look for: wash trades between the episode's own accounts, a large
// order pulled within seconds, a burst of hundreds of messages, a sweep that moves the price.
TEST(OrderMarketEpisodes, EachKindDoesWhatItsRuleLooksFor) {
  auto trades_among = [](const Injected& m, const InjectedLabel& label) {
    size_t n = 0;
    for (const Event& e : m.of(label)) {
      const bool both =
          std::find(label.accounts.begin(), label.accounts.end(), e.buyer) !=
              label.accounts.end() &&
          std::find(label.accounts.begin(), label.accounts.end(), e.seller) != label.accounts.end();
      n += e.kind == EventKind::kOrderExecute && both ? 1 : 0;
    }
    return n;
  };
  Injected self(ManipulationKind::kSelfTrade), ring(ManipulationKind::kCollusiveRing),
      wash(ManipulationKind::kWashVolume);
  for (const InjectedLabel& l : self.labels) EXPECT_GE(trades_among(self, l), 1u);
  for (const InjectedLabel& l : ring.labels) EXPECT_GE(trades_among(ring, l), l.accounts.size());
  for (const InjectedLabel& l : wash.labels) EXPECT_GE(trades_among(wash, l), 100u);

  Injected spoof(ManipulationKind::kSpoofing);
  for (const InjectedLabel& l : spoof.labels) {
    const std::vector<Event> own = spoof.of(l);
    ASSERT_FALSE(own.empty());
    EXPECT_EQ(own.front().kind, EventKind::kOrderAdd);
    EXPECT_GE(own.front().qty, Quantity::from_units(15 * 300));
    EXPECT_EQ(own.back().kind, EventKind::kOrderDelete);
    EXPECT_EQ(own.back().id, own.front().id);
    EXPECT_LE((l.end - l.start).to_seconds(), 10);
    EXPECT_GE(count_kind(own, EventKind::kOrderExecute), 1u);
  }

  Injected stuffing(ManipulationKind::kQuoteStuffing);
  for (const InjectedLabel& l : stuffing.labels) {
    const std::vector<Event> own = stuffing.of(l);
    EXPECT_GE(own.size(), 600u);
    EXPECT_LT(own.size(), 1'000u);
    EXPECT_LE((l.end - l.start).to_seconds(), 4);
    EXPECT_GE(count_kind(own, EventKind::kOrderDelete) * 2, own.size() - 1);
  }

  // Pushed up into the close: the account buys in its last minutes, and the last trade before
  // the close is well above where the push began.
  Injected marking(ManipulationKind::kMarkingTheClose);
  for (const InjectedLabel& l : marking.labels) {
    const std::vector<Event> own = marking.of(l);
    ASSERT_FALSE(own.empty());
    EXPECT_LE((l.end - l.start).to_seconds(), 8 * 60);
    Price first, last;
    for (const Event& e : marking.events) {
      if (e.symbol != l.symbol || e.kind != EventKind::kOrderExecute || e.ts < l.start ||
          l.end < e.ts) {
        continue;
      }
      if (first == Price{}) first = e.price;
      last = e.price;
    }
    EXPECT_GE(static_cast<double>((last - first).raw()) / static_cast<double>(first.raw()), 0.01);
  }

  Injected ignition(ManipulationKind::kMomentumIgnition);
  for (const InjectedLabel& l : ignition.labels) {
    Price low = Price::from_units(1'000'000), high;
    for (const Event& e : ignition.of(l)) {
      if (e.kind != EventKind::kOrderExecute) continue;
      low = std::min(low, e.price);
      high = std::max(high, e.price);
    }
    EXPECT_GE(static_cast<double>((high - low).raw()) / static_cast<double>(low.raw()), 0.003);
  }
}
