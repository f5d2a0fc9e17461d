// Test helper: an AlertSink that keeps every alert it receives.
#pragma once

#include <utility>
#include <vector>

#include "model/alert.hpp"

struct AlertCollector : tw::AlertSink {
  std::vector<tw::Alert> alerts;
  void emit(tw::Alert&& a) override { alerts.push_back(std::move(a)); }
};
