#include "model/external_id.hpp"

#include <bit>

#include "util/hash.hpp"
#include "util/swar.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tw {
namespace {

constexpr size_t kInlineText = 22;
constexpr size_t kHashedPrefix = 13;

using swar::bytes_between;
using swar::kEveryByte;
using swar::kHighBits;

// Two 64-bit words operated on together (a GCC/Clang vector extension: SSE2 on x86-64, plain
// word pairs elsewhere). The hex decoder below is ordinary word-at-a-time code; running it on
// both halves of a UUID at once halves its cost, and feeds parse two UUIDs per row.
using WordPair = uint64_t __attribute__((vector_size(16)));

// The value (0-15) of each of 8 hex digits (any case) per word, one per byte, into `out`.
// Returns 0x80 in each byte that is not a hex digit (`out` then means nothing): the caller
// tests all the words of a UUID at once.
WordPair hex_nibbles(WordPair words, WordPair& out) {
  WordPair digits = bytes_between(words, '0', '9');
  WordPair letters = bytes_between(words | kEveryByte * 0x20, 'a', 'f');  // 'A'-'F', 'a'-'f'
  // '0'-'9' end in their value, 'A'/'a' in 1 (+9 = 10), and so on.
  WordPair letter_bits = letters >> 7;
  out = (words & kEveryByte * 0x0f) + (letter_bits << 3) + letter_bits;
  return (words & kHighBits) | ((digits | letters) ^ kHighBits);
}

// Joins the byte pairs of nibbles (first nibble high) into one byte per 16-bit lane.
WordPair join_nibble_pairs(WordPair nibbles) {
  return ((nibbles & 0x000f000f000f000fULL) << 4) | ((nibbles >> 8) & 0x000f000f000f000fULL);
}

// True when any byte of `marks` (whose bytes are 0x80 or 0) is set.
bool any_marked(WordPair marks) {
#if defined(__SSE2__)
  // One instruction gathers the sixteen top bits: cheaper than taking both words out.
  return _mm_movemask_epi8(std::bit_cast<__m128i>(marks)) != 0;
#else
  return (marks[0] | marks[1]) != 0;
#endif
}

// Writes the 16 bytes whose values sit in the 16-bit lanes of `first` then `second`.
void store_lanes(WordPair first, WordPair second, unsigned char out[16]) {
#if defined(__SSE2__)
  // One pack instruction gathers all 16 bytes (every lane is below 256, so nothing saturates):
  // this cost a third of the shifting and masking below, per UUID.
  __m128i bytes = _mm_packus_epi16(std::bit_cast<__m128i>(first), std::bit_cast<__m128i>(second));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
#else
  for (WordPair lanes : {first, second}) {
    // Gather each word's four bytes into its low half.
    lanes = (lanes | lanes >> 8) & 0x0000ffff0000ffffULL;
    lanes = lanes | lanes >> 16;
    uint32_t bytes[2] = {static_cast<uint32_t>(lanes[0]), static_cast<uint32_t>(lanes[1])};
    std::memcpy(out, bytes, 8);
    out += 8;
  }
#endif
}

// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: 32 hex digits read as four words of eight (the two
// middle ones each joined from two dash-separated halves), decoded two words at a time.
bool parse_uuid(std::string_view t, unsigned char out[16]) {
  if (t.size() != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-') return false;
  const char* p = t.data();
  auto word = [p](size_t first, size_t second) {
    uint32_t a, b;
    std::memcpy(&a, p + first, 4);
    std::memcpy(&b, p + second, 4);
    return uint64_t{a} | uint64_t{b} << 32;
  };
  WordPair first, second;
  WordPair invalid = hex_nibbles(WordPair{word(0, 4), word(9, 14)}, first) |
                     hex_nibbles(WordPair{word(19, 24), word(28, 32)}, second);
  if (any_marked(invalid)) return false;
  store_lanes(join_nibble_pairs(first), join_nibble_pairs(second), out);
  return true;
}

bool parse_canonical_number(std::string_view t, uint64_t& out) {
  if (t.empty() || t.size() > 19 || (t.size() > 1 && t[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : t) {
    unsigned d = static_cast<unsigned>(c - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

}  // namespace

ExternalId ExternalId::from_text(std::string_view text) {
  ExternalId id;
  id.assign_text(text);
  return id;
}

void ExternalId::assign_text(std::string_view text) {
  *this = ExternalId();
  if (text.empty()) return;
  // UUIDs first: they are the common case in CSV exports, and no number has 36 characters.
  if (parse_uuid(text, bytes_ + 8)) {
    bytes_[0] = static_cast<unsigned char>(Kind::kUuid);
    return;
  }
  // A failed UUID parse may have decoded some bytes: clear them so equal text gives equal bytes
  // whatever the text looked like.
  *this = ExternalId();
  uint64_t n = 0;
  if (parse_canonical_number(text, n)) {
    *this = number(n);
    return;
  }
  if (text.size() <= kInlineText) {
    bytes_[0] = static_cast<unsigned char>(Kind::kText);
    bytes_[1] = static_cast<unsigned char>(text.size());
    std::memcpy(bytes_ + 2, text.data(), text.size());
    return;
  }
  bytes_[0] = static_cast<unsigned char>(Kind::kHashedText);
  bytes_[1] = static_cast<unsigned char>(kHashedPrefix);
  std::memcpy(bytes_ + 2, text.data(), kHashedPrefix);
  uint64_t h = fnv1a64(text);
  std::memcpy(bytes_ + 16, &h, 8);
}

void ExternalId::append_to(std::string& out) const {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (kind()) {
    case Kind::kNone:
      return;
    case Kind::kNumber:
      out += std::to_string(as_number());
      return;
    case Kind::kUuid: {
      // Written into a local buffer and appended once: a push_back per character costs a
      // capacity check each, and evidence lists format dozens of ids per alert.
      char text[36];
      char* p = text;
      for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        *p++ = kHex[bytes_[8 + i] >> 4];
        *p++ = kHex[bytes_[8 + i] & 15];
      }
      out.append(text, sizeof text);
      return;
    }
    case Kind::kText:
      out.append(reinterpret_cast<const char*>(bytes_ + 2), bytes_[1]);
      return;
    case Kind::kHashedText: {
      out.append(reinterpret_cast<const char*>(bytes_ + 2), bytes_[1]);
      char text[17] = {'~'};
      uint64_t h;
      std::memcpy(&h, bytes_ + 16, 8);
      for (int i = 0; i < 16; ++i) text[1 + i] = kHex[(h >> (60 - 4 * i)) & 15];
      out.append(text, sizeof text);
      return;
    }
  }
}

std::string ExternalId::to_string() const {
  std::string s;
  append_to(s);
  return s;
}

uint64_t ExternalId::hash() const {
  uint64_t a, b, c;
  std::memcpy(&a, bytes_, 8);
  std::memcpy(&b, bytes_ + 8, 8);
  std::memcpy(&c, bytes_ + 16, 8);
  return mix64(a ^ mix64(b ^ mix64(c)));
}

}  // namespace tw
