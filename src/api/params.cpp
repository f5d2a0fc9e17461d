#include "api/params.hpp"

#include <algorithm>
#include <charconv>

namespace tw::api {
namespace {

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string allowed_list(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i];
  }
  return out;
}

void check_value(const ParamDecl& decl, const std::string& value) {
  auto fail = [&](const std::string& expected) {
    throw ParamError(decl.name,
                     "parameter '" + decl.name + "': '" + value + "' is not " + expected);
  };
  switch (decl.type) {
    case ParamType::kString:
      return;
    case ParamType::kInteger: {
      auto n = parse_integer(value);
      if (!n || *n < decl.min || *n > decl.max) {
        fail("an integer from " + std::to_string(decl.min) + " to " + std::to_string(decl.max));
      }
      return;
    }
    case ParamType::kTime:
      if (!parse_time_param(value)) {
        fail("a time (ISO-8601 like 2025-01-06T12:00:00Z, or nanoseconds since the epoch)");
      }
      return;
    case ParamType::kEnum:
      if (std::find(decl.values.begin(), decl.values.end(), value) == decl.values.end()) {
        fail(allowed_list(decl.values));
      }
      return;
  }
}

}  // namespace

const std::vector<ParamDecl>& alert_filter_params() {
  static const std::vector<ParamDecl> kFilters = {
      {.name = "from",
       .type = ParamType::kTime,
       .description = "Alerts whose window starts at or after this time",
       .example = "2025-01-06T12:00:00Z"},
      {.name = "to",
       .type = ParamType::kTime,
       .description = "Alerts whose window starts before this time",
       .example = "1736168400000000000"},
      {.name = "rule",
       .description = "Exact rule name, or a family ending in .* (wash.*)",
       .example = "wash.*"},
      {.name = "severity",
       .type = ParamType::kEnum,
       .description = "Exactly this severity",
       .values = {"LOW", "MEDIUM", "HIGH", "CRITICAL"},
       .example = "HIGH"},
      {.name = "min_severity",
       .type = ParamType::kEnum,
       .description = "This severity or worse",
       .values = {"LOW", "MEDIUM", "HIGH", "CRITICAL"},
       .example = "MEDIUM"},
      {.name = "symbol", .description = "Exact symbol", .example = "BTCUSDT"},
      {.name = "status",
       .type = ParamType::kEnum,
       .description = "Review status",
       .values = {"open", "reviewing", "escalated", "dismissed", "confirmed"},
       .example = "open"},
      {.name = "account", .description = "One of the alert's accounts, exactly", .example = "a1"},
      {.name = "q",
       .description = "Case-insensitive text in the explanation, rule, symbol, id or accounts",
       .example = "itself"},
      {.name = "run", .description = "Alerts last written by this run id", .example = "run-1"},
  };
  return kFilters;
}

Params::Params(const net::QueryParams& query, const std::vector<ParamDecl>& declared) {
  for (const auto& [name, value] : query) {
    auto decl = std::find_if(declared.begin(), declared.end(),
                             [&](const ParamDecl& d) { return d.name == name; });
    if (decl == declared.end()) {
      throw ParamError(
          name, name.empty() ? "malformed query string" : "unknown parameter '" + name + "'");
    }
    if (find(name)) throw ParamError(name, "parameter '" + name + "' is given twice");
    if (value.empty()) continue;
    check_value(*decl, value);
    given_.emplace_back(name, value);
  }
  for (const ParamDecl& decl : declared) {
    if (decl.required && !find(decl.name)) {
      throw ParamError(decl.name, "parameter '" + decl.name + "' is required");
    }
  }
}

const std::string* Params::find(std::string_view name) const {
  for (const auto& [key, value] : given_) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::optional<std::string> Params::text(std::string_view name) const {
  const std::string* value = find(name);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

std::optional<int64_t> Params::integer(std::string_view name) const {
  const std::string* value = find(name);
  return value ? parse_integer(*value) : std::nullopt;
}

std::optional<Timestamp> Params::time(std::string_view name) const {
  const std::string* value = find(name);
  return value ? parse_time_param(*value) : std::nullopt;
}

std::string Params::text_or(std::string_view name, std::string_view fallback) const {
  const std::string* value = find(name);
  return value ? *value : std::string(fallback);
}

int64_t Params::integer_or(std::string_view name, int64_t fallback) const {
  return integer(name).value_or(fallback);
}

std::optional<Timestamp> parse_time_param(std::string_view text) {
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    auto ns = parse_integer(text);
    return ns ? std::optional<Timestamp>(Timestamp::from_nanos(*ns)) : std::nullopt;
  }
  return Timestamp::parse_iso8601(text);
}

AlertQuery alert_query_of(const Params& params) {
  AlertQuery query;
  if (auto rule = params.text("rule")) {
    if (rule->size() > 2 && rule->ends_with(".*")) {
      query.rule_prefix = rule->substr(0, rule->size() - 1);
    } else {
      query.rule = *rule;
    }
  }
  query.symbol = params.text("symbol");
  if (auto s = params.text("severity")) query.severity = parse_severity(*s);
  if (auto s = params.text("min_severity")) query.min_severity = parse_severity(*s);
  if (auto s = params.text("status")) query.status = parse_alert_status(*s);
  query.from = params.time("from");
  query.to = params.time("to");
  query.account = params.text("account");
  query.text = params.text("q");
  query.run_id = params.text("run");
  return query;
}

}  // namespace tw::api
