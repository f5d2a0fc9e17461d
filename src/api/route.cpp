#include "api/route.hpp"

#include "api/json_encode.hpp"
#include "util/format.hpp"
#include "util/json_array.hpp"

namespace tw::api {
namespace {

std::string_view next_segment(std::string_view& path) {
  size_t slash = path.find('/', 1);
  std::string_view segment = path.substr(0, slash);
  path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  return segment;
}

std::string_view openapi_type(ParamType type) {
  return type == ParamType::kInteger ? "integer" : "string";
}

std::string parameter_json(const ParamDecl& decl) {
  JsonObjectWriter schema;
  schema.field("type", openapi_type(decl.type));
  if (decl.type == ParamType::kEnum) schema.raw("enum", json_string_array(decl.values));
  if (decl.type == ParamType::kInteger && decl.min != INT64_MIN) schema.field("minimum", decl.min);
  if (decl.type == ParamType::kInteger && decl.max != INT64_MAX) schema.field("maximum", decl.max);
  if (decl.type == ParamType::kTime) {
    schema.field("description", "ISO-8601 UTC time or integer nanoseconds since the epoch");
  }
  JsonObjectWriter out;
  out.field("name", decl.name).field("in", "query").field("required", decl.required);
  out.field("description", decl.description).raw("schema", std::move(schema).finish());
  if (!decl.example.empty()) out.field("example", decl.example);
  return std::move(out).finish();
}

std::string path_parameter_json(const std::string& path) {
  size_t open = path.find('{');
  if (open == std::string::npos) return {};
  std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
  JsonObjectWriter out;
  out.field("name", name).field("in", "path").field("required", true);
  out.field("description", "The alert's id (16 hex digits)");
  out.raw("schema", R"({"type":"string"})");
  return std::move(out).finish();
}

std::string response_json(std::string_view description, std::string_view content_type) {
  JsonObjectWriter out;
  out.field("description", description);
  std::string content = "{";
  content += json_string(content_type);
  content += ":{}}";
  out.raw("content", content);
  return std::move(out).finish();
}

std::string operation_json(const Route& route) {
  std::vector<std::string> parameters;
  if (std::string p = path_parameter_json(route.path); !p.empty()) parameters.push_back(p);
  for (const ParamDecl& decl : route.params) parameters.push_back(parameter_json(decl));
  JsonObjectWriter responses;
  responses.raw("200", response_json(route.response, route.content_type));
  responses.raw("400",
                response_json("A bad parameter: {\"error\", \"parameter\"}", "application/json"));
  if (route.path.find('{') != std::string::npos) {
    responses.raw("404", response_json("No alert has that id", "application/json"));
  }
  responses.raw("503", response_json("The store failed", "application/json"));
  JsonObjectWriter out;
  out.field("summary", route.summary).raw("parameters", json_array_of(parameters));
  if (!route.request_body.empty()) {
    std::string body = "{\"required\":true,\"description\":";
    body += json_string(route.request_body);
    body += ",\"content\":{\"application/json\":{}}}";
    out.raw("requestBody", body);
  }
  out.raw("responses", std::move(responses).finish());
  return std::move(out).finish();
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

}  // namespace

bool route_matches(std::string_view pattern, std::string_view path, std::string& id) {
  while (!pattern.empty() && !path.empty()) {
    std::string_view want = next_segment(pattern);
    std::string_view got = next_segment(path);
    if (want.size() > 1 && want[1] == '{') {
      if (got.size() < 2) return false;
      id = std::string(got.substr(1));
    } else if (want != got) {
      return false;
    }
  }
  return pattern.empty() && path.empty();
}

std::string openapi_document(const std::vector<Route>& routes) {
  // Routes sharing a path (GET and POST) become one path item.
  std::vector<std::pair<std::string, JsonObjectWriter>> items;
  for (const Route& route : routes) {
    auto item = std::find_if(items.begin(), items.end(),
                             [&](const auto& i) { return i.first == route.path; });
    if (item == items.end()) item = items.insert(items.end(), {route.path, JsonObjectWriter{}});
    item->second.raw(lowercase(route.method), operation_json(route));
  }
  JsonObjectWriter paths;
  for (auto& [path, item] : items) paths.raw(path, std::move(item).finish());
  JsonObjectWriter info;
  info.field("title", "tapewatch").field("version", "0.1.0");
  info.field("description", "Alerts, statistics, bars and runs of a tapewatch alert store");
  JsonObjectWriter out;
  out.field("openapi", "3.0.3").raw("info", std::move(info).finish());
  out.raw("paths", std::move(paths).finish());
  return std::move(out).finish();
}

}  // namespace tw::api
