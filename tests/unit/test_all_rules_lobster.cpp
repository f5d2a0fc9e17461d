// Every rule at its defaults over both Amazon LOBSTER days, as `tapewatch run` runs them:
// well-formed alerts, no flood, a book bounded by the orders that rest, and the counts.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "amazon_days.hpp"
#include "detect/detector.hpp"
#include "engine_run.hpp"

using namespace tw;

TEST(AllRulesLobster, EveryRuleOverBothAmazonDays) {
  for (bool seeded : {false, true}) {
    auto days = tw::testing::amazon_days(seeded);
    if (days.empty()) GTEST_SKIP() << "../shared/data/lobster not found";
    for (auto& day : days) {
      tw::testing::EngineRun run(day->universe, day->events);
      std::map<std::string, size_t> by_rule;
      for (const std::string& rule : run.engine.active_rules()) by_rule[rule] = 0;
      for (const Alert& a : run.alerts.alerts) {
        ++by_rule[a.rule];
        EXPECT_EQ(a.id.size(), 16u);
        EXPECT_LE(a.start, a.end);
        EXPECT_GE(a.score, 0);
        EXPECT_LE(a.score, 100);
        EXPECT_FALSE(a.why.empty());
        EXPECT_FALSE(a.evidence.empty()) << a.rule;
      }
      EXPECT_EQ(by_rule.size(), rule_registry().size()) << "every registered rule ran";
      for (const auto& [rule, count] : by_rule) {
        std::string what = rule + (seeded ? " (seeded)" : "");
        EXPECT_LT(tw::testing::report_per_million(what, *day, count), 2000) << "a flood";
      }
      const BookReport books = run.engine.book_report();
      EXPECT_EQ(books.symbols, 1u);
      EXPECT_LT(books.live_orders, 20'000u) << "the book holds what rests, not what passed";
    }
  }
}
