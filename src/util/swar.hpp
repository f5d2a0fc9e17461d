// Byte-parallel tests and digit conversion on 64-bit words ("SIMD within a register"), for the
// parsers of ids, times and decimals.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tw::swar {

static_assert(std::endian::native == std::endian::little, "words are read first byte lowest");

inline constexpr uint64_t kEveryByte = 0x0101010101010101ULL;
inline constexpr uint64_t kHighBits = 0x8080808080808080ULL;
inline constexpr uint64_t kLowBits = 0x7f7f7f7f7f7f7f7fULL;

/// The 8 bytes at `p` as a word, first byte lowest.
inline uint64_t load8(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}

/// 0x80 in each byte in [lo, hi], for words whose bytes are all below 0x80 (check that first):
/// adding (0x80 - lo) sets a byte's top bit from lo up, adding (0x7f - hi) from hi + 1 up, and
/// neither carries out of such a byte. `Word` may be a vector of words.
template <class Word>
Word bytes_between(Word word, unsigned char lo, unsigned char hi) {
  Word at_least_lo = word + kEveryByte * (0x80u - lo);
  Word above_hi = word + kEveryByte * (0x7fu - hi);
  return at_least_lo & ~above_hi & kHighBits;
}

/// 0x80 in each byte of `word` equal to `c`, 0 elsewhere (exact: the additions cannot carry
/// from one byte into the next).
inline uint64_t bytes_equal(uint64_t word, char c) {
  uint64_t x = word ^ (kEveryByte * static_cast<unsigned char>(c));
  return ~(((x & kLowBits) + kLowBits) | x | kLowBits);
}

/// True when all eight bytes of `word` are '0'-'9': the high nibble must be 3 and the low one
/// must not carry into it when 6 is added.
inline bool all_digits(uint64_t word) {
  constexpr uint64_t kHighNibbles = kEveryByte * 0xf0;
  return ((word & kHighNibbles) | (((word + kEveryByte * 0x06) & kHighNibbles) >> 4)) ==
         kEveryByte * 0x33;
}

/// The number written by eight digit values (0-9, one per byte, the first byte most
/// significant; ASCII digits work too, their high nibble is dropped): pairs, then quadruples,
/// then the whole, each step one multiply.
inline uint64_t eight_digits_value(uint64_t word) {
  word = ((word & kEveryByte * 0x0f) * (1 + (10 << 8))) >> 8;
  word = ((word & 0x00ff00ff00ff00ffULL) * (1 + (100 << 16))) >> 16;
  return ((word & 0x0000ffff0000ffffULL) * (1 + (10000ULL << 32))) >> 32;
}

/// The 1-8 bytes at `p` in one word, first byte lowest, zeros above, without reading past
/// them: two overlapping 4-byte loads, or the first, middle and last byte below 4.
inline uint64_t load_1_to_8(const char* p, size_t n) {
  if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    return head | uint64_t{tail} << (8 * (n - 4));
  }
  return uint64_t{static_cast<unsigned char>(p[0])} |
         uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2)) |
         uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1));
}

/// The value of 1-8 ASCII digits at `p`; false when any byte is not a digit.
inline bool digits_1_to_8(const char* p, size_t n, uint64_t& value) {
  uint64_t word = load_1_to_8(p, n);
  uint64_t pad = n == 8 ? 0 : (kEveryByte * '0') << (8 * n);  // '0' in the bytes past the text
  if (!all_digits(word | pad)) return false;
  value = eight_digits_value(word << (8 * (8 - n)));
  return true;
}

/// The value of 1-16 ASCII digits at `p` (two word conversions instead of a loop per digit);
/// false when any byte is not a digit.
inline bool digits_1_to_16(const char* p, size_t n, uint64_t& value) {
  if (n <= 8) return digits_1_to_8(p, n, value);
  uint64_t high, low;
  if (!digits_1_to_8(p, n - 8, high) || !digits_1_to_8(p + n - 8, 8, low)) return false;
  value = high * 100'000'000 + low;
  return true;
}

}  // namespace tw::swar
