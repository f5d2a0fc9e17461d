#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"

using namespace tw;

namespace {

std::string error_of(std::string_view toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(EvidenceConfig, DefaultsAreOnWithBoundedHistory) {
  const Config config = default_config();
  EXPECT_TRUE(config.evidence.enabled);
  EXPECT_EQ(config.evidence.history, 20'000);
  EXPECT_EQ(config.evidence.history_age, Duration::hours(1));
  EXPECT_EQ(config.evidence.margin, Duration::minutes(5));
  EXPECT_EQ(config.evidence.depth_interval, Duration::millis(250));
  EXPECT_EQ(config.evidence.depth_levels, 5);
  EXPECT_EQ(config.evidence.tape_points, 500);
}

TEST(EvidenceConfig, ReadsEveryKeyAndWritesItBack) {
  const Config config = parse_config(
      "[evidence]\nenabled = false\nhistory = 1234\nhistory_age = \"10m\"\nmargin = \"30s\"\n"
      "depth_interval = \"1s\"\ndepth_levels = 3\ntape_points = 500\n",
      "e.toml");
  EXPECT_FALSE(config.evidence.enabled);
  EXPECT_EQ(config.evidence.history, 1234);
  EXPECT_EQ(config.evidence.history_age, Duration::minutes(10));
  EXPECT_EQ(config.evidence.margin, Duration::seconds(30));
  EXPECT_EQ(config.evidence.depth_interval, Duration::seconds(1));
  EXPECT_EQ(config.evidence.depth_levels, 3);
  EXPECT_EQ(config.evidence.tape_points, 500);
  EXPECT_NE(config.hash, default_config().hash);

  const std::string toml = to_toml(config);
  EXPECT_NE(toml.find("[evidence]\nenabled = false\nhistory = 1234\n"), std::string::npos) << toml;
  const Config again = parse_config(toml, "again.toml");
  EXPECT_EQ(again.evidence.history_age, Duration::minutes(10));
  EXPECT_EQ(again.evidence.tape_points, 500);
  EXPECT_EQ(again.hash, config.hash);
}

TEST(EvidenceConfig, BadValuesAreErrorsNamingTheKey) {
  EXPECT_NE(
      error_of("[evidence]\nhistory = 0\n").find("test.toml: evidence.history: invalid value '0'"),
      std::string::npos)
      << error_of("[evidence]\nhistory = 0\n");
  EXPECT_NE(error_of("[evidence]\nmargin = \"soon\"\n").find("evidence.margin"), std::string::npos);
  EXPECT_NE(error_of("[evidence]\ndepth_interval = \"0s\"\n").find("evidence.depth_interval"),
            std::string::npos);
  EXPECT_NE(error_of("[evidence]\nenabled = 1\n").find("evidence.enabled"), std::string::npos);
  EXPECT_NE(error_of("[evidence]\ntape_points = 1\n").find("evidence.tape_points"),
            std::string::npos);
  EXPECT_NE(error_of("[evidence]\ndepth_levels = 2.5\n").find("evidence.depth_levels"),
            std::string::npos);
  const std::string unknown = error_of("[evidence]\nhistroy = 10\n");
  EXPECT_NE(unknown.find("unknown key 'evidence.histroy'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("history_age"), std::string::npos) << unknown;
  EXPECT_NE(error_of("[evidense]\n").find("known sections: engine, evidence, owners, rules"),
            std::string::npos);
}
