#include "api/response_cache.hpp"

#include <fmt/format.h>

namespace tw::api {

std::string store_version(AlertStore& store) {
  RunTotals runs = store.run_totals();
  return fmt::format("{}/{}/{}/{}/{}", store.last_change_seq(), runs.runs, runs.events,
                     runs.rejects, runs.alerts);
}

std::optional<net::HttpResponse> ResponseCache::find(const std::string& key,
                                                     const std::string& version) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.version != version) return std::nullopt;
  return it->second.response;
}

void ResponseCache::put(const std::string& key, const std::string& version,
                        const net::HttpResponse& response) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) {
    entries_.clear();
    std::erase_if(key_locks_, [](const auto& item) { return item.second.use_count() == 1; });
  }
  entries_.insert_or_assign(key, Entry{version, response});
}

std::shared_ptr<std::mutex> ResponseCache::key_lock(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto& key_mutex = key_locks_[key];
  if (!key_mutex) key_mutex = std::make_shared<std::mutex>();
  return key_mutex;
}

std::string cache_key(const net::HttpRequest& request) {
  std::string key = request.path;
  for (const auto& [name, value] : request.query) {
    key += '\n';
    key += name;
    key += '=';
    key += value;
  }
  return key;
}

}  // namespace tw::api
