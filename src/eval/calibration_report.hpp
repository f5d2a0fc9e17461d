// A threshold sweep as a text table (one row per value) and as JSON.
#pragma once

#include <cstdio>
#include <string>

#include "eval/calibration.hpp"

namespace tw::eval {

/// A header line, then one row per value: with labels the alerts, TP, FP, FN, precision,
/// recall, F1 and alerts per million events; without, the alerts, alerts per million events and
/// the accounts and symbols alerted. The last column marks the best F1, the default and the
/// value --config sets.
void print_calibration(std::FILE* out, const Calibration& calibration);

/// The same figures as one JSON object; figures that do not exist as null.
std::string calibration_json(const Calibration& calibration);

}  // namespace tw::eval
