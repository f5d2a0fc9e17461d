// An evaluation as text tables (per rule, confusion) and as JSON.
#pragma once

#include <cstdio>
#include <string>

#include "eval/scoring.hpp"

namespace tw::eval {

/// The per-rule table, then the confusion table.
void print_evaluation(std::FILE* out, const Evaluation& evaluation);

/// The same figures as one JSON object; times in seconds, figures that do not exist as null.
std::string evaluation_json(const Evaluation& evaluation);

}  // namespace tw::eval
