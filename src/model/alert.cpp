#include "model/alert.hpp"

#include <cstdio>

#include "util/hash.hpp"

namespace tw {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kLow: return "LOW";
    case Severity::kMedium: return "MEDIUM";
    case Severity::kHigh: return "HIGH";
    case Severity::kCritical: return "CRITICAL";
  }
  return "LOW";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

void Alert::add_evidence(std::string_view kind, std::string_view id_text) {
  ++evidence_total;
  if (evidence.size() >= kMaxEvidenceIds) return;
  std::string item;
  item.reserve(kind.size() + 1 + id_text.size());
  item.append(kind).push_back(':');
  item.append(id_text);
  evidence.push_back(std::move(item));
}

std::string make_alert_id(std::string_view rule, std::string_view symbol, Timestamp start,
                          Timestamp end, std::string_view key) {
  // Fields are separated by a byte that cannot occur in names so "a|bc" != "ab|c".
  constexpr std::string_view kSep{"\x1f", 1};
  uint64_t h = fnv1a64(rule);
  h = fnv1a64(kSep, h);
  h = fnv1a64(symbol, h);
  h = fnv1a64(kSep, h);
  h = fnv1a64(std::to_string(start.nanos()), h);
  h = fnv1a64(kSep, h);
  h = fnv1a64(std::to_string(end.nanos()), h);
  h = fnv1a64(kSep, h);
  h = fnv1a64(key, h);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 16);
}

}  // namespace tw
