#include "store/alert_store.hpp"

#include <array>
#include <filesystem>
#include <stdexcept>

#include "store/sqlite_store.hpp"

namespace tw {
namespace {

constexpr std::array<std::string_view, 5> kStatusNames = {"open", "reviewing", "escalated",
                                                          "dismissed", "confirmed"};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The SQLite path a URL names, or nullopt when the URL is not a SQLite one.
std::optional<std::string> sqlite_path(std::string_view url) {
  for (std::string_view prefix : {"sqlite://", "sqlite:"}) {
    if (starts_with(url, prefix)) return std::string(url.substr(prefix.size()));
  }
  bool has_scheme = url.find("://") != std::string_view::npos;
  for (std::string_view suffix : {".db", ".sqlite", ".sqlite3"}) {
    if (!has_scheme && ends_with(url, suffix)) return std::string(url);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(AlertStatus s) {
  return kStatusNames.at(static_cast<size_t>(s));
}

std::optional<AlertStatus> parse_alert_status(std::string_view text) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == text) return static_cast<AlertStatus>(i);
  }
  return std::nullopt;
}

std::unique_ptr<AlertStore> open_store(const std::string& url, StoreOpen mode) {
  if (auto path = sqlite_path(url)) {
    if (path->empty()) throw std::runtime_error("store URL '" + url + "' names no file");
    if (mode == StoreOpen::kExisting && !std::filesystem::exists(*path)) {
      throw std::runtime_error("no alert store at '" + *path +
                               "' (create one with `tapewatch run`)");
    }
    return std::make_unique<SqliteStore>(*path);
  }
  throw std::runtime_error("unsupported store '" + url +
                           "': this build supports sqlite:PATH, sqlite://PATH or a path ending "
                           "in .db, .sqlite or .sqlite3");
}

}  // namespace tw
