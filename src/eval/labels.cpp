#include "eval/labels.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

namespace tw::eval {
namespace {

/// Reads the fields of one line, each failure a LabelError naming the place and the field.
class LabelLine {
 public:
  LabelLine(std::string_view origin, uint64_t line) : origin_(origin), line_(line) {}

  [[noreturn]] void fail(std::string_view field, std::string_view problem) const {
    if (field.empty()) throw LabelError(fmt::format("{}:{}: {}", origin_, line_, problem));
    throw LabelError(fmt::format("{}:{}: field '{}': {}", origin_, line_, field, problem));
  }

  simdjson::dom::element field(simdjson::dom::object object, std::string_view name) const {
    simdjson::dom::element value;
    if (object[name].get(value) != simdjson::SUCCESS) fail(name, "missing");
    return value;
  }

  std::string text(simdjson::dom::object object, std::string_view name) const {
    std::string_view value;
    if (field(object, name).get_string().get(value) != simdjson::SUCCESS) {
      fail(name, "expected a string");
    }
    if (value.empty()) fail(name, "empty");
    return std::string(value);
  }

  Timestamp time(simdjson::dom::object object, std::string_view name) const {
    std::string value = text(object, name);
    auto parsed = Timestamp::parse_iso8601(value);
    if (!parsed) fail(name, fmt::format("'{}' is not an ISO-8601 time", value));
    return *parsed;
  }

  uint64_t number(simdjson::dom::object object, std::string_view name) const {
    uint64_t value = 0;
    if (field(object, name).get_uint64().get(value) != simdjson::SUCCESS) {
      fail(name, "expected a whole number >= 0");
    }
    return value;
  }

  std::vector<std::string> strings(simdjson::dom::object object, std::string_view name) const {
    simdjson::dom::array array;
    if (field(object, name).get_array().get(array) != simdjson::SUCCESS) {
      fail(name, "expected an array of strings");
    }
    std::vector<std::string> items;
    for (simdjson::dom::element element : array) {
      std::string_view item;
      if (element.get_string().get(item) != simdjson::SUCCESS) {
        fail(name, "expected an array of strings");
      }
      items.emplace_back(item);
    }
    return items;
  }

 private:
  std::string_view origin_;
  uint64_t line_;
};

Episode parse_episode(simdjson::dom::parser& parser, std::string_view json, const LabelLine& line) {
  simdjson::dom::object object;
  auto error = parser.parse(json.data(), json.size()).get_object().get(object);
  if (error != simdjson::SUCCESS) {
    line.fail("", fmt::format("not a JSON object ({})", simdjson::error_message(error)));
  }
  Episode e;
  e.id = line.number(object, "episode");
  e.rule = line.text(object, "rule");
  e.kind = line.text(object, "kind");
  e.symbol = line.text(object, "symbol");
  e.accounts = line.strings(object, "accounts");
  if (object["also"].error() != simdjson::NO_SUCH_FIELD) e.also = line.strings(object, "also");
  e.start = line.time(object, "start");
  e.end = line.time(object, "end");
  if (e.end < e.start) line.fail("end", "before start");
  return e;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

std::vector<Episode> parse_labels(std::string_view text, std::string_view origin) {
  simdjson::dom::parser parser;
  std::vector<Episode> episodes;
  uint64_t line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    if (is_blank(line)) continue;
    episodes.push_back(parse_episode(parser, line, LabelLine(origin, line_number)));
  }
  return episodes;
}

std::vector<Episode> read_labels(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw LabelError(fmt::format("{}: cannot open the labels file", path));
  std::ostringstream content;
  content << in.rdbuf();
  return parse_labels(content.str(), path);
}

}  // namespace tw::eval
