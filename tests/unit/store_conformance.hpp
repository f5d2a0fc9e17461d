// The alert store conformance suite: every AlertStore call, checked the same way on each backend.
//
// A backend instantiates it with a type that has
//   std::unique_ptr<AlertStore> open();   // a store over a fresh, empty database (nullptr: skip)
//   std::string skip_reason() const;      // why open() gave nullptr
//   Rows rows(const std::string& sql);    // a query on that database, every value as text
// and INSTANTIATE_TYPED_TEST_SUITE_P(Name, StoreConformance, Backend).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "store/alert_store.hpp"
#include "store_test_util.hpp"

namespace tw::testing {

using Rows = std::vector<std::vector<std::string>>;

/// The hand-made alerts every check below knows the answers for (times: seconds after
/// 2025-01-06T12:00:00Z).
///   A wash.round_trip BTCUSDT HIGH     t=0    score 55 acct-1 acct-2  run-1
///   B wash.round_trip ETHUSDT LOW      t=90   score 12 acct-3         run-1
///   C spoofing        BTCUSDT CRITICAL t=30   score 91 acct-2 acct-4  run-1
///   D pump_and_dump   SOLUSDT MEDIUM   t=3700 score 33 (none)         run-1
///   E pump_and_dump   BTCUSDT MEDIUM   t=3720 score 41 acct-5         run-1
///   F layering        ETHUSDT HIGH     t=7300 score 64 Acct-6         run-2 (ends t=7900)
struct ConformanceAlerts {
  Alert a, b, c, d, e, f;

  ConformanceAlerts()
      : a(make("wash.round_trip", "BTCUSDT", Severity::kHigh, 0, 55, {"acct-1", "acct-2"},
               "acct-1 traded with itself")),
        b(make("wash.round_trip", "ETHUSDT", Severity::kLow, 90, 12, {"acct-3"},
               "a small self-trade")),
        c(make("spoofing", "BTCUSDT", Severity::kCritical, 30, 91, {"acct-2", "acct-4"},
               "bid side 100% layered_away")),
        d(make("pump_and_dump", "SOLUSDT", Severity::kMedium, 3700, 33, {},
               "SOLUSDT rose 10.4% in 6 min")),
        e(make("pump_and_dump", "BTCUSDT", Severity::kMedium, 3720, 41, {"acct-5"},
               "BTCUSDT rose 50 percent")),
        f(make("layering", "ETHUSDT", Severity::kHigh, 7300, 64, {"Acct-6"}, "Walls Pulled")) {
    f.end = at(7900);
    f.id = make_alert_id(f.rule, f.symbol, f.start, f.end, "k");
  }

  std::vector<Alert> run_one() const { return {a, b, c, d, e}; }

 private:
  static Alert make(std::string rule, std::string symbol, Severity severity, int64_t t,
                    double score, std::vector<std::string> accounts, std::string why) {
    Alert alert = make_alert(std::move(rule), std::move(symbol), severity, t);
    alert.score = score;
    alert.accounts = std::move(accounts);
    alert.why = std::move(why);
    return alert;
  }
};

inline RunRecord conformance_run(std::string id, uint64_t events, uint64_t alerts) {
  RunRecord run;
  run.run_id = std::move(id);
  run.inputs = {"trades.csv"};
  run.events = events;
  run.rejects = events / 100;
  run.alerts = alerts;
  run.status = "ok";
  return run;
}

inline Bar conformance_bar(int64_t start_seconds, const char* buy, const char* sell, double value,
                           uint64_t trades) {
  Bar bar;
  bar.start = at(start_seconds);
  bar.open = bar.high = bar.low = bar.close = *Price::parse("100");
  bar.buy_volume = *Quantity::parse(buy);
  bar.sell_volume = *Quantity::parse(sell);
  // One print of unknown side: total volume is more than buy + sell.
  bar.volume = *Quantity::parse("0.5") + bar.buy_volume + bar.sell_volume;
  bar.value = value;
  bar.trades = trades;
  return bar;
}

template <class Backend>
class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    if (!store_) GTEST_SKIP() << backend_.skip_reason();
  }

  // Writes the hand-made set: A-E in run-1, F in run-2.
  void write_set() {
    store_->begin_run(conformance_run("run-1", 1000, 5));
    for (Alert alert : set_.run_one()) store_->emit(std::move(alert));
    store_->finish_run(conformance_run("run-1", 1000, 5));
    store_->begin_run(conformance_run("run-2", 500, 1));
    store_->emit(Alert(set_.f));
    store_->finish_run(conformance_run("run-2", 500, 1));
  }

  std::vector<StoredAlert> read(const AlertQuery& query) {
    std::vector<StoredAlert> rows;
    store_->for_each_alert(query, [&](const StoredAlert& row) { rows.push_back(row); });
    return rows;
  }

  // The ids `query` selects, in order, and checks count_alerts agrees with the list.
  std::vector<std::string> ids(const AlertQuery& query) {
    std::vector<std::string> out;
    for (const StoredAlert& row : read(query)) out.push_back(row.alert.id);
    if (query.limit == 0 && query.offset == 0) {
      EXPECT_EQ(store_->count_alerts(query), out.size()) << "count_alerts disagrees";
    }
    return out;
  }

  std::vector<std::string> ids_of(std::initializer_list<const Alert*> alerts) {
    std::vector<std::string> out;
    for (const Alert* alert : alerts) out.push_back(alert->id);
    return out;
  }

  std::vector<std::string> sorted(AlertSortKey key, bool descending) {
    AlertQuery query;
    query.sort = {key, descending};
    return ids(query);
  }

  Backend backend_;
  std::unique_ptr<AlertStore> store_;
  ConformanceAlerts set_;
};

TYPED_TEST_SUITE_P(StoreConformance);

TYPED_TEST_P(StoreConformance, StoresEveryFieldAndFindsAlertsById) {
  this->write_set();
  auto found = this->store_->find_alert(this->set_.c.id);
  ASSERT_TRUE(found);
  const Alert& c = found->alert;
  EXPECT_EQ(c.rule, "spoofing");
  EXPECT_EQ(c.symbol, "BTCUSDT");
  EXPECT_EQ(c.severity, Severity::kCritical);
  EXPECT_DOUBLE_EQ(c.score, 91);
  EXPECT_EQ(c.start, at(30));
  EXPECT_EQ(c.end, at(60));
  EXPECT_EQ(c.accounts, (std::vector<std::string>{"acct-2", "acct-4"}));
  EXPECT_EQ(c.metrics_json, this->set_.c.metrics_json);
  EXPECT_EQ(c.why, "bid side 100% layered_away");
  EXPECT_EQ(c.evidence, (std::vector<std::string>{"trade:101", "trade:102"}));
  EXPECT_EQ(c.evidence_total, 2u);
  EXPECT_EQ(found->run_id, "run-1");
  EXPECT_EQ(found->first_seen_run, "run-1");
  EXPECT_EQ(found->status, AlertStatus::kOpen);
  EXPECT_EQ(found->status_note, "");
  EXPECT_GT(found->change_seq, 0u);
  EXPECT_FALSE(found->updated_at.empty());
  EXPECT_FALSE(this->store_->find_alert("0000000000000000"));
}

TYPED_TEST_P(StoreConformance, EachFilterNarrows) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  auto q = [](auto set) {
    AlertQuery query;
    set(query);
    return query;
  };
  EXPECT_EQ(this->ids({}), this->ids_of({&s.a, &s.c, &s.b, &s.d, &s.e, &s.f}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.rule = "wash.round_trip"; })),
            this->ids_of({&s.a, &s.b}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.rule_prefix = "pump"; })),
            this->ids_of({&s.d, &s.e}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.symbol = "BTCUSDT"; })),
            this->ids_of({&s.a, &s.c, &s.e}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.severity = Severity::kHigh; })),
            this->ids_of({&s.a, &s.f}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.min_severity = Severity::kHigh; })),
            this->ids_of({&s.a, &s.c, &s.f}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) {
    x.from = at(60);
    x.to = at(3720);
  })),
            this->ids_of({&s.b, &s.d}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.run_id = "run-2"; })), this->ids_of({&s.f}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.account = "acct-2"; })), this->ids_of({&s.a, &s.c}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.account = "acct"; })), this->ids_of({}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) { x.account = "acct-6"; })), this->ids_of({}))
      << "the account filter is exact, case included";
  EXPECT_EQ(this->ids(q([](AlertQuery& x) {
    x.symbol = "BTCUSDT";
    x.min_severity = Severity::kHigh;
    x.account = "acct-2";
  })),
            this->ids_of({&s.a, &s.c}));
  EXPECT_EQ(this->ids(q([](AlertQuery& x) {
    x.symbol = "BTCUSDT";
    x.severity = Severity::kCritical;
    x.rule = "wash.round_trip";
  })),
            this->ids_of({}));
}

TYPED_TEST_P(StoreConformance, StatusFilterFollowsStatusChanges) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  AlertQuery escalated;
  escalated.status = AlertStatus::kEscalated;
  EXPECT_EQ(this->ids(escalated), this->ids_of({}));
  ASSERT_TRUE(this->store_->set_status(s.c.id, AlertStatus::kEscalated, "sent on"));
  ASSERT_TRUE(this->store_->set_status(s.f.id, AlertStatus::kDismissed, ""));
  EXPECT_EQ(this->ids(escalated), this->ids_of({&s.c}));
  AlertQuery open;
  open.status = AlertStatus::kOpen;
  EXPECT_EQ(this->ids(open), this->ids_of({&s.a, &s.b, &s.d, &s.e}));
}

TYPED_TEST_P(StoreConformance, TextFilterIsLiteralAndCaseInsensitive) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  auto text = [&](std::string t) {
    AlertQuery query;
    query.text = std::move(t);
    return this->ids(query);
  };
  EXPECT_EQ(text("self-trade"), this->ids_of({&s.b}));
  EXPECT_EQ(text("WALLS pulled"), this->ids_of({&s.f}));
  EXPECT_EQ(text("ethusdt"), this->ids_of({&s.b, &s.f})) << "symbol";
  EXPECT_EQ(text("ump_and"), this->ids_of({&s.d, &s.e})) << "rule";
  EXPECT_EQ(text("acct-6"), this->ids_of({&s.f})) << "accounts, any case";
  EXPECT_EQ(text("acct-4"), this->ids_of({&s.c})) << "accounts";
  EXPECT_EQ(text(s.e.id.substr(3, 10)), this->ids_of({&s.e})) << "id";
  EXPECT_EQ(text("100%"), this->ids_of({&s.c}));
  EXPECT_EQ(text("layered_away"), this->ids_of({&s.c}));
  // As LIKE wildcards these would match D ("10.4%") and E ("rose 50").
  EXPECT_EQ(text("10%4"), this->ids_of({}));
  EXPECT_EQ(text("rose_5"), this->ids_of({}));
  EXPECT_EQ(text("\\"), this->ids_of({}));
  EXPECT_EQ(text("'; DROP TABLE alerts; --"), this->ids_of({}));
  EXPECT_EQ(this->store_->count_alerts({}), 6u);
}

TYPED_TEST_P(StoreConformance, SortsEitherWayWithTiesByStartAndId) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  auto reversed = [](std::vector<std::string> v) {
    std::reverse(v.begin(), v.end());
    return v;
  };
  std::vector<std::pair<AlertSortKey, std::vector<std::string>>> expected = {
      {AlertSortKey::kStart, this->ids_of({&s.a, &s.c, &s.b, &s.d, &s.e, &s.f})},
      {AlertSortKey::kEnd, this->ids_of({&s.a, &s.c, &s.b, &s.d, &s.e, &s.f})},
      {AlertSortKey::kScore, this->ids_of({&s.b, &s.d, &s.e, &s.a, &s.f, &s.c})},
      {AlertSortKey::kSeverity, this->ids_of({&s.b, &s.d, &s.e, &s.a, &s.f, &s.c})},
      {AlertSortKey::kSymbol, this->ids_of({&s.a, &s.c, &s.e, &s.b, &s.f, &s.d})},
      {AlertSortKey::kRule, this->ids_of({&s.f, &s.d, &s.e, &s.c, &s.a, &s.b})},
  };
  for (const auto& [key, ascending] : expected) {
    EXPECT_EQ(this->sorted(key, false), ascending) << "key " << static_cast<int>(key);
    EXPECT_EQ(this->sorted(key, true), reversed(ascending)) << "key " << static_cast<int>(key);
  }
}

TYPED_TEST_P(StoreConformance, PagesWithLimitAndOffset) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  AlertQuery page;
  page.limit = 2;
  page.offset = 1;
  EXPECT_EQ(this->ids(page), this->ids_of({&s.c, &s.b}));
  EXPECT_EQ(this->store_->count_alerts(page), 6u) << "count ignores limit and offset";
  page.sort = {AlertSortKey::kScore, true};
  EXPECT_EQ(this->ids(page), this->ids_of({&s.f, &s.a}));
  AlertQuery tail;
  tail.offset = 4;
  EXPECT_EQ(this->ids(tail), this->ids_of({&s.e, &s.f}));
  AlertQuery past_end;
  past_end.limit = 10;
  past_end.offset = 6;
  EXPECT_EQ(this->ids(past_end), this->ids_of({}));
}

TYPED_TEST_P(StoreConformance, ReRunKeepsIdsStatusAndFirstRun) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  ASSERT_TRUE(this->store_->set_status(s.c.id, AlertStatus::kConfirmed, "checked by hand"));
  uint64_t before = this->store_->last_change_seq();
  std::vector<std::string> ids_before = this->ids({});
  this->store_->begin_run(conformance_run("run-3", 1000, 5));
  for (Alert alert : s.run_one()) this->store_->emit(std::move(alert));
  this->store_->finish_run(conformance_run("run-3", 1000, 5));
  EXPECT_EQ(this->ids({}), ids_before);
  auto c = this->store_->find_alert(s.c.id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, AlertStatus::kConfirmed);
  EXPECT_EQ(c->status_note, "checked by hand");
  EXPECT_EQ(c->run_id, "run-3");
  EXPECT_EQ(c->first_seen_run, "run-1");
  EXPECT_GT(c->change_seq, before) << "a re-run is a change";
  auto f = this->store_->find_alert(s.f.id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->run_id, "run-2");
  EXPECT_LE(f->change_seq, before) << "F was not written again";
}

TYPED_TEST_P(StoreConformance, ChangesComeInOrderAfterASequenceNumber) {
  EXPECT_EQ(this->store_->last_change_seq(), 0u);
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  std::vector<StoredAlert> changes;
  auto collect = [&](uint64_t after, uint64_t limit) {
    changes.clear();
    this->store_->alerts_changed_since(after, limit,
                                       [&](const StoredAlert& row) { changes.push_back(row); });
    std::vector<std::string> out;
    for (const StoredAlert& row : changes) out.push_back(row.alert.id);
    return out;
  };
  EXPECT_EQ(collect(0, 0), this->ids_of({&s.a, &s.b, &s.c, &s.d, &s.e, &s.f})) << "write order";
  for (size_t i = 1; i < changes.size(); ++i) {
    EXPECT_GT(changes[i].change_seq, changes[i - 1].change_seq);
  }
  uint64_t last = this->store_->last_change_seq();
  EXPECT_EQ(last, changes.back().change_seq);
  EXPECT_EQ(collect(changes[1].change_seq, 2), this->ids_of({&s.c, &s.d}));
  EXPECT_EQ(collect(last, 0), this->ids_of({}));

  ASSERT_TRUE(this->store_->set_status(s.b.id, AlertStatus::kReviewing, "looking"));
  EXPECT_EQ(collect(last, 0), this->ids_of({&s.b}));
  EXPECT_EQ(changes.front().status, AlertStatus::kReviewing);
  EXPECT_GT(this->store_->last_change_seq(), last);

  this->store_->emit(Alert(s.a));  // a re-run of one alert
  EXPECT_EQ(collect(last, 0), this->ids_of({&s.b, &s.a}));
}

TYPED_TEST_P(StoreConformance, StatusRoundTrip) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  for (AlertStatus status :
       {AlertStatus::kReviewing, AlertStatus::kEscalated, AlertStatus::kDismissed,
        AlertStatus::kConfirmed, AlertStatus::kOpen}) {
    std::string note = "note for " + std::string(to_string(status)) + " 'quoted' ?1 $1";
    ASSERT_TRUE(this->store_->set_status(s.d.id, status, note));
    auto d = this->store_->find_alert(s.d.id);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, status);
    EXPECT_EQ(d->status_note, note);
  }
  uint64_t last = this->store_->last_change_seq();
  EXPECT_FALSE(this->store_->set_status("ffffffffffffffff", AlertStatus::kEscalated, "x"));
  EXPECT_EQ(this->store_->last_change_seq(), last) << "an unknown id changes nothing";
}

TYPED_TEST_P(StoreConformance, EvidenceRoundTrip) {
  this->write_set();
  const ConformanceAlerts& s = this->set_;
  EXPECT_FALSE(this->store_->find_evidence(s.a.id));
  std::string first = R"({"trades":[{"id":"101","price":"1.5"}],"missing":[],"note":"é ✓"})";
  this->store_->write_evidence(s.a.id, first);
  EXPECT_EQ(this->store_->find_evidence(s.a.id), first);
  std::string second = R"({"trades":[],"missing":["trade:9"]})";
  this->store_->write_evidence(s.a.id, second);
  EXPECT_EQ(this->store_->find_evidence(s.a.id), second);
  EXPECT_FALSE(this->store_->find_evidence(s.b.id));
}

TYPED_TEST_P(StoreConformance, SummaryNumbersAreExact) {
  this->write_set();
  AlertSummary all = this->store_->summarize({});
  EXPECT_EQ(all.alerts, 6u);
  EXPECT_EQ(all.symbols, 3u);
  EXPECT_EQ(all.rules, 4u);
  EXPECT_EQ(all.accounts, 6u);
  EXPECT_EQ(all.by_severity, (SeverityCounts{1, 2, 2, 1}));
  EXPECT_DOUBLE_EQ(all.mean_score, 296.0 / 6);
  EXPECT_EQ(all.first_start, at(0));
  EXPECT_EQ(all.last_end, at(7900));

  AlertQuery btc;
  btc.symbol = "BTCUSDT";
  btc.limit = 1;  // ignored
  AlertSummary some = this->store_->summarize(btc);
  EXPECT_EQ(some.alerts, 3u);
  EXPECT_EQ(some.symbols, 1u);
  EXPECT_EQ(some.rules, 3u);
  EXPECT_EQ(some.accounts, 4u);  // acct-1, acct-2, acct-4, acct-5
  EXPECT_EQ(some.by_severity, (SeverityCounts{0, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(some.mean_score, 187.0 / 3);
  EXPECT_EQ(some.last_end, at(3750));

  AlertQuery none;
  none.symbol = "XRPUSDT";
  AlertSummary empty = this->store_->summarize(none);
  EXPECT_EQ(empty.alerts, 0u);
  EXPECT_EQ(empty.accounts, 0u);
  EXPECT_EQ(empty.by_severity, (SeverityCounts{}));
  EXPECT_DOUBLE_EQ(empty.mean_score, 0);
  EXPECT_FALSE(empty.first_start);
  EXPECT_FALSE(empty.last_end);
}

TYPED_TEST_P(StoreConformance, TimelineBucketsByMinuteAndHour) {
  this->write_set();
  auto minutes = this->store_->timeline({}, Duration::minutes(1));
  ASSERT_EQ(minutes.size(), 5u);
  std::vector<std::pair<Timestamp, SeverityCounts>> expected = {
      {at(0), {0, 0, 1, 1}},    {at(60), {1, 0, 0, 0}},   {at(3660), {0, 1, 0, 0}},
      {at(3720), {0, 1, 0, 0}}, {at(7260), {0, 0, 1, 0}},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(minutes[i].start, expected[i].first) << i;
    EXPECT_EQ(minutes[i].by_severity, expected[i].second) << i;
  }
  EXPECT_EQ(minutes[0].total, 2u);

  auto hours = this->store_->timeline({}, Duration::hours(1));
  ASSERT_EQ(hours.size(), 3u);
  EXPECT_EQ(hours[0].start, at(0));
  EXPECT_EQ(hours[0].by_severity, (SeverityCounts{1, 0, 1, 1}));
  EXPECT_EQ(hours[0].total, 3u);
  EXPECT_EQ(hours[1].start, at(3600));
  EXPECT_EQ(hours[1].by_severity, (SeverityCounts{0, 2, 0, 0}));
  EXPECT_EQ(hours[2].start, at(7200));
  EXPECT_EQ(hours[2].total, 1u);

  AlertQuery wash;
  wash.rule_prefix = "wash.";
  auto filtered = this->store_->timeline(wash, Duration::hours(1));
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].by_severity, (SeverityCounts{1, 0, 1, 0}));
}

TYPED_TEST_P(StoreConformance, CountsByRule) {
  this->write_set();
  auto rules = this->store_->count_by_rule({});
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].rule, "pump_and_dump");  // 2 alerts; ties by name
  EXPECT_EQ(rules[0].by_severity, (SeverityCounts{0, 2, 0, 0}));
  EXPECT_EQ(rules[0].total, 2u);
  EXPECT_DOUBLE_EQ(rules[0].mean_score, 37);
  EXPECT_DOUBLE_EQ(rules[0].max_score, 41);
  EXPECT_EQ(rules[1].rule, "wash.round_trip");
  EXPECT_EQ(rules[1].by_severity, (SeverityCounts{1, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(rules[1].mean_score, 33.5);
  EXPECT_DOUBLE_EQ(rules[1].max_score, 55);
  EXPECT_EQ(rules[2].rule, "layering");
  EXPECT_EQ(rules[3].rule, "spoofing");
  EXPECT_EQ(rules[3].by_severity, (SeverityCounts{0, 0, 0, 1}));
  EXPECT_EQ(rules[3].total, 1u);

  AlertQuery eth;
  eth.symbol = "ETHUSDT";
  auto some = this->store_->count_by_rule(eth);
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0].rule, "layering");
  EXPECT_EQ(some[1].rule, "wash.round_trip");
  EXPECT_EQ(some[1].total, 1u);
}

TYPED_TEST_P(StoreConformance, SymbolRiskWeighsSeverities) {
  this->write_set();
  auto symbols = this->store_->symbol_risk({});
  ASSERT_EQ(symbols.size(), 3u);
  EXPECT_EQ(symbols[0].symbol, "BTCUSDT");
  EXPECT_EQ(symbols[0].risk, 6u);  // 3 x CRITICAL + 2 x HIGH + 1 x MEDIUM
  EXPECT_EQ(symbols[0].alerts, 3u);
  EXPECT_EQ(symbols[0].by_severity, (SeverityCounts{0, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(symbols[0].score_sum, 187);
  EXPECT_DOUBLE_EQ(symbols[0].max_score, 91);
  EXPECT_EQ(symbols[1].symbol, "ETHUSDT");
  EXPECT_EQ(symbols[1].risk, 2u);  // LOW counts 0
  EXPECT_DOUBLE_EQ(symbols[1].score_sum, 76);
  EXPECT_EQ(symbols[2].symbol, "SOLUSDT");
  EXPECT_EQ(symbols[2].risk, 1u);

  // Equal risk: the larger score sum first.
  this->store_->emit(make_alert("layering", "XRPUSDT", Severity::kMedium, 10));  // score 30
  this->store_->emit(make_alert("layering", "ADAUSDT", Severity::kMedium, 10));
  Alert ada = make_alert("spoofing", "ADAUSDT", Severity::kLow, 20);  // score 10, risk 0
  this->store_->emit(std::move(ada));
  auto more = this->store_->symbol_risk({});
  ASSERT_EQ(more.size(), 5u);
  EXPECT_EQ(more[2].symbol, "ADAUSDT");  // risk 1, score sum 40
  EXPECT_EQ(more[3].symbol, "SOLUSDT");  // risk 1, score sum 33
  EXPECT_EQ(more[4].symbol, "XRPUSDT");  // risk 1, score sum 30
}

TYPED_TEST_P(StoreConformance, VolumeFromBars) {
  Duration minute = Duration::minutes(1);
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(0, "2.25", "1.25", 400, 7));
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(60, "1", "3", 450, 5));
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(3600, "10", "0", 1050, 2));
  this->store_->write_bar("ETHUSDT", minute, conformance_bar(60, "0.5", "0.25", 125, 3));
  this->store_->write_bar("ETHUSDT", Duration::hours(1), conformance_bar(0, "9", "9", 1, 1));

  auto first_hour = this->store_->volume_by_symbol(minute, at(0), at(3600), std::nullopt);
  ASSERT_EQ(first_hour.size(), 2u);
  EXPECT_EQ(first_hour[0].symbol, "BTCUSDT");
  EXPECT_DOUBLE_EQ(first_hour[0].buy, 3.25);
  EXPECT_DOUBLE_EQ(first_hour[0].sell, 4.25);
  EXPECT_DOUBLE_EQ(first_hour[0].total, 8.5);
  EXPECT_DOUBLE_EQ(first_hour[0].value, 850);
  EXPECT_EQ(first_hour[0].trades, 12u);
  EXPECT_EQ(first_hour[1].symbol, "ETHUSDT");
  EXPECT_DOUBLE_EQ(first_hour[1].total, 1.25);

  auto eth = this->store_->volume_by_symbol(minute, at(0), at(7200), "ETHUSDT");
  ASSERT_EQ(eth.size(), 1u);
  EXPECT_EQ(eth[0].trades, 3u);

  auto hourly =
      this->store_->volume_over_time(minute, Duration::hours(1), at(0), at(7200), std::nullopt);
  ASSERT_EQ(hourly.size(), 2u);
  EXPECT_EQ(hourly[0].start, at(0));
  EXPECT_DOUBLE_EQ(hourly[0].buy, 3.75);
  EXPECT_DOUBLE_EQ(hourly[0].sell, 4.5);
  EXPECT_DOUBLE_EQ(hourly[0].total, 9.75);
  EXPECT_EQ(hourly[0].trades, 15u);
  EXPECT_EQ(hourly[1].start, at(3600));
  EXPECT_DOUBLE_EQ(hourly[1].total, 10.5);

  auto per_minute =
      this->store_->volume_over_time(minute, minute, at(0), at(7200), std::string("BTCUSDT"));
  ASSERT_EQ(per_minute.size(), 3u);
  EXPECT_EQ(per_minute[1].start, at(60));
  EXPECT_EQ(per_minute[1].trades, 5u);

  auto range = this->store_->bar_range(minute);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, at(0));
  EXPECT_EQ(range->second, at(3600));
  EXPECT_FALSE(this->store_->bar_range(Duration::seconds(1)));
  EXPECT_TRUE(
      this->store_->volume_by_symbol(Duration::seconds(1), at(0), at(7200), std::nullopt).empty());
}

TYPED_TEST_P(StoreConformance, RunsNewestFirstAndTotals) {
  EXPECT_EQ(this->store_->run_totals().runs, 0u);
  EXPECT_TRUE(this->store_->recent_runs(10).empty());
  this->write_set();
  this->store_->begin_run(conformance_run("run-3", 200, 0));
  auto runs = this->store_->recent_runs(2);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].run_id, "run-3");
  EXPECT_EQ(runs[0].status, "running");
  EXPECT_EQ(runs[1].run_id, "run-2");
  EXPECT_EQ(runs[1].status, "ok");
  EXPECT_EQ(runs[1].events, 500u);
  EXPECT_EQ(runs[1].inputs, (std::vector<std::string>{"trades.csv"}));
  EXPECT_FALSE(runs[1].finished_at.empty());
  EXPECT_EQ(this->store_->recent_runs(10).size(), 3u);
  RunTotals totals = this->store_->run_totals();
  EXPECT_EQ(totals.runs, 3u);
  EXPECT_EQ(totals.events, 1700u);
  EXPECT_EQ(totals.rejects, 17u);
  EXPECT_EQ(totals.alerts, 6u);
  auto found = this->store_->find_run("run-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->alerts, 5u);
}

// The same question answered from the rollups (hour-aligned range) and from the alerts
// themselves (a range a nanosecond wider that selects the same alerts) must agree.
TYPED_TEST_P(StoreConformance, RollupsAgreeWithTheAlerts) {
  this->write_set();
  AlertQuery aligned;
  aligned.from = at(0);
  aligned.to = at(7200);
  AlertQuery unaligned = aligned;
  unaligned.to = at(7200) + Duration::nanos(1);
  AlertSummary a = this->store_->summarize(aligned);
  AlertSummary b = this->store_->summarize(unaligned);
  EXPECT_EQ(a.alerts, 5u);
  EXPECT_EQ(a.alerts, b.alerts);
  EXPECT_EQ(a.symbols, b.symbols);
  EXPECT_EQ(a.rules, b.rules);
  EXPECT_EQ(a.accounts, b.accounts);
  EXPECT_EQ(a.accounts, 5u);
  EXPECT_EQ(a.by_severity, b.by_severity);
  EXPECT_DOUBLE_EQ(a.mean_score, b.mean_score);
  EXPECT_EQ(a.first_start, b.first_start);
  EXPECT_EQ(a.last_end, b.last_end);
  EXPECT_EQ(a.last_end, at(3750));

  auto rules_a = this->store_->count_by_rule(aligned);
  auto rules_b = this->store_->count_by_rule(unaligned);
  ASSERT_EQ(rules_a.size(), rules_b.size());
  for (size_t i = 0; i < rules_a.size(); ++i) {
    EXPECT_EQ(rules_a[i].rule, rules_b[i].rule);
    EXPECT_EQ(rules_a[i].by_severity, rules_b[i].by_severity);
    EXPECT_DOUBLE_EQ(rules_a[i].max_score, rules_b[i].max_score);
  }
  auto risk_a = this->store_->symbol_risk(aligned);
  auto risk_b = this->store_->symbol_risk(unaligned);
  ASSERT_EQ(risk_a.size(), risk_b.size());
  for (size_t i = 0; i < risk_a.size(); ++i) {
    EXPECT_EQ(risk_a[i].symbol, risk_b[i].symbol);
    EXPECT_EQ(risk_a[i].risk, risk_b[i].risk);
    EXPECT_DOUBLE_EQ(risk_a[i].score_sum, risk_b[i].score_sum);
  }
  AlertQuery btc = aligned;
  btc.symbol = "BTCUSDT";
  AlertQuery btc_wide = unaligned;
  btc_wide.symbol = "BTCUSDT";
  auto hours_a = this->store_->timeline(btc, Duration::hours(1));
  auto hours_b = this->store_->timeline(btc_wide, Duration::hours(1));
  ASSERT_EQ(hours_a.size(), 2u);
  ASSERT_EQ(hours_b.size(), 2u);
  EXPECT_EQ(hours_a[0].by_severity, hours_b[0].by_severity);
  EXPECT_EQ(hours_a[0].by_severity, (SeverityCounts{0, 0, 1, 1}));
  EXPECT_EQ(hours_a[1].by_severity, hours_b[1].by_severity);
}

// A re-run that changes an alert's severity, score or window moves it in every statistic.
TYPED_TEST_P(StoreConformance, StatisticsFollowRewrittenAlerts) {
  this->write_set();
  Alert c = this->set_.c;
  c.severity = Severity::kLow;
  c.score = 5;
  c.start = at(3700);  // moves from the 12:00 hour to 13:01, same id
  c.end = at(9000);
  this->store_->emit(std::move(c));
  AlertSummary all = this->store_->summarize({});
  EXPECT_EQ(all.alerts, 6u);
  EXPECT_EQ(all.by_severity, (SeverityCounts{2, 2, 2, 0}));
  EXPECT_DOUBLE_EQ(all.mean_score, 210.0 / 6);
  EXPECT_EQ(all.last_end, at(9000));
  auto rules = this->store_->count_by_rule({});
  auto spoofing = std::find_if(rules.begin(), rules.end(),
                               [](const RuleCount& r) { return r.rule == "spoofing"; });
  ASSERT_NE(spoofing, rules.end());
  EXPECT_EQ(spoofing->by_severity, (SeverityCounts{1, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(spoofing->max_score, 5);
  auto symbols = this->store_->symbol_risk({});
  ASSERT_FALSE(symbols.empty());
  EXPECT_EQ(symbols[0].symbol, "BTCUSDT");
  EXPECT_EQ(symbols[0].risk, 3u);  // HIGH + MEDIUM now
  EXPECT_DOUBLE_EQ(symbols[0].max_score, 55);
  auto minutes = this->store_->timeline({}, Duration::minutes(1));
  ASSERT_EQ(minutes.size(), 5u);
  EXPECT_EQ(minutes[0].by_severity, (SeverityCounts{0, 0, 1, 0}));
  EXPECT_EQ(minutes[2].start, at(3660));
  EXPECT_EQ(minutes[2].by_severity, (SeverityCounts{1, 1, 0, 0}));
  AlertQuery first_hour;
  first_hour.from = at(0);
  first_hour.to = at(3600);
  EXPECT_EQ(this->store_->summarize(first_hour).last_end, at(120)) << "B's end, C has moved";
  AlertQuery text;
  text.text = "layered_away";
  EXPECT_EQ(this->store_->count_alerts(text), 1u);
  Alert renamed = this->set_.c;
  renamed.why = "now explained differently";
  this->store_->emit(std::move(renamed));
  EXPECT_EQ(this->store_->count_alerts(text), 0u) << "the text index follows the rewrite";
  text.text = "explained diff";
  EXPECT_EQ(this->store_->count_alerts(text), 1u);
}

TYPED_TEST_P(StoreConformance, VolumeOverRangesNotOnTheHour) {
  Duration minute = Duration::minutes(1);
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(0, "2.25", "1.25", 400, 7));
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(60, "1", "3", 450, 5));
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(3600, "10", "0", 1050, 2));
  this->store_->write_bar("ETHUSDT", minute, conformance_bar(60, "0.5", "0.25", 125, 3));
  this->store_->write_bar("ETHUSDT", minute, conformance_bar(7200, "1", "1", 10, 1));
  // [12:01, 14:01): the 13:00 hour whole, 12:01-13:00 and 14:00-14:01 in part.
  auto v = this->store_->volume_by_symbol(minute, at(60), at(7260), std::nullopt);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].symbol, "BTCUSDT");
  EXPECT_DOUBLE_EQ(v[0].total, 15);
  EXPECT_EQ(v[0].trades, 7u);
  EXPECT_EQ(v[1].symbol, "ETHUSDT");
  EXPECT_DOUBLE_EQ(v[1].total, 3.75);
  EXPECT_EQ(v[1].trades, 4u);
  auto hours =
      this->store_->volume_over_time(minute, Duration::hours(1), at(60), at(7260), std::nullopt);
  ASSERT_EQ(hours.size(), 3u);
  EXPECT_DOUBLE_EQ(hours[0].total, 5.75);
  EXPECT_DOUBLE_EQ(hours[1].total, 10.5);
  EXPECT_DOUBLE_EQ(hours[2].total, 2.5);

  // Rewriting a bar replaces its volume everywhere.
  this->store_->write_bar("BTCUSDT", minute, conformance_bar(3600, "1", "1", 200, 9));
  auto again = this->store_->volume_by_symbol(minute, at(0), at(7200), std::string("BTCUSDT"));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_DOUBLE_EQ(again[0].total, 11);
  EXPECT_DOUBLE_EQ(again[0].buy, 4.25);
  EXPECT_DOUBLE_EQ(again[0].value, 1050);
  EXPECT_EQ(again[0].trades, 21u);
}

// Every view on the hand-made set; values are compared as numbers, the backends print them
// differently (37.0 against 37).
TYPED_TEST_P(StoreConformance, ViewsForBiTools) {
  this->write_set();
  Rows per_minute = this->backend_.rows(
      "SELECT minute_ns, rule, severity, alerts FROM alerts_per_minute "
      "ORDER BY minute_ns, rule, severity");
  ASSERT_EQ(per_minute.size(), 6u);
  EXPECT_EQ(per_minute[0],
            (std::vector<std::string>{std::to_string(at(0).nanos()), "spoofing", "CRITICAL", "1"}));
  EXPECT_EQ(per_minute[1][1], "wash.round_trip");
  EXPECT_EQ(per_minute[2][0], std::to_string(at(60).nanos()));
  EXPECT_EQ(per_minute[5][0], std::to_string(at(7260).nanos()));

  Rows per_hour = this->backend_.rows(
      "SELECT hour_ns, rule, severity, alerts FROM alerts_per_hour ORDER BY hour_ns, rule, "
      "severity");
  ASSERT_EQ(per_hour.size(), 5u);
  EXPECT_EQ(per_hour[0][1], "spoofing");
  EXPECT_EQ(per_hour[1], (std::vector<std::string>{std::to_string(at(0).nanos()), "wash.round_trip",
                                                   "HIGH", "1"}));
  EXPECT_EQ(per_hour[3], (std::vector<std::string>{std::to_string(at(3600).nanos()),
                                                   "pump_and_dump", "MEDIUM", "2"}));
  Rows hour_start = this->backend_.rows(
      "SELECT count(*) FROM alerts_per_hour WHERE hour_start "
      "IS NULL");
  EXPECT_EQ(hour_start, (Rows{{"0"}}));
}

TYPED_TEST_P(StoreConformance, ViewsCountRulesSeveritiesAndRisk) {
  this->write_set();
  auto num = [](const std::string& text) { return std::stod(text); };
  Rows rules = this->backend_.rows(
      "SELECT rule, alerts, low, medium, high, critical, mean_score, max_score "
      "FROM alerts_per_rule ORDER BY alerts DESC, rule");
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0][0], "pump_and_dump");
  EXPECT_EQ(num(rules[0][1]), 2);
  EXPECT_EQ(num(rules[0][3]), 2);
  EXPECT_DOUBLE_EQ(num(rules[0][6]), 37);
  EXPECT_DOUBLE_EQ(num(rules[0][7]), 41);
  EXPECT_EQ(rules[1][0], "wash.round_trip");
  EXPECT_EQ(num(rules[1][2]), 1);
  EXPECT_EQ(num(rules[1][4]), 1);
  EXPECT_DOUBLE_EQ(num(rules[1][6]), 33.5);

  Rows matrix = this->backend_.rows(
      "SELECT rule, severity, alerts FROM alerts_rule_severity ORDER BY rule, severity");
  std::vector<std::vector<std::string>> expected = {
      {"layering", "HIGH", "1"},       {"pump_and_dump", "MEDIUM", "2"},
      {"spoofing", "CRITICAL", "1"},   {"wash.round_trip", "HIGH", "1"},
      {"wash.round_trip", "LOW", "1"},
  };
  EXPECT_EQ(matrix, expected);

  Rows risk = this->backend_.rows(
      "SELECT symbol, alerts, low, medium, high, critical, risk, score_sum, max_score "
      "FROM symbol_risk ORDER BY risk DESC, score_sum DESC, symbol");
  ASSERT_EQ(risk.size(), 3u);
  EXPECT_EQ(risk[0][0], "BTCUSDT");
  EXPECT_EQ(num(risk[0][1]), 3);
  EXPECT_EQ(num(risk[0][6]), 6);
  EXPECT_DOUBLE_EQ(num(risk[0][7]), 187);
  EXPECT_DOUBLE_EQ(num(risk[0][8]), 91);
  EXPECT_EQ(risk[1][0], "ETHUSDT");
  EXPECT_EQ(num(risk[1][2]), 1);
  EXPECT_EQ(num(risk[1][6]), 2);
  EXPECT_EQ(risk[2][0], "SOLUSDT");
  EXPECT_EQ(num(risk[2][6]), 1);
}

REGISTER_TYPED_TEST_SUITE_P(StoreConformance, StoresEveryFieldAndFindsAlertsById, EachFilterNarrows,
                            StatusFilterFollowsStatusChanges, TextFilterIsLiteralAndCaseInsensitive,
                            SortsEitherWayWithTiesByStartAndId, PagesWithLimitAndOffset,
                            ReRunKeepsIdsStatusAndFirstRun, ChangesComeInOrderAfterASequenceNumber,
                            StatusRoundTrip, EvidenceRoundTrip, SummaryNumbersAreExact,
                            TimelineBucketsByMinuteAndHour, CountsByRule,
                            SymbolRiskWeighsSeverities, VolumeFromBars, RunsNewestFirstAndTotals,
                            RollupsAgreeWithTheAlerts, StatisticsFollowRewrittenAlerts,
                            VolumeOverRangesNotOnTheHour, ViewsForBiTools,
                            ViewsCountRulesSeveritiesAndRisk);

}  // namespace tw::testing
