// A REST route: what the router dispatches on and what the OpenAPI document describes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/params.hpp"
#include "net/http_message.hpp"
#include "store/alert_store.hpp"

namespace tw::api {

/// What a handler is given: the request, its checked parameters, the {id} of the path (if
/// the route has one) and the store of the worker thread answering.
struct RouteCall {
  const net::HttpRequest& request;
  const Params& params;
  std::string_view id;
  AlertStore& store;
};

struct Route {
  std::string method;  // GET or POST
  std::string path;    // "/api/alerts/{id}": a {name} segment matches one path segment
  std::string summary;
  std::vector<ParamDecl> params;
  std::string response;  // what a 200 holds
  std::string content_type = "application/json";
  std::string request_body = {};  // a POST's JSON body, described
  std::function<net::HttpResponse(const RouteCall&)> handle;
  // Whether answers depend on the stored alerts and runs alone, so they may be reused while
  // those stay the same (ResponseCache).
  bool cacheable = false;
};

/// Whether `path` fits the route's template; `id` gets the {name} segment's text.
bool route_matches(std::string_view pattern, std::string_view path, std::string& id);

/// The OpenAPI 3.0 document describing `routes`.
std::string openapi_document(const std::vector<Route>& routes);

}  // namespace tw::api
