// An HTTP request and response as the handlers see them, independent of the network library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tw::net {

/// A query string's parameters in the order given, percent-decoded.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query
  QueryParams query;
  std::string body;
  std::string last_event_id;  // the Last-Event-ID header of a reconnecting stream
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Set by the router: the route template ("/api/alerts/{id}") the metrics count it under.
  std::string route;
  // Set for a server-sent event stream: the body goes first, then the hub's events after this.
  std::optional<uint64_t> stream_cursor;
};

/// A JSON response with `status`.
HttpResponse json_response(int status, std::string body);

/// Splits "a=1&b=x%20y" into decoded pairs ('+' is a space); nullopt on a bad %-escape.
std::optional<QueryParams> parse_query(std::string_view query);
/// Decodes %XX escapes (and '+' as a space when `plus_is_space`); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace tw::net
