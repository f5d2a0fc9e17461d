#include "sim/alias_sampler.hpp"

#include <stdexcept>

namespace tw::sim {

AliasSampler::AliasSampler(const std::vector<double>& weights)
    : keep_(weights.size(), 1.0), alias_(weights.size()) {
  double total = 0;
  for (double w : weights) total += w;
  if (weights.empty() || !(total > 0)) throw std::invalid_argument("alias sampler: no weight");
  const double n = static_cast<double>(weights.size());
  std::vector<double> scaled(weights.size());
  std::vector<uint32_t> small, large;
  for (uint32_t i = 0; i < weights.size(); ++i) {
    alias_[i] = i;
    scaled[i] = weights[i] * n / total;
    (scaled[i] < 1.0 ? small : large).push_back(i);
  }
  // Vose's pairing: each short column is topped up by one tall column.
  while (!small.empty() && !large.empty()) {
    uint32_t s = small.back();
    small.pop_back();
    uint32_t l = large.back();
    keep_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left is 1 up to rounding.
  for (uint32_t i : small) keep_[i] = 1.0;
  for (uint32_t i : large) keep_[i] = 1.0;
}

}  // namespace tw::sim
