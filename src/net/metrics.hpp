// HTTP request metrics: counts by route and status, latency histograms by route (Prometheus).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace tw::net {

/// Counts every answered request; safe to use from any thread.
class HttpMetrics {
 public:
  /// Upper bounds (seconds) of the latency histogram's buckets, +Inf aside.
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   1,     5};

  void record(const std::string& route, int status, double seconds);
  /// tapewatch_http_requests_total and tapewatch_http_request_duration_seconds in the
  /// Prometheus text format, with their HELP and TYPE lines.
  void append_prometheus(std::string& out) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts = {};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

/// `value` escaped for a Prometheus label: backslash, quote and newline.
std::string prometheus_label(std::string_view value);

}  // namespace tw::net
