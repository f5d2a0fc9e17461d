#include "feed/csv_split.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "util/swar.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tw {

namespace {

#if defined(__SSE2__)
// Every x86-64 CPU has SSE2: 16 bytes are tested per step and the commas come out as one bit
// per byte. This cost half the instructions of the 8-byte word scan.
constexpr size_t kBlockBytes = 16;
constexpr int kBitsPerByteLog2 = 0;

// Quotes are rare, so they are only gathered while scanning and tested once per line: a test
// per block cost as much as finding the commas.
using QuoteMarks = __m128i;

QuoteMarks no_quotes() {
  return _mm_setzero_si128();
}

bool any_quote(QuoteMarks marks) {
  return _mm_movemask_epi8(marks) != 0;
}

// Bit i set for each comma at p[i] of the block at `p`; quotes found are added to `marks`.
uint64_t scan_block(const char* p, QuoteMarks& marks) {
  __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  marks = _mm_or_si128(marks, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(','))));
}

// Bit i set for each byte p[i] equal to c.
uint64_t bytes_equal(const char* p, char c) {
  __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c))));
}

// The line scan takes two blocks per step, sharing one newline test and one loop test between
// them: this cost 40% fewer instructions per byte than a block per step.
constexpr size_t kStepBytes = 2 * kBlockBytes;

// True when a '\n' is among the kStepBytes bytes at `p`.
bool step_has_newline(const char* p) {
  __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + kBlockBytes));
  __m128i newline = _mm_set1_epi8('\n');
  return _mm_movemask_epi8(
             _mm_or_si128(_mm_cmpeq_epi8(first, newline), _mm_cmpeq_epi8(second, newline))) != 0;
}

// scan_block for the kStepBytes bytes at `p`.
uint64_t scan_step(const char* p, QuoteMarks& marks) {
  return scan_block(p, marks) | scan_block(p + kBlockBytes, marks) << kBlockBytes;
}
#else
constexpr size_t kBlockBytes = 8;
constexpr int kBitsPerByteLog2 = 3;

using QuoteMarks = uint64_t;

QuoteMarks no_quotes() {
  return 0;
}

bool any_quote(QuoteMarks marks) {
  return marks != 0;
}

// Bit (i << 3) set for each comma at p[i] of the block at `p`.
uint64_t scan_block(const char* p, QuoteMarks& marks) {
  uint64_t word = swar::load8(p);
  marks |= swar::bytes_equal(word, '"');
  return swar::bytes_equal(word, ',');
}

// Bit (i << 3) set for each byte p[i] equal to c.
uint64_t bytes_equal(const char* p, char c) {
  return swar::bytes_equal(swar::load8(p), c);
}

// A step is one block: two would not fit their comma bits in one word.
constexpr size_t kStepBytes = kBlockBytes;

bool step_has_newline(const char* p) {
  return bytes_equal(p, '\n') != 0;
}

uint64_t scan_step(const char* p, QuoteMarks& marks) {
  return scan_block(p, marks);
}
#endif

// Each comma starts a field one byte after it: its offset goes to `next`.
void take_commas(uint32_t*& next, size_t block, uint64_t commas) {
  for (; commas; commas &= commas - 1) {
    *next++ = static_cast<uint32_t>(block + (std::countr_zero(commas) >> kBitsPerByteLog2) + 1);
  }
}

}  // namespace

// Fields are short, so one memchr call per field would cost more in call overhead than the
// scan itself.
bool CsvSplitter::split(std::string_view line) {
  const size_t n = line.size();
  if (n >= UINT32_MAX) return false;  // offsets are 32-bit; readers cap lines far below this
  reserve_fields(n);
  const char* text = line.data();
  uint32_t* next = starts_.data();
  *next++ = 0;
  QuoteMarks quotes = no_quotes();
  if (n >= kBlockBytes) {
    size_t at = 0;
    for (; n - at > kBlockBytes; at += kBlockBytes) {
      take_commas(next, at, scan_block(text + at, quotes));
    }
    // The last bytes: one block ending at the line's end, with the bytes seen already masked.
    size_t last = n - kBlockBytes;
    uint64_t unseen = ~uint64_t{0} << ((at - last) << kBitsPerByteLog2);
    take_commas(next, last, scan_block(text + last, quotes) & unseen);
  } else {
    bool quoted = false;
    for (size_t i = 0; i < n; ++i) {
      if (text[i] == ',') *next++ = static_cast<uint32_t>(i + 1);
      quoted = quoted || text[i] == '"';
    }
    if (quoted) return split_quoted(line);
  }
  if (any_quote(quotes)) return split_quoted(line);
  *next = static_cast<uint32_t>(n + 1);
  count_ = static_cast<size_t>(next - starts_.data());
  text_ = text;
  return true;
}

size_t CsvSplitter::split_buffered_line(std::string_view data, std::string_view& line, bool& ok) {
  const size_t reach = std::min(data.size(), kLineScanLimit);
  const char* text = data.data();
  // No room to make: starts_ never shrinks from the kLineScanLimit + 2 offsets it starts with.
  uint32_t* next = starts_.data();
  *next++ = 0;
  QuoteMarks quotes = no_quotes();
  size_t at = 0;
  for (; at + kStepBytes <= reach && !step_has_newline(text + at); at += kStepBytes) {
    take_commas(next, at, scan_step(text + at, quotes));
  }
  // The line ends in the step at `at`, or in the last bytes of data: block by block from here.
  // Whole blocks only, all within data: a line ending in the last few bytes takes the usual way.
  for (; at + kBlockBytes <= reach; at += kBlockBytes) {
    uint64_t newlines = bytes_equal(text + at, '\n');
    if (newlines == 0) {
      take_commas(next, at, scan_block(text + at, quotes));
      continue;
    }
    // This block holds the line's end: only what lies before its first '\n' counts.
    uint64_t before = (newlines & (~newlines + 1)) - 1;
    size_t end = at + (static_cast<size_t>(std::countr_zero(newlines)) >> kBitsPerByteLog2);
    size_t length = end > 0 && text[end - 1] == '\r' ? end - 1 : end;
    line = std::string_view(text, length);
    if (any_quote(quotes) || (bytes_equal(text + at, '"') & before) != 0) {
      ok = split_quoted(line);
      return end + 1;
    }
    take_commas(next, at, bytes_equal(text + at, ',') & before);
    *next = static_cast<uint32_t>(length + 1);  // a comma before the '\r' leaves an empty field
    count_ = static_cast<size_t>(next - starts_.data());
    text_ = text;
    ok = true;
    return end + 1;
  }
  return 0;
}

void CsvSplitter::reserve_fields(size_t line_bytes) {
  // A line of n bytes has at most n + 1 fields: room for them all (and the closing offset) is
  // made once per line, not tested at each comma. Memory follows the longest line, which the
  // readers bound (kMaxRecordBytes).
  if (starts_.size() < line_bytes + 2) starts_.resize(line_bytes + 2);
}

bool CsvSplitter::split_quoted(std::string_view line) {
  count_ = 0;  // no fields when the quoting turns out broken
  // Each field is followed by a ',' here too (see starts_). Fields never outnumber the bytes of
  // the line plus one, for which split() made room.
  unquoted_.clear();
  unquoted_.reserve(line.size() + 1);
  uint32_t* next = starts_.data();
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    *next++ = static_cast<uint32_t>(unquoted_.size());
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
    unquoted_.push_back(',');
    if (i == n) break;
    ++i;  // the comma
  }
  *next = static_cast<uint32_t>(unquoted_.size());
  count_ = static_cast<size_t>(next - starts_.data());
  text_ = unquoted_.data();
  return true;
}

std::string_view trim_blank_ends(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace tw
