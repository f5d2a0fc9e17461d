#include "net/static_files.hpp"

#include <fstream>
#include <sstream>
#include <utility>

#include "util/format.hpp"

namespace tw::net {
namespace {

HttpResponse not_found(std::string_view path) {
  HttpResponse response =
      json_response(404, "{\"error\":" + json_string("no such file: " + std::string(path)) + "}");
  response.route = "static";
  return response;
}

// The path below the root a request names, or nullopt if any segment climbs out or hides.
std::optional<std::filesystem::path> relative_path(std::string_view path) {
  std::filesystem::path relative;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == ".." || segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos) {
      return std::nullopt;
    }
    relative /= std::string(segment);
  }
  if (relative.empty()) relative = "index.html";
  return relative;
}

bool is_inside(const std::filesystem::path& file, const std::filesystem::path& root) {
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  return root_end == root.end();
}

}  // namespace

std::string_view content_type_for(const std::filesystem::path& file) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  std::string extension = file.extension().string();
  for (const auto& [ext, type] : kTypes) {
    if (ext == extension) return type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::filesystem::path root) : given_root_(std::move(root)) {
  std::error_code error;
  if (std::filesystem::is_directory(given_root_, error)) {
    root_ = std::filesystem::canonical(given_root_, error);
    if (error) root_.reset();
  }
}

std::string StaticFiles::root_text() const {
  return given_root_.string();
}

HttpResponse StaticFiles::serve(std::string_view path) const {
  if (!root_) {
    HttpResponse response;
    response.status = path == "/" ? 200 : 404;
    response.route = "static";
    response.content_type = "text/plain; charset=utf-8";
    response.body = "The dashboard is not built: no folder " + given_root_.string() +
                    ".\nBuild it with `ninja -C build web` (or pass --web-root DIR); the API "
                    "works without it: /api/openapi.json lists every route.\n";
    return response;
  }
  auto relative = relative_path(path);
  if (!relative) return not_found(path);
  std::error_code error;
  std::filesystem::path file = std::filesystem::canonical(*root_ / *relative, error);
  if (error || !is_inside(file, *root_) || !std::filesystem::is_regular_file(file, error)) {
    return not_found(path);
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  HttpResponse response;
  response.route = "static";
  response.content_type = std::string(content_type_for(file));
  response.body = std::move(bytes).str();
  return response;
}

}  // namespace tw::net
