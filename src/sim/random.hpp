// Seeded pseudo-random numbers and the few distributions the market simulator draws from.
#pragma once

#include <cmath>
#include <cstdint>

#include "util/hash.hpp"

namespace tw::sim {

/// One SplitMix64 step: spreads any seed over 64 well-mixed bits (used to seed generators).
constexpr uint64_t splitmix64(uint64_t& state) {
  uint64_t out = mix64(state);
  state += 0x9E3779B97F4A7C15ULL;
  return out;
}

/// xoshiro256** with hand-written distributions. The std:: distributions are not specified bit
/// for bit, so using them would give a different market for the same seed on another library.
class Rng {
 public:
  /// Independent generators for the same seed come from different `stream` numbers.
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t a = seed;
    uint64_t b = stream ^ 0x6A09E667F3BCC909ULL;
    uint64_t mixed = splitmix64(a) ^ (splitmix64(b) * 0x9E3779B97F4A7C15ULL);
    for (uint64_t& word : s_) word = splitmix64(mixed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n); n > 0. The bias is below 2^-53 * n, far under anything visible.
  uint32_t below(uint32_t n) {
    uint32_t k = static_cast<uint32_t>(uniform() * n);
    return k < n ? k : n - 1;
  }
  bool chance(double p) { return uniform() < p; }
  /// Exponential with mean 1.
  double exponential() { return -std::log1p(-uniform()); }

  /// Standard normal by the Box-Muller transform; the second value of each pair is kept.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    double u2 = uniform();
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 6.283185307179586 * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  /// exp(N(mu, sigma^2)).
  double log_normal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace tw::sim
