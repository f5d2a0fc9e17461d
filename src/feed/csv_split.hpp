// Splits one CSV line into fields: a block-at-a-time scan for commas, with an RFC 4180 path for
// quoted fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tw {

/// Reused across lines: after the first few lines splitting allocates nothing.
class CsvSplitter {
 public:
  /// Lines longer than this take the usual way in split_buffered_line.
  static constexpr size_t kLineScanLimit = 4096;

  /// Splits `line`; false when its quoting is broken (an unterminated quote, or text after a
  /// closing quote) or when the line is 4 GiB or longer. Quoted fields may hold commas and
  /// doubled quotes (""), but not newlines. The fields are valid until the next call and while
  /// `line` is.
  bool split(std::string_view line);
  /// The fast path of a line reader: splits the line at the start of `data` (buffered input)
  /// in the same pass that finds its end, when its '\n' lies within data and within the first
  /// kLineScanLimit bytes. Returns the bytes the line takes with its '\n', and sets `line` to
  /// it without the '\n' (and a '\r' before it) and `ok` to what split(line) would return.
  /// Returns 0 when it cannot: the caller then reads and splits the line its usual way.
  size_t split_buffered_line(std::string_view data, std::string_view& line, bool& ok);
  size_t size() const { return count_; }
  std::string_view operator[](size_t i) const {
    return {text_ + starts_[i], starts_[i + 1] - starts_[i] - 1};
  }

 private:
  bool split_quoted(std::string_view line);
  void reserve_fields(size_t line_bytes);

  // Fields are kept as offsets of their first byte in text_ (the line, or unquoted_ after the
  // quoted path), each field followed by one separator byte, and one more offset after the last
  // field as if it too ended in a comma: field i is [starts_[i], starts_[i + 1] - 1). A comma
  // then costs one 4-byte store instead of a 16-byte view built from the previous field's start.
  const char* text_ = nullptr;
  // Room for the fields of any line split_buffered_line takes, made once (see reserve_fields).
  std::vector<uint32_t> starts_ = std::vector<uint32_t>(kLineScanLimit + 2);
  size_t count_ = 0;
  std::string unquoted_;
};

/// trim_blanks for text that may start or end with a blank.
std::string_view trim_blank_ends(std::string_view text);

/// `text` without leading and trailing spaces and tabs.
[[gnu::always_inline]] inline std::string_view trim_blanks(std::string_view text) {
  // Most fields start and end with a byte above ' ' (and so not a blank): one test per end,
  // inline (forced: GCC kept it out of line in the row parser, where the call cost more than
  // the tests), and the loops stay out of line.
  auto above_blank = [](char c) { return static_cast<unsigned char>(c) > ' '; };
  if (text.empty() || (above_blank(text.front()) && above_blank(text.back()))) return text;
  return trim_blank_ends(text);
}

}  // namespace tw
