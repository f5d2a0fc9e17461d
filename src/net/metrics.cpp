#include "net/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tw::net {

void HttpMetrics::record(const std::string& route, int status, double seconds) {
  size_t bucket = static_cast<size_t>(std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds) -
                                      kBuckets.begin());
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  if (bucket < kBuckets.size()) ++h.counts[bucket];
  ++h.count;
  h.sum += seconds;
}

void HttpMetrics::append_prometheus(std::string& out) const {
  std::lock_guard lock(mutex_);
  out += "# HELP tapewatch_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE tapewatch_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += fmt::format("tapewatch_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n",
                       prometheus_label(key.first), key.second, n);
  }
  out += "# HELP tapewatch_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE tapewatch_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    std::string label = prometheus_label(route);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out += fmt::format(
          "tapewatch_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label,
          kBuckets[i], cumulative);
    }
    out += fmt::format(
        "tapewatch_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", label,
        h.count);
    out += fmt::format("tapewatch_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label,
                       h.sum);
    out += fmt::format("tapewatch_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label,
                       h.count);
  }
}

std::string prometheus_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace tw::net
