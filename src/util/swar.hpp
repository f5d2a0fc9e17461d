// Byte-parallel tests and digit conversion on 64-bit words ("SIMD within a register"), for the
// parsers of ids, times and decimals.
#pragma once

#include <bit>
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

}  // namespace tw::swar
