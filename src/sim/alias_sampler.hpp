// Walker's alias method: O(1) draws of an index from fixed, uneven weights.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/random.hpp"

namespace tw::sim {

class AliasSampler {
 public:
  /// `weights` must be non-empty, finite and non-negative with a positive sum.
  explicit AliasSampler(const std::vector<double>& weights);

  uint32_t sample(Rng& rng) const {
    double scaled = rng.uniform() * static_cast<double>(keep_.size());
    uint32_t column = static_cast<uint32_t>(scaled);
    if (column >= keep_.size()) column = static_cast<uint32_t>(keep_.size() - 1);
    return scaled - column < keep_[column] ? column : alias_[column];
  }
  uint32_t size() const { return static_cast<uint32_t>(keep_.size()); }

 private:
  std::vector<double> keep_;     // probability of keeping the column's own index
  std::vector<uint32_t> alias_;  // the index drawn otherwise
};

}  // namespace tw::sim
