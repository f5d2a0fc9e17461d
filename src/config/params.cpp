#include "config/params.hpp"

#include <charconv>
#include <cmath>

#include "util/format.hpp"

namespace tw {

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::kDuration:
      return "duration";
    case ParamType::kNumber:
      return "number";
    case ParamType::kInteger:
      return "integer";
    case ParamType::kBool:
      return "bool";
  }
  return "?";
}

namespace {

[[noreturn]] void bad_value(std::string_view key_path, std::string_view text,
                            std::string_view what) {
  throw ConfigError(std::string(key_path) + ": invalid value '" + std::string(text) + "' (" +
                    std::string(what) + ")");
}

void check_range(const ParamSpec& spec, double v, std::string_view text,
                 std::string_view key_path) {
  if (v < spec.min || v > spec.max) {
    bad_value(key_path, text,
              "expected " + format_number(spec.min) + " to " + format_number(spec.max));
  }
}

}  // namespace

ParamValue parse_param(const ParamSpec& spec, std::string_view text, std::string_view key_path) {
  switch (spec.type) {
    case ParamType::kDuration: {
      auto d = Duration::parse(text);
      if (!d || d->count() <= 0) {
        bad_value(key_path, text,
                  "expected a positive duration such as \"500ms\", \"60s\", \"1m\"");
      }
      return *d;
    }
    case ParamType::kNumber: {
      double v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
        bad_value(key_path, text, "expected a number");
      }
      check_range(spec, v, text, key_path);
      return v;
    }
    case ParamType::kInteger: {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        bad_value(key_path, text, "expected an integer");
      }
      check_range(spec, static_cast<double>(v), text, key_path);
      return v;
    }
    case ParamType::kBool:
      if (text == "true") return true;
      if (text == "false") return false;
      bad_value(key_path, text, "expected true or false");
  }
  bad_value(key_path, text, "unknown parameter type");
}

std::string format_param(const ParamValue& value) {
  struct Visitor {
    std::string operator()(Duration d) const { return d.to_string(); }
    std::string operator()(double v) const { return format_number(v); }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace tw
