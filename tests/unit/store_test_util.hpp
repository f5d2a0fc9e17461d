// Test helpers for the store and export suites: a temporary directory and hand-built alerts.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "model/alert.hpp"

namespace tw::testing {

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tw_store_XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// 2025-01-06T12:00:00Z plus `seconds`.
inline Timestamp at(int64_t seconds) {
  return Timestamp::from_nanos((1736164800LL + seconds) * 1'000'000'000);
}

inline Alert make_alert(std::string rule, std::string symbol, Severity severity,
                        int64_t start_seconds, std::string key = "k") {
  Alert a;
  a.rule = std::move(rule);
  a.symbol = std::move(symbol);
  a.severity = severity;
  a.score = 10.0 + static_cast<double>(severity) * 20.0;
  a.start = at(start_seconds);
  a.end = at(start_seconds + 30);
  a.id = make_alert_id(a.rule, a.symbol, a.start, a.end, key);
  a.accounts = {"acct-1", "acct-2"};
  a.metrics_json = R"({"volume":12.5,"trades":4})";
  a.why = "acct-1 traded with itself";
  a.add_evidence("trade", "101");
  a.add_evidence("trade", "102");
  return a;
}

}  // namespace tw::testing
