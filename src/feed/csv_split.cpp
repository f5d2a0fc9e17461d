#include "feed/csv_split.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace tw {

namespace {

static_assert(std::endian::native == std::endian::little, "the word scan reads bytes LSB first");

constexpr uint64_t kLowBits = 0x7f7f7f7f7f7f7f7fULL;
constexpr uint64_t kEveryByte = 0x0101010101010101ULL;

// 0x80 in each byte of `word` equal to `c`, 0 elsewhere (exact: no false positives).
uint64_t bytes_equal(uint64_t word, char c) {
  uint64_t x = word ^ (kEveryByte * static_cast<unsigned char>(c));
  return ~(((x & kLowBits) + kLowBits) | x | kLowBits);
}

}  // namespace

// Looks at 8 bytes at a time for commas and quotes: fields are short, so one memchr call per
// field would cost more in call overhead than in scanning.
bool CsvSplitter::split(std::string_view line) {
  fields_.clear();
  const char* start = line.data();
  const char* p = start;
  const char* end = start + line.size();
  for (; end - p >= 8; p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    uint64_t hits = bytes_equal(word, ',') | bytes_equal(word, '"');
    while (hits) {
      const char* hit = p + (std::countr_zero(hits) >> 3);
      if (*hit == '"') return split_quoted(line);
      fields_.emplace_back(start, static_cast<size_t>(hit - start));
      start = hit + 1;
      hits &= hits - 1;
    }
  }
  for (; p < end; ++p) {
    if (*p == '"') return split_quoted(line);
    if (*p == ',') {
      fields_.emplace_back(start, static_cast<size_t>(p - start));
      start = p + 1;
    }
  }
  fields_.emplace_back(start, static_cast<size_t>(end - start));
  return true;
}

bool CsvSplitter::split_quoted(std::string_view line) {
  fields_.clear();  // the fast path may have stored fields before it met the quote
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
    fields_.emplace_back(unquoted_.data() + start, unquoted_.size() - start);
    if (i == n) return true;
    ++i;  // the comma
  }
}

}  // namespace tw
