#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config.hpp"
#include "detect/detector.hpp"

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

TEST(Config, DefaultsCoverEveryRegisteredRule) {
  Config config = default_config();
  ASSERT_FALSE(rule_registry().empty());
  for (const RuleInfo& info : rule_registry()) {
    const RuleConfig& rule = config.rule(info.name);
    EXPECT_TRUE(rule.enabled);
    for (const ParamSpec& p : info.params) EXPECT_TRUE(rule.values.has(p.name)) << p.name;
  }
  EXPECT_EQ(config.engine.reorder_window, Duration::seconds(5));
  EXPECT_EQ(config.hash.size(), 16u);
}

TEST(Config, ReadsRuleValuesQuotedOrNested) {
  Config quoted = parse_config("[rules.\"wash.round_trip\"]\nwindow = \"30s\"\n", "q.toml");
  EXPECT_EQ(quoted.rule("wash.round_trip").values.duration("window"), Duration::seconds(30));
  Config nested = parse_config("[rules.wash.round_trip]\nwindow = \"45s\"\n", "n.toml");
  EXPECT_EQ(nested.rule("wash.round_trip").values.duration("window"), Duration::seconds(45));
  EXPECT_NE(quoted.hash, nested.hash);
  EXPECT_EQ(quoted.hash, parse_config("[rules.\"wash.round_trip\"]\nwindow = \"30s\"\n", "x").hash);
}

TEST(Config, PerSymbolOverridesLayerOnTheRuleValues) {
  Config config = parse_config(
      "[rules.pump_and_dump]\nmin_rise = 0.05\n"
      "[rules.pump_and_dump.symbols.BTCUSDT]\nmin_rise = 0.02\n",
      "o.toml");
  const RuleConfig& rule = config.rule("pump_and_dump");
  EXPECT_DOUBLE_EQ(rule.for_symbol("BTCUSDT").number("min_rise"), 0.02);
  EXPECT_DOUBLE_EQ(rule.for_symbol("ETHUSDT").number("min_rise"), 0.05);
  EXPECT_EQ(rule.for_symbol("BTCUSDT").duration("bar_interval"),
            rule.values.duration("bar_interval"));
}

TEST(Config, DisablesRulesAndReadsEngineAndOwners) {
  Config config = parse_config(
      "[engine]\nreorder_window = \"250ms\"\n"
      "[owners]\nALICE = [\"T1\", \"T2\"]\n"
      "[rules.\"wash.volume_anomaly\"]\nenabled = false\n",
      "e.toml");
  EXPECT_EQ(config.engine.reorder_window, Duration::millis(250));
  EXPECT_FALSE(config.rule("wash.volume_anomaly").enabled);
  ASSERT_EQ(config.owners.size(), 2u);
  EXPECT_EQ(config.owners[1], (std::pair<std::string, std::string>{"T2", "ALICE"}));
}

TEST(Config, ErrorsNameTheKey) {
  EXPECT_NE(
      error_of("[rules.\"wash.round_trip\"]\nwindw = \"5s\"\n").find("rules.wash.round_trip.windw"),
      std::string::npos);
  EXPECT_NE(error_of("[rules.\"wash.round_trip\"]\nwindow = \"soon\"\n")
                .find("rules.wash.round_trip.window"),
            std::string::npos);
  EXPECT_NE(error_of("[rules.nosuch]\nx = 1\n").find("rules.nosuch"), std::string::npos);
  EXPECT_NE(error_of("[engin]\n").find("engin"), std::string::npos);
  EXPECT_NE(error_of("[engine]\nreorder = \"1s\"\n").find("engine.reorder"), std::string::npos);
  EXPECT_NE(error_of("[owners]\nA = \"T1\"\n").find("owners.A"), std::string::npos);
  EXPECT_NE(error_of("[rules.pump_and_dump]\nmin_rise = -1\n").find("min_rise"), std::string::npos);
  EXPECT_NE(
      error_of("[rules.pump_and_dump.symbols.X]\nenabled = false\n").find("symbols.X.enabled"),
      std::string::npos);
  EXPECT_NE(error_of("not toml [").find("test.toml"), std::string::npos);
}

TEST(Config, EffectiveTomlReadsBackToTheSameSettings) {
  Config config = parse_config(
      "[owners]\nBOB = [\"T9\"]\n[rules.pump_and_dump.symbols.SOLUSDT]\nmin_rise = 0.07\n",
      "r.toml");
  Config again = parse_config(to_toml(config), "again.toml");
  EXPECT_EQ(to_toml(config), to_toml(again));
  EXPECT_EQ(config.hash, again.hash);
}

TEST(Config, MissingFileIsAClearError) {
  try {
    load_config("/nonexistent/tapewatch.toml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tapewatch.toml"), std::string::npos);
  }
}
