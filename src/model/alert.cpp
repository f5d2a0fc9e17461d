#include "model/alert.hpp"

#include <charconv>

#include "util/hash.hpp"

namespace tw {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "LOW";
    case Severity::kMedium:
      return "MEDIUM";
    case Severity::kHigh:
      return "HIGH";
    case Severity::kCritical:
      return "CRITICAL";
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
  // Decimal text on the stack: std::to_string of 19 digits would allocate.
  auto decimal = [](int64_t v, char(&buf)[24]) {
    return std::string_view(buf,
                            static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
  };
  char digits[24];
  uint64_t h = fnv1a64(rule);
  h = fnv1a64(kSep, h);
  h = fnv1a64(symbol, h);
  h = fnv1a64(kSep, h);
  h = fnv1a64(decimal(start.nanos(), digits), h);
  h = fnv1a64(kSep, h);
  h = fnv1a64(decimal(end.nanos(), digits), h);
  h = fnv1a64(kSep, h);
  h = fnv1a64(key, h);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) id[static_cast<size_t>(i)] = kHex[h & 15];
  return id;
}

}  // namespace tw
