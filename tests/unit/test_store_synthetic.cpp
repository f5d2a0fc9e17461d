#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>

#include "sim/synthetic_alerts.hpp"
#include "store/sqlite_store.hpp"
#include "temp_dir.hpp"

using namespace tw;

namespace {

sim::SyntheticAlertOptions small_history() {
  sim::SyntheticAlertOptions o;
  o.alerts = 4000;
  o.symbols = 10;
  o.accounts = 50;
  o.days = 1;
  o.reviewed_share = 0.05;
  return o;
}

}  // namespace

TEST(SyntheticAlerts, SameSeedSameAlerts) {
  sim::SyntheticAlerts a(small_history()), b(small_history());
  sim::SyntheticAlertOptions other = small_history();
  other.seed = 7;
  sim::SyntheticAlerts c(other);
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    Alert x = a.next(), y = b.next(), z = c.next();
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.why, y.why);
    EXPECT_EQ(x.metrics_json, y.metrics_json);
    differs |= x.id != z.id;
  }
  EXPECT_TRUE(differs) << "another seed draws other alerts";
}

TEST(SyntheticAlerts, RealisticShape) {
  sim::SyntheticAlertOptions o = small_history();
  sim::SyntheticAlerts alerts(o);
  std::map<std::string, int> rules;
  std::array<int, 4> severities{};
  std::set<std::string> ids;
  std::map<std::string, int> symbols;
  Timestamp end_of_span = o.start + Duration::hours(24);
  for (uint64_t i = 0; i < o.alerts; ++i) {
    Alert a = alerts.next();
    ++rules[a.rule];
    ++severities[static_cast<size_t>(a.severity)];
    ++symbols[a.symbol];
    ids.insert(a.id);
    ASSERT_GE(a.accounts.size(), 1u);
    ASSERT_LE(a.accounts.size(), 4u);
    ASSERT_GE(a.start, o.start);
    ASSERT_LT(a.start, end_of_span);
    ASSERT_GT(a.end, a.start);
    ASSERT_GE(a.score, 25.0 * static_cast<double>(a.severity));
    ASSERT_LE(a.score, 25.0 * static_cast<double>(a.severity) + 25);
    ASSERT_FALSE(a.why.empty());
    ASSERT_GE(a.evidence_total, a.evidence.size());
    if (a.rule == "pump_and_dump") {
      ASSERT_NE(a.metrics_json.find("\"rise_pct\":"), std::string::npos) << a.metrics_json;
      ASSERT_NE(a.metrics_json.find("\"fall_pct\":"), std::string::npos) << a.metrics_json;
    }
  }
  EXPECT_EQ(ids.size(), o.alerts) << "ids are unique";
  EXPECT_EQ(rules.size(), 11u) << "every registered rule";
  EXPECT_GT(severities[0], severities[1]);
  EXPECT_GT(severities[1], severities[2]);
  EXPECT_GT(severities[2], severities[3]);
  EXPECT_GT(severities[3], 0);
  EXPECT_GT(symbols[sim::synthetic_symbol(0)], 3 * symbols[sim::synthetic_symbol(9)])
      << "symbols are skewed";
}

TEST(SyntheticAlerts, FillsAStoreWithAlertsReviewsAndBars) {
  tw::testing::TempDir dir;
  SqliteStore store(dir.file("synthetic.db"));
  sim::SyntheticAlertOptions o = small_history();
  sim::SyntheticAlertSummary s = sim::fill_synthetic_alerts(store, o);
  EXPECT_EQ(s.alerts, o.alerts);
  EXPECT_EQ(store.count_alerts({}), o.alerts);
  EXPECT_EQ(s.bars, 10u * 1440);
  EXPECT_GT(s.reviewed, 0u);
  AlertQuery open;
  open.status = AlertStatus::kOpen;
  EXPECT_EQ(store.count_alerts(open), o.alerts - s.reviewed);
  auto range = store.bar_range(Duration::minutes(1));
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, o.start);
  EXPECT_EQ(range->second, o.start + Duration::minutes(1439));
  EXPECT_EQ(store.recent_runs(1).front().status, "ok");
}
