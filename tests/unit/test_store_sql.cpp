#include <gtest/gtest.h>

#include "store/alert_sql.hpp"
#include "store_test_util.hpp"

using namespace tw;
using tw::testing::at;

TEST(AlertSql, ContainsPatternEscapesWildcards) {
  EXPECT_EQ(sql::contains_pattern("abc"), "%abc%");
  EXPECT_EQ(sql::contains_pattern("10%_a\\b"), "%10\\%\\_a\\\\b%");
  EXPECT_EQ(sql::contains_pattern(""), "%%");
}

TEST(AlertSql, PlaceholdersFollowTheDialect) {
  EXPECT_EQ(sql::in_dialect("a = ?1 AND b = ?12 AND c = '?'", sql::Dialect::kPostgres),
            "a = $1 AND b = $12 AND c = '?'");
  EXPECT_EQ(sql::in_dialect("a = ?1", sql::Dialect::kSqlite), "a = ?1");
}

TEST(AlertSql, FiltersBindEveryValueAsAParameter) {
  AlertQuery q;
  q.rule = "x'; DROP TABLE alerts; --";
  q.text = "50%";
  q.account = "acct-1";
  q.limit = 10;
  q.offset = 20;
  sql::Query pg = sql::select_alerts(q, sql::Dialect::kPostgres);
  EXPECT_EQ(pg.text.find("DROP"), std::string::npos) << pg.text;
  EXPECT_NE(pg.text.find("rule = $1"), std::string::npos) << pg.text;
  EXPECT_NE(pg.text.find("ILIKE $3 ESCAPE"), std::string::npos) << pg.text;
  EXPECT_EQ(pg.text.find("MATCH"), std::string::npos) << "no FTS5 in PostgreSQL";
  EXPECT_NE(pg.text.find("LIMIT $4 OFFSET $5"), std::string::npos) << pg.text;
  ASSERT_EQ(pg.params.size(), 5u);
  EXPECT_EQ(std::get<std::string>(pg.params[2]), "%50\\%%");
  EXPECT_EQ(std::get<int64_t>(pg.params[3]), 10);

  sql::Query lite = sql::select_alerts(q, sql::Dialect::kSqlite);
  EXPECT_NE(lite.text.find("alert_text MATCH ?3"), std::string::npos) << lite.text;
  EXPECT_EQ(std::get<std::string>(lite.params[2]), "\"50%\"");
  EXPECT_NE(lite.text.find(" LIKE ?4 ESCAPE"), std::string::npos) << lite.text;
}

TEST(AlertSql, OffsetWithoutLimitIsValidInBothDialects) {
  AlertQuery q;
  q.offset = 5;
  EXPECT_NE(sql::select_alerts(q, sql::Dialect::kSqlite).text.find("LIMIT -1 OFFSET ?1"),
            std::string::npos);
  std::string pg = sql::select_alerts(q, sql::Dialect::kPostgres).text;
  EXPECT_EQ(pg.find("LIMIT"), std::string::npos);
  EXPECT_NE(pg.find("OFFSET $1"), std::string::npos);
}

TEST(AlertSql, StatisticsUseRollupsOnlyWhenTheyCanAnswer) {
  AlertQuery by_hour;
  by_hour.from = at(0);
  by_hour.to = at(7200);
  EXPECT_NE(sql::count_by_rule(by_hour, sql::Dialect::kSqlite).text.find("alert_counts_rule"),
            std::string::npos);
  AlertQuery off_the_hour = by_hour;
  off_the_hour.to = at(7201);
  EXPECT_EQ(sql::count_by_rule(off_the_hour, sql::Dialect::kSqlite).text.find("alert_counts_rule"),
            std::string::npos);
  AlertQuery with_status;
  with_status.status = AlertStatus::kOpen;
  EXPECT_EQ(sql::symbol_risk(with_status, sql::Dialect::kSqlite).text.find("alert_counts"),
            std::string::npos);
  EXPECT_NE(sql::timeline({}, Duration::minutes(1), sql::Dialect::kSqlite)
                .text.find("alert_counts_minute"),
            std::string::npos);
}

TEST(AlertSql, BadBucketsAreRefused) {
  EXPECT_THROW(sql::timeline({}, Duration::nanos(0), sql::Dialect::kSqlite), std::invalid_argument);
  EXPECT_THROW(sql::volume_over_time(Duration::minutes(1), Duration::seconds(90), at(0), at(60),
                                     std::nullopt, sql::Dialect::kSqlite),
               std::invalid_argument);
}
