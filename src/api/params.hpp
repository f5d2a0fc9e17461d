// Query parameters of the REST API: declarations (for the router and OpenAPI) and parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/timestamp.hpp"
#include "net/http_message.hpp"
#include "store/alert_store.hpp"

namespace tw::api {

/// A bad request naming the parameter (or body field) at fault: answered with 400.
class ParamError : public std::invalid_argument {
 public:
  ParamError(std::string parameter, const std::string& message)
      : std::invalid_argument(message), parameter_(std::move(parameter)) {}
  const std::string& parameter() const { return parameter_; }

 private:
  std::string parameter_;
};

enum class ParamType { kString, kInteger, kTime, kEnum };

/// One query parameter a route accepts.
struct ParamDecl {
  std::string name;
  ParamType type = ParamType::kString;
  std::string description;
  std::vector<std::string> values = {};  // the allowed values of an enum
  std::string example = {};              // a valid value (OpenAPI, and the tests send it)
  int64_t min = INT64_MIN;               // inclusive bounds of an integer
  int64_t max = INT64_MAX;
  bool required = false;
};

/// The filters every alert route shares (docs/API.md, "Alert filters").
const std::vector<ParamDecl>& alert_filter_params();

/// A request's query checked against what its route declares: an unknown, repeated or
/// ill-typed parameter throws ParamError naming it. An empty value counts as not given.
class Params {
 public:
  Params(const net::QueryParams& query, const std::vector<ParamDecl>& declared);

  std::optional<std::string> text(std::string_view name) const;
  std::optional<int64_t> integer(std::string_view name) const;
  std::optional<Timestamp> time(std::string_view name) const;
  /// The value, or `fallback` when not given.
  std::string text_or(std::string_view name, std::string_view fallback) const;
  int64_t integer_or(std::string_view name, int64_t fallback) const;

 private:
  const std::string* find(std::string_view name) const;
  net::QueryParams given_;
};

/// A time in either form the API takes: ISO-8601 or integer nanoseconds since the epoch.
std::optional<Timestamp> parse_time_param(std::string_view text);

/// The AlertQuery the shared filters select (sort and paging left at their defaults).
AlertQuery alert_query_of(const Params& params);

}  // namespace tw::api
