// A surveillance alert: what fired, where, when, who, how bad, why, and on which evidence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/timestamp.hpp"

namespace tw {

enum class Severity : uint8_t { kLow = 0, kMedium = 1, kHigh = 2, kCritical = 3 };
std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view text);

/// Most evidence ids an alert keeps; evidence_total still counts them all.
inline constexpr size_t kMaxEvidenceIds = 50;

struct Alert {
  std::string id;    // 16 hex digits: stable hash of rule, symbol, window and key
  std::string rule;  // "wash.round_trip", ...
  std::string symbol;
  Severity severity = Severity::kLow;
  double score = 0;  // 0-100
  Timestamp start;   // event-time window of the behaviour
  Timestamp end;
  std::vector<std::string> accounts;
  std::string metrics_json;           // a JSON object
  std::string why;                    // one sentence
  std::vector<std::string> evidence;  // "trade:<id>" / "order:<id>", at most kMaxEvidenceIds
  uint64_t evidence_total = 0;

  /// Adds an evidence id unless the cap is reached; always counts it.
  void add_evidence(std::string_view kind, std::string_view id_text);
};

/// The stable alert id: FNV-1a 64 over rule, symbol, window bounds and a rule-chosen key.
std::string make_alert_id(std::string_view rule, std::string_view symbol, Timestamp start,
                          Timestamp end, std::string_view key);

/// Receives alerts as detectors raise them.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void emit(Alert&& alert) = 0;
};

}  // namespace tw
