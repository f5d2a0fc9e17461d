// The entry points over single-field parsers: each line of the input is one text to parse.
#include <algorithm>
#include <string>
#include <string_view>

#include "check.hpp"
#include "feed/validate.hpp"
#include "fuzz_targets.hpp"
#include "model/external_id.hpp"
#include "model/fixed_point.hpp"
#include "model/short_decimal.hpp"

namespace tw::fuzz {
namespace {

std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Calls `each` with every '\n'-separated piece of `input` (empty ones too), then with the whole.
template <class Each>
void for_each_line_and_whole(std::string_view input, Each each) {
  for (std::string_view rest = input;;) {
    size_t end = rest.find('\n');
    each(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  if (input.find('\n') != std::string_view::npos) each(input);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// parse_scaled_decimal's contract, digit by digit: "[+|-]digits[.digits]" with a digit somewhere,
// digits past the 8th decimal only zeros, and a magnitude that fits int64 once scaled by 10^8.
bool reference_decimal(std::string_view text, int64_t& out) {
  // Units beyond this give a magnitude above int64 however they go on; below it, units * 10^8
  // plus a fraction still fits uint64.
  constexpr uint64_t kCap = 100'000'000'000;
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  uint64_t units = 0;
  size_t digits = 0;
  for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
    units = std::min<uint64_t>(units * 10 + static_cast<uint64_t>(text[i] - '0'), kCap);
  }
  uint64_t fraction = 0;
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i, ++digits) {
      if (decimals == kFixedDecimals) {
        if (text[i] != '0') return false;
        continue;
      }
      fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
      ++decimals;
    }
  }
  if (digits == 0 || i != text.size()) return false;
  for (; decimals < kFixedDecimals; ++decimals) fraction *= 10;
  uint64_t magnitude = units * kFixedScale + fraction;
  if (magnitude > INT64_MAX) return false;
  out = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

void check_decimal(std::string_view text) {
  int64_t expected = 0;
  bool valid = reference_decimal(text, expected);
  int64_t value = 0;
  if (parse_short_decimal(text, value)) {
    check(valid && value == expected, "parse_short_decimal('{}') = {}, reference {}", text, value,
          valid ? std::to_string(expected) : "refuses");
  }
  value = 0;
  bool parsed = parse_scaled_decimal(text, value);
  check(parsed == valid && (!valid || value == expected),
        "parse_scaled_decimal('{}') {} {}, reference {}", text, parsed ? "gives" : "refuses", value,
        valid ? std::to_string(expected) : "refuses");
  Price price;
  RowError error;
  bool positive = parse_price(text, price, error);
  check(positive == (valid && expected > 0) && (!positive || price.raw() == expected),
        "parse_price('{}') {} {}, reference {}", text, positive ? "gives" : "refuses", price.raw(),
        valid ? std::to_string(expected) : "refuses");
  if (valid) {
    std::string shortest = format_scaled_decimal(expected);
    check(parse_scaled_decimal(shortest, value) && value == expected,
          "format_scaled_decimal({}) = '{}' does not parse back", expected, shortest);
  }
}

struct TimeResult {
  bool ok = false;
  int64_t nanos = 0;
  RejectReason reason = RejectReason::kMalformedRow;
  std::string detail;
  bool operator==(const TimeResult&) const = default;
};

template <class Parse>
TimeResult time_result(Parse parse) {
  TimeResult result;
  Timestamp t;
  RowError error;
  result.ok = parse(t, error);
  if (result.ok) {
    result.nanos = t.nanos();
  } else {
    result.reason = error.reason;
    result.detail = error.detail;
  }
  return result;
}

std::string describe(const TimeResult& r) {
  return r.ok ? fmt::format("ok {}", r.nanos)
              : fmt::format("refused ({}: {})", to_string(r.reason), r.detail);
}

// `cached` has parsed the earlier lines: its kept minute must not change any result.
void check_time(std::string_view text, TimeParser& cached) {
  TimeResult fast =
      time_result([&](Timestamp& t, RowError& e) { return cached.parse(text, t, e); });
  TimeResult fresh = time_result([&](Timestamp& t, RowError& e) {
    TimeParser parser;
    return parser.parse(text, t, e);
  });
  TimeResult reference =
      time_result([&](Timestamp& t, RowError& e) { return parse_time(text, t, e); });
  check(fresh == reference, "fresh TimeParser('{}') {}, parse_time {}", text, describe(fresh),
        describe(reference));
  check(fast == reference, "TimeParser('{}') after earlier lines {}, parse_time {}", text,
        describe(fast), describe(reference));
  if (reference.ok && text.size() > 4 && text[4] == '-') {
    Timestamp t = Timestamp::from_nanos(reference.nanos);
    auto back = Timestamp::parse_iso8601(t.to_iso8601());
    check(back && *back == t, "'{}' -> {} -> '{}' does not parse back", text, reference.nanos,
          t.to_iso8601());
  }
}

std::string lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
  return lower;
}

void check_external_id(std::string_view text) {
  using Kind = ExternalId::Kind;
  ExternalId id = ExternalId::from_text(text);
  // Built in place over an id that filled every byte: nothing of it may show through.
  ExternalId reused = ExternalId::from_text("a-long-text-id-that-hashes-0123456789");
  reused.assign_text(text);
  check(reused == id, "assign_text('{}') over an old id differs from from_text", text);
  std::string shown = id.to_string();
  std::string appended = "prefix:";
  id.append_to(appended);
  check(appended == "prefix:" + shown, "append_to gives '{}', to_string '{}'", appended, shown);
  // An if chain, not a switch: clang 14's use-after-scope check misfired on the temporary
  // string of one case when another case was taken.
  if (id.kind() == Kind::kNone) {
    check(text.empty(), "'{}' became an empty id", text);
    return;
  }
  if (id.kind() == Kind::kHashedText) {
    std::string prefix = shown.substr(0, shown.find('~'));
    check(text.starts_with(prefix) && shown.size() > prefix.size(),
          "hashed id '{}' of '{}' does not start with a prefix of it and '~'", shown, text);
    return;
  }
  std::string expected = id.kind() == Kind::kUuid ? lower_ascii(text) : std::string(text);
  check(shown == expected, "id '{}' shown as '{}'", text, shown);
  check(ExternalId::from_text(shown) == id, "id '{}' does not come back from '{}'", text, shown);
}

}  // namespace

void fuzz_decimal(const uint8_t* data, size_t size) {
  for_each_line_and_whole(as_text(data, size), check_decimal);
}

void fuzz_iso_time(const uint8_t* data, size_t size) {
  TimeParser cached;
  std::string_view input = as_text(data, size);
  // Twice over: the second time round every minute the first pass kept is seen again.
  for (int round = 0; round < 2; ++round) {
    for_each_line_and_whole(input, [&](std::string_view text) { check_time(text, cached); });
  }
}

void fuzz_external_id(const uint8_t* data, size_t size) {
  for_each_line_and_whole(as_text(data, size), check_external_id);
}

}  // namespace tw::fuzz
