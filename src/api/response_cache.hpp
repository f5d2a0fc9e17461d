// Answers of the alert statistics kept while the stored alerts and runs stay the same.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "net/http_message.hpp"
#include "store/alert_store.hpp"

namespace tw::api {

/// What the stored alerts and runs are at one moment: any alert write (by this process or
/// another writing the same store) grows last_change_seq, any run record changes the totals.
std::string store_version(AlertStore& store);

/// Responses by request, each valid for the store version it was computed at. Shared by the
/// worker threads. A full cache is emptied: the answers are cheap to recompute once.
class ResponseCache {
 public:
  explicit ResponseCache(size_t max_entries = 1024) : max_entries_(max_entries) {}

  std::optional<net::HttpResponse> find(const std::string& key, const std::string& version);
  void put(const std::string& key, const std::string& version, const net::HttpResponse& response);
  /// A lock per key: the workers asking for the same answer at once compute it once, the
  /// others wait for it instead of loading the store with the same query.
  std::shared_ptr<std::mutex> key_lock(const std::string& key);

 private:
  struct Entry {
    std::string version;
    net::HttpResponse response;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> key_locks_;
  size_t max_entries_;
};

/// The key of a request: its path and its parameters as given.
std::string cache_key(const net::HttpRequest& request);

}  // namespace tw::api
