#include "feed/csv_split.hpp"

#include <bit>
#include <cstdint>

#include "util/swar.hpp"

namespace tw {

namespace {

using swar::kEveryByte;
using swar::kLowBits;
using swar::load8;

// 0x80 in each byte of `word` up to ',' (0x2c), 0 elsewhere (exact: no carries between bytes).
// One test finds both the comma and the quote ('"' is 0x22); the rarer other bytes it flags
// (space, '+', ...) cost a skipped hit, which is cheaper than testing for two bytes everywhere.
uint64_t bytes_up_to_comma(uint64_t word) {
  uint64_t above_comma = (word & kLowBits) + kEveryByte * (0x7f - ',');
  return ~(above_comma | word) & ~kLowBits;
}

}  // namespace

// Fields are short, so one memchr call per field would cost more in call overhead than the
// scan itself.
bool CsvSplitter::split(std::string_view line) {
  const char* start = line.data();
  const char* end = start + line.size();
  // Locals, not members: stores into fields_ could alias a member count and force reloads.
  std::string_view* fields = fields_.data();
  size_t count = 0;
  size_t capacity = fields_.size();
  auto add_field = [&](const char* field_end) {
    if (count == capacity) {
      count_ = count;
      grow();
      fields = fields_.data();
      capacity = fields_.size();
    }
    fields[count++] = std::string_view(start, static_cast<size_t>(field_end - start));
    start = field_end + 1;
  };
  // False at a quote: the caller restarts on the quoted path.
  auto take_hits = [&](const char* word_start, uint64_t hits) {
    for (; hits; hits &= hits - 1) {
      const char* hit = word_start + (std::countr_zero(hits) >> 3);
      if (*hit == ',') {
        add_field(hit);
      } else if (*hit == '"') {
        return false;
      }
    }
    return true;
  };
  const char* p = line.data();
  if (line.size() >= 8) {
    for (; end - p > 8; p += 8) {
      if (!take_hits(p, bytes_up_to_comma(load8(p)))) return split_quoted(line);
    }
    // The last 1..8 bytes: one load ending at the line's end, with the bytes seen already masked.
    size_t seen = static_cast<size_t>(8 - (end - p));
    uint64_t hits = bytes_up_to_comma(load8(end - 8)) & (~uint64_t{0} << (8 * seen));
    if (!take_hits(end - 8, hits)) return split_quoted(line);
  } else {
    for (; p < end; ++p) {
      if (*p == '"') return split_quoted(line);
      if (*p == ',') add_field(p);
    }
  }
  add_field(end);
  count_ = count;
  return true;
}

void CsvSplitter::grow() {
  fields_.resize(fields_.size() * 2);
}

bool CsvSplitter::split_quoted(std::string_view line) {
  count_ = 0;  // the fast path may have stored fields before it met the quote
  // Unquoting never makes text longer, so this reserve keeps the views below stable.
  unquoted_.clear();
  unquoted_.reserve(line.size());
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    size_t start = unquoted_.size();
    if (i < n && line[i] == '"') {
      for (++i;; ++i) {
        if (i == n) return false;  // unterminated quote
        if (line[i] != '"') {
          unquoted_.push_back(line[i]);
        } else if (i + 1 < n && line[i + 1] == '"') {
          unquoted_.push_back('"');
          ++i;
        } else {
          ++i;
          break;
        }
      }
      if (i < n && line[i] != ',') return false;  // text after the closing quote
    } else {
      for (; i < n && line[i] != ','; ++i) unquoted_.push_back(line[i]);
    }
    if (count_ == fields_.size()) grow();
    fields_[count_++] = std::string_view(unquoted_.data() + start, unquoted_.size() - start);
    if (i == n) return true;
    ++i;  // the comma
  }
}

}  // namespace tw
