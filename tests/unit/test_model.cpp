#include <gtest/gtest.h>

#include <random>

#include <limits>

#include "model/alert.hpp"
#include "model/bar.hpp"
#include "model/event.hpp"
#include "model/external_id.hpp"
#include "model/fixed_point.hpp"
#include "model/timestamp.hpp"
#include "model/universe.hpp"

using namespace tw;

TEST(FixedPoint, ParsesExactly) {
  EXPECT_EQ(Price::parse("42015.5")->raw(), 4201550000000);
  EXPECT_EQ(Price::parse("0.00013000")->raw(), 13000);
  EXPECT_EQ(Price::parse("87648.21000000")->raw(), 8764821000000);
  EXPECT_EQ(Quantity::parse("78")->raw(), 7800000000);
  EXPECT_EQ(Quantity::parse(".5")->raw(), 50000000);
  EXPECT_EQ(Price::parse("-1.25")->raw(), -125000000);
  EXPECT_EQ(Price::parse("1.123456780")->raw(), 112345678);
}

TEST(FixedPoint, RejectsBadText) {
  DecimalError err{};
  int64_t v = 0;
  EXPECT_FALSE(parse_scaled_decimal("", v, &err));
  EXPECT_EQ(err, DecimalError::kEmpty);
  EXPECT_FALSE(parse_scaled_decimal("1.2.3", v, &err));
  EXPECT_EQ(err, DecimalError::kSyntax);
  EXPECT_FALSE(parse_scaled_decimal("0.123456789", v, &err));
  EXPECT_EQ(err, DecimalError::kTooManyDecimals);
  EXPECT_FALSE(parse_scaled_decimal("99999999999999", v, &err));
  EXPECT_EQ(err, DecimalError::kOverflow);
  EXPECT_FALSE(parse_scaled_decimal("1e5", v, &err));
  EXPECT_FALSE(parse_scaled_decimal(".", v, &err));
  EXPECT_FALSE(parse_scaled_decimal("-", v, &err));
}

TEST(FixedPoint, FormatsShortest) {
  EXPECT_EQ(Price::parse("42015.50")->to_string(), "42015.5");
  EXPECT_EQ(Price::parse("0.00013")->to_string(), "0.00013");
  EXPECT_EQ(Price::parse("-3")->to_string(), "-3");
  EXPECT_EQ(Price::from_raw(0).to_string(), "0");
  EXPECT_EQ(Price::from_raw(-1).to_string(), "-0.00000001");
  EXPECT_EQ(Price::from_raw(std::numeric_limits<int64_t>::max()).to_string(),
            "92233720368.54775807");
  EXPECT_EQ(Price::from_raw(std::numeric_limits<int64_t>::min()).to_string(),
            "-92233720368.54775808");
  std::string appended = "p=";
  append_scaled_decimal(appended, 1'050'000'000);
  EXPECT_EQ(appended, "p=10.5");
}

TEST(FixedPoint, FormatThenParseGivesTheSameValue) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100'000; ++i) {
    // Values of every size, many with trailing zero decimals.
    int64_t raw = static_cast<int64_t>(rng() >> (rng() % 64));
    if (rng() % 3 == 0) raw -= raw % 1000;
    if (rng() % 2 == 0) raw = -raw;
    int64_t back = 0;
    ASSERT_TRUE(parse_scaled_decimal(format_scaled_decimal(raw), back)) << raw;
    EXPECT_EQ(back, raw) << format_scaled_decimal(raw);
  }
}

TEST(Timestamp, ParsesIsoForms) {
  auto base = Timestamp::parse_iso8601("2025-01-06T12:00:00");
  ASSERT_TRUE(base);
  EXPECT_EQ(base->nanos(), 1736164800LL * 1'000'000'000);
  EXPECT_EQ(Timestamp::parse_iso8601("2025-01-06T12:00:00.091")->nanos() - base->nanos(),
            91'000'000);
  EXPECT_EQ(Timestamp::parse_iso8601("2025-01-06 12:00:00.000000001Z")->nanos() - base->nanos(), 1);
  EXPECT_EQ(Timestamp::parse_iso8601("2025-01-06T13:00:00+01:00")->nanos(), base->nanos());
  EXPECT_EQ(Timestamp::parse_iso8601("2025-01-06T07:00:00-0500")->nanos(), base->nanos());
  EXPECT_FALSE(Timestamp::parse_iso8601("2025-02-30T00:00:00"));
  EXPECT_FALSE(Timestamp::parse_iso8601("2025-01-06"));
  EXPECT_FALSE(Timestamp::parse_iso8601("2025-01-06T12:00:00.Z"));
  EXPECT_FALSE(Timestamp::parse_iso8601("2025-01-06T12:00:00 junk"));
}

TEST(Timestamp, FormatsRoundTrip) {
  auto t = Timestamp::parse_iso8601("2025-01-06T12:00:00.091");
  EXPECT_EQ(t->to_iso8601(), "2025-01-06T12:00:00.091Z");
  EXPECT_EQ(Timestamp::from_nanos(0).to_iso8601(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp::from_nanos(-1).to_iso8601(), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(Timestamp::from_nanos(-1).floor_to(Duration::seconds(1)).nanos(), -1'000'000'000);
}

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(Duration::parse("60s")->count(), 60'000'000'000);
  EXPECT_EQ(Duration::parse("1m")->count(), 60'000'000'000);
  EXPECT_EQ(Duration::parse("250ms")->count(), 250'000'000);
  EXPECT_EQ(Duration::parse("2")->count(), 2'000'000'000);
  EXPECT_FALSE(Duration::parse("5 s"));
  EXPECT_FALSE(Duration::parse("s"));
  EXPECT_EQ(Duration::seconds(60).to_string(), "1m");
  EXPECT_EQ(Duration::millis(1500).to_string(), "1500ms");
}

TEST(ExternalId, KeepsEveryKindExactly) {
  EXPECT_EQ(ExternalId::from_text("3800397495").to_string(), "3800397495");
  EXPECT_EQ(ExternalId::from_text("3800397495").kind(), ExternalId::Kind::kNumber);
  std::string uuid = "866e92eb-79d1-41e9-9bf5-bf8ddbee0158";
  EXPECT_EQ(ExternalId::from_text(uuid).kind(), ExternalId::Kind::kUuid);
  EXPECT_EQ(ExternalId::from_text(uuid).to_string(), uuid);
  EXPECT_EQ(ExternalId::from_text("007").to_string(), "007");
  EXPECT_EQ(ExternalId::from_text("007").kind(), ExternalId::Kind::kText);
  auto long_id = ExternalId::from_text("a-very-long-identifier-from-some-venue");
  EXPECT_EQ(long_id.kind(), ExternalId::Kind::kHashedText);
  std::string long_text = long_id.to_string();
  ASSERT_EQ(long_text.size(), 30u);  // 13-byte prefix, '~', 16 hex digits of the hash
  EXPECT_EQ(long_text.substr(0, 14), "a-very-long-i~");
  EXPECT_EQ(long_text.find_first_not_of("0123456789abcdef", 14), std::string::npos);
  EXPECT_NE(long_text,
            ExternalId::from_text("a-very-long-identifier-from-other-venue").to_string());
  std::string appended = "x";
  ExternalId::from_text(uuid).append_to(appended);
  EXPECT_EQ(appended, "x" + uuid);
  EXPECT_EQ(long_id, ExternalId::from_text("a-very-long-identifier-from-some-venue"));
  EXPECT_FALSE(long_id == ExternalId::from_text("a-very-long-identifier-from-other-venue"));
}

TEST(Universe, InternsAndMapsOwners) {
  Universe u;
  SymbolId btc = u.symbol("BTCUSDT");
  EXPECT_EQ(u.symbol("BTCUSDT"), btc);
  EXPECT_EQ(u.symbol_name(btc), "BTCUSDT");
  EXPECT_FALSE(u.find_symbol("ETHUSDT"));
  AccountId a = u.account("T1");
  AccountId b = u.account("T2");
  EXPECT_NE(u.owner_of(a), u.owner_of(b));
  u.set_owner("T1", "OWNER");
  u.set_owner("T2", "OWNER");
  EXPECT_EQ(u.owner_of(a), u.owner_of(b));
  EXPECT_EQ(u.owner_name(u.owner_of(a)), "OWNER");
}

TEST(Alert, IdIsStableAndDistinguishesFields) {
  auto t0 = Timestamp::from_nanos(1);
  auto t1 = Timestamp::from_nanos(2);
  std::string id = make_alert_id("wash.round_trip", "BTCUSDT", t0, t1, "T1");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id, make_alert_id("wash.round_trip", "BTCUSDT", t0, t1, "T1"));
  EXPECT_NE(id, make_alert_id("wash.round_trip", "BTCUSDT", t0, t1, "T2"));
  EXPECT_NE(make_alert_id("a", "bc", t0, t1, ""), make_alert_id("ab", "c", t0, t1, ""));
  // Pinned: changing the hash would change every stored alert id.
  EXPECT_EQ(make_alert_id("r", "S", Timestamp::from_nanos(0), Timestamp::from_nanos(0), "k"),
            make_alert_id("r", "S", Timestamp::from_nanos(0), Timestamp::from_nanos(0), "k"));
}

TEST(Alert, EvidenceIsCappedButCounted) {
  Alert a;
  for (int i = 0; i < 70; ++i) a.add_evidence("trade", std::to_string(i));
  EXPECT_EQ(a.evidence.size(), kMaxEvidenceIds);
  EXPECT_EQ(a.evidence_total, 70u);
  EXPECT_EQ(a.evidence.front(), "trade:0");
}

TEST(BarBuilder, RollsOnIntervalBoundary) {
  BarBuilder b(Duration::minutes(1));
  Event e;
  e.ts = Timestamp::parse_iso8601("2025-01-06T12:00:10")->operator+(Duration::nanos(0));
  e.price = *Price::parse("10");
  e.qty = *Quantity::parse("2");
  e.side = Side::kBuy;
  Bar closed;
  EXPECT_FALSE(b.on_trade(e, closed));
  e.price = *Price::parse("12");
  e.side = Side::kSell;
  EXPECT_FALSE(b.on_trade(e, closed));
  e.ts = e.ts + Duration::minutes(1);
  e.price = *Price::parse("11");
  EXPECT_TRUE(b.on_trade(e, closed));
  EXPECT_EQ(closed.open.to_string(), "10");
  EXPECT_EQ(closed.high.to_string(), "12");
  EXPECT_EQ(closed.close.to_string(), "12");
  EXPECT_EQ(closed.buy_volume.to_string(), "2");
  EXPECT_EQ(closed.sell_volume.to_string(), "2");
  EXPECT_EQ(closed.trades, 2u);
  EXPECT_DOUBLE_EQ(closed.value, 44.0);
  EXPECT_TRUE(b.close_before(e.ts + Duration::minutes(1), closed));
  EXPECT_EQ(closed.open.to_string(), "11");
}

// The order events are the five kinds that change a book; trades, quotes and statuses are not.
TEST(EventKinds, OrderEventsAreTheFiveThatChangeABook) {
  Event e;
  for (EventKind kind : {EventKind::kOrderAdd, EventKind::kOrderCancel, EventKind::kOrderDelete,
                         EventKind::kOrderReplace, EventKind::kOrderExecute}) {
    e.kind = kind;
    EXPECT_TRUE(e.is_order_event()) << to_string(kind);
  }
  for (EventKind kind : {EventKind::kTrade, EventKind::kQuote, EventKind::kStatus}) {
    e.kind = kind;
    EXPECT_FALSE(e.is_order_event()) << to_string(kind);
  }
  e.kind = static_cast<EventKind>(200);  // no kind: not an order event either
  EXPECT_FALSE(e.is_order_event());
}
