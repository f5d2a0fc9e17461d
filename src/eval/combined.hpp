// Scores of several runs taken together: a rule's figures over many seeds and regimes.
#pragma once

#include <vector>

#include "eval/scoring.hpp"

namespace tw::eval {

/// The runs' counts summed rule by rule (and kind by kind in the confusion table), with the
/// ratios, delay quantiles and rates worked out again from the sums: precision is over all the
/// runs' alerts, recall over all their episodes. Events are summed when every run knows them.
Evaluation combine(const std::vector<Evaluation>& runs);

}  // namespace tw::eval
