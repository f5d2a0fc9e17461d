// Small, stable hash functions (the same output on every platform and run).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tw {

/// FNV-1a, 64 bit: stable across builds, used where a hash is persisted (alert ids).
constexpr uint64_t fnv1a64(std::string_view data, uint64_t seed = 0xcbf29ce484222325ULL) {
  uint64_t h = seed;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// 2^64 divided by the golden ratio: multiplying by it spreads a key's low bits into the high
/// ones (Fibonacci hashing).
inline constexpr uint64_t kGoldenRatio64 = 0x9e3779b97f4a7c15ULL;

/// The index in a table of 2^(64 - shift) slots that Fibonacci hashing gives `key`: one
/// multiply, enough for keys that are small integers or already mixed.
constexpr size_t fibonacci_index(uint64_t key, int shift) {
  return static_cast<size_t>((key * kGoldenRatio64) >> shift);
}

/// A strong 64-bit finaliser (splitmix64) for in-memory hash tables.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace tw
