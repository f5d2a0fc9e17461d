#include "util/format.hpp"

#include <charconv>
#include <cmath>

namespace tw {

std::string format_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // Characters that need no escape are copied in runs: most strings have no escape at all.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (s[i]) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

void JsonObjectWriter::key(std::string_view k) {
  if (!first_) text_.push_back(',');
  first_ = false;
  append_json_string(text_, k);
  text_.push_back(':');
}

JsonObjectWriter& JsonObjectWriter::field(std::string_view k, double v) {
  key(k);
  text_ += format_number(v);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::field(std::string_view k, int64_t v) {
  key(k);
  text_ += std::to_string(v);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::field(std::string_view k, bool v) {
  key(k);
  text_ += v ? "true" : "false";
  return *this;
}

JsonObjectWriter& JsonObjectWriter::field(std::string_view k, std::string_view v) {
  key(k);
  append_json_string(text_, v);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::raw(std::string_view k, std::string_view json) {
  key(k);
  text_ += json;
  return *this;
}

std::string JsonObjectWriter::finish() && {
  text_.push_back('}');
  return std::move(text_);
}

}  // namespace tw
