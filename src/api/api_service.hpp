// The REST API: routes over the alert store, the stream, health, metrics and the dashboard.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/response_cache.hpp"
#include "api/route.hpp"
#include "config/config.hpp"
#include "net/http_message.hpp"
#include "net/metrics.hpp"
#include "net/static_files.hpp"
#include "net/stream_hub.hpp"
#include "store/alert_store.hpp"

namespace tw::api {

/// Answers every request of `tapewatch serve`. Each worker thread has its own store (a store
/// is not thread-safe); handle() with worker i uses stores[i] only.
class ApiService {
 public:
  ApiService(std::vector<std::unique_ptr<AlertStore>> stores, Config config, net::StaticFiles files,
             net::HttpMetrics& metrics, net::StreamHub& hub);

  net::HttpResponse handle(const net::HttpRequest& request, size_t worker);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  net::HttpResponse dispatch(const net::HttpRequest& request, AlertStore& store);
  net::HttpResponse answer_cached(const Route& route, const RouteCall& call);
  std::vector<Route> make_routes();
  net::HttpResponse rules(AlertStore& store) const;
  net::HttpResponse metrics(AlertStore& store) const;
  net::HttpResponse health(AlertStore& store) const;

  std::vector<std::unique_ptr<AlertStore>> stores_;
  Config config_;
  net::StaticFiles files_;
  net::HttpMetrics& metrics_;
  net::StreamHub& hub_;
  std::vector<Route> routes_;
  std::string openapi_;  // built once from routes_
  ResponseCache cache_;
};

}  // namespace tw::api
