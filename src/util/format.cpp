#include "util/format.hpp"

#include <charconv>
#include <cmath>

namespace tw {

std::string format_number(double v) {
  std::string out;
  append_number(out, v);
  return out;
}

void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? ptr : buf);
}

namespace {

/// Length of the well-formed UTF-8 sequence starting at s[i] (lead byte >= 0x80), or 0 when
/// it is not one: a stray continuation byte, an overlong form, a surrogate, a code point past
/// U+10FFFF, or a sequence cut short.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  size_t n = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
  if (n == 0 || lead > 0xf4 || lead == 0xc0 || lead == 0xc1 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  unsigned char second = byte(i + 1);
  if (lead == 0xe0 && second < 0xa0) return 0;   // overlong
  if (lead == 0xed && second >= 0xa0) return 0;  // surrogate
  if (lead == 0xf0 && second < 0x90) return 0;   // overlong
  if (lead == 0xf4 && second >= 0x90) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

// Bytes that are not well-formed UTF-8 (raw input in a dead letter, a line cut mid-character)
// are written as \u00XX, their Latin-1 reading: the output stays valid JSON and keeps each
// byte's value.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // Characters that need no escape are copied in runs: most strings have no escape at all.
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u < 0x80 && u != '"' && u != '\\') continue;
    if (u >= 0x80) {
      if (size_t n = utf8_sequence_length(s, i); n != 0) {
        i += n - 1;
        continue;
      }
    }
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
  append_number(text_, v);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::field(std::string_view k, int64_t v) {
  key(k);
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  text_.append(buf, ptr);
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

double round_to(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

std::string format_rounded(double v, int decimals) {
  return format_number(round_to(v, decimals));
}

}  // namespace tw
