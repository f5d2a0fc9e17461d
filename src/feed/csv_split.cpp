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

#if !defined(__SSE2__)
using swar::load8;
#endif

// Bits marking the commas and the quotes of one block of bytes, bit (i << kBitsPerByteLog2)
// standing for byte i.
struct BlockHits {
  uint64_t commas;
  uint64_t quotes;
};

#if defined(__SSE2__)
// Every x86-64 CPU has SSE2: 16 bytes are tested per step and the hits come out as one bit per
// byte. This cost half the instructions of the 8-byte word scan.
constexpr size_t kBlockBytes = 16;
constexpr int kBitsPerByteLog2 = 0;

BlockHits block_hits(const char* p) {
  __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto bits_of = [bytes](char c) {
    return uint64_t{
        static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(c))))};
  };
  return {bits_of(','), bits_of('"')};
}
#else
constexpr size_t kBlockBytes = 8;
constexpr int kBitsPerByteLog2 = 3;

BlockHits block_hits(const char* p) {
  uint64_t word = load8(p);
  return {swar::bytes_equal(word, ','), swar::bytes_equal(word, '"')};
}
#endif

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
  // Room for a whole block's commas is made before the block, not tested at each comma.
  auto take_commas = [&](const char* block, uint64_t commas) {
    if (capacity < count + kBlockBytes + 1) {
      grow(count + kBlockBytes + 1);
      fields = fields_.data();
      capacity = fields_.size();
    }
    for (; commas; commas &= commas - 1) {
      const char* comma = block + (std::countr_zero(commas) >> kBitsPerByteLog2);
      fields[count++] = std::string_view(start, static_cast<size_t>(comma - start));
      start = comma + 1;
    }
  };
  const char* p = line.data();
  if (line.size() >= kBlockBytes) {
    for (; static_cast<size_t>(end - p) > kBlockBytes; p += kBlockBytes) {
      BlockHits hits = block_hits(p);
      if (hits.quotes) return split_quoted(line);
      take_commas(p, hits.commas);
    }
    // The last bytes: one block ending at the line's end, with the bytes seen already masked.
    size_t seen = kBlockBytes - static_cast<size_t>(end - p);
    uint64_t unseen = ~uint64_t{0} << (seen << kBitsPerByteLog2);
    const char* last = end - kBlockBytes;
    BlockHits hits = block_hits(last);
    if (hits.quotes & unseen) return split_quoted(line);
    take_commas(last, hits.commas & unseen);
  } else {
    for (; p < end; ++p) {
      if (*p == '"') return split_quoted(line);
    }
    for (p = line.data(); p < end; ++p) {
      if (*p == ',') take_commas(p, 1);
    }
  }
  if (count == fields_.size()) grow(count + 1);
  fields_[count++] = std::string_view(start, static_cast<size_t>(end - start));
  count_ = count;
  return true;
}

void CsvSplitter::grow(size_t at_least) {
  fields_.resize(std::max(at_least, 2 * fields_.size()));
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
    if (count_ == fields_.size()) grow(count_ + 1);
    fields_[count_++] = std::string_view(unquoted_.data() + start, unquoted_.size() - start);
    if (i == n) return true;
    ++i;  // the comma
  }
}

}  // namespace tw
