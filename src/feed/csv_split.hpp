// Splits one CSV line into fields: a word-at-a-time scan for commas, with an RFC 4180 path for
// quoted fields.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

/// Reused across lines: after the first few lines splitting allocates nothing.
class CsvSplitter {
 public:
  /// Splits `line`; false when its quoting is broken (an unterminated quote, or text after a
  /// closing quote). Quoted fields may hold commas and doubled quotes (""), but not newlines.
  /// The fields are valid until the next call and while `line` is.
  bool split(std::string_view line);
  size_t size() const { return count_; }
  std::string_view operator[](size_t i) const { return fields_[i]; }

 private:
  bool split_quoted(std::string_view line);
  void grow(size_t at_least);

  // Sized, not just reserved, so the scan stores fields by index; count_ says how many are used.
  std::vector<std::string_view> fields_ = std::vector<std::string_view>(16);
  size_t count_ = 0;
  std::string unquoted_;
};

/// `text` without leading and trailing spaces and tabs.
inline std::string_view trim_blanks(std::string_view text) {
  // Most fields start and end with a byte above ' ' (and so not a blank): one test per end.
  auto above_blank = [](char c) { return static_cast<unsigned char>(c) > ' '; };
  if (text.empty() || (above_blank(text.front()) && above_blank(text.back()))) return text;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace tw
