// Serves the dashboard's built files from one folder, refusing any path that leaves it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "net/http_message.hpp"

namespace tw::net {

/// The Content-Type of a file by its extension (application/octet-stream when unknown).
std::string_view content_type_for(const std::filesystem::path& file);

class StaticFiles {
 public:
  /// `root` need not exist: then every request is answered with how to build the dashboard.
  explicit StaticFiles(std::filesystem::path root);

  /// The file a GET of `path` names ("/" is index.html): 200 with its bytes, 404 when it does
  /// not exist or would lie outside the root ("..", symlinks out), with a JSON error.
  HttpResponse serve(std::string_view path) const;
  bool available() const { return root_.has_value(); }
  std::string root_text() const;

 private:
  std::optional<std::filesystem::path> root_;  // canonical; nullopt when missing
  std::filesystem::path given_root_;
};

}  // namespace tw::net
