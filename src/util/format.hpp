// Text helpers shared by outputs: number formatting and JSON escaping.
#pragma once

#include <string>
#include <string_view>

namespace tw {

/// Shortest text that reads back as the same double ("0.001", "3", "1e+300").
std::string format_number(double v);
/// `v` rounded to `decimals` places: 93.46, not 93.46000000000001.
double round_to(double v, int decimals);
/// format_number(round_to(v, decimals)), for numbers in sentences.
std::string format_rounded(double v, int decimals);
/// Appends format_number(v) to `out`.
void append_number(std::string& out, double v);
/// Appends `s` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);

/// Builds a flat JSON object one field at a time: {"a":1,"b":"x"}.
class JsonObjectWriter {
 public:
  // Room for a typical alert's metrics, so the text is not regrown field by field.
  JsonObjectWriter() {
    text_.reserve(256);
    text_.push_back('{');
  }
  JsonObjectWriter& field(std::string_view key, double v);
  JsonObjectWriter& field(std::string_view key, int64_t v);
  JsonObjectWriter& field(std::string_view key, uint64_t v) {
    return field(key, static_cast<int64_t>(v));
  }
  JsonObjectWriter& field(std::string_view key, int v) {
    return field(key, static_cast<int64_t>(v));
  }
  JsonObjectWriter& field(std::string_view key, bool v);
  JsonObjectWriter& field(std::string_view key, std::string_view v);
  JsonObjectWriter& field(std::string_view key, const char* v) {
    return field(key, std::string_view(v));
  }
  /// Inserts `json` (already valid JSON) as the value.
  JsonObjectWriter& raw(std::string_view key, std::string_view json);
  std::string finish() &&;

 private:
  void key(std::string_view k);
  std::string text_;
  bool first_ = true;
};

}  // namespace tw
