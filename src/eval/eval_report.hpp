// An evaluation as text tables (per rule, confusion) and as JSON.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "eval/scoring.hpp"
#include "util/format.hpp"

namespace tw::eval {

/// A figure with `decimals` places, or "-" when it does not exist.
std::string figure(std::optional<double> v, int decimals);

/// Writes `v` under `key`, or null when it does not exist.
void optional_field(JsonObjectWriter& w, std::string_view key, std::optional<double> v);

/// The per-rule table, then the confusion table.
void print_evaluation(std::FILE* out, const Evaluation& evaluation);

/// The same figures as one JSON object; times in seconds, figures that do not exist as null.
std::string evaluation_json(const Evaluation& evaluation);

}  // namespace tw::eval
