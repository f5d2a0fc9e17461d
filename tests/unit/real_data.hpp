// Test helper: files of ../shared/data read through the project's own readers.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "feed/feed.hpp"

namespace tw::testing {

/// Path of a file under ../shared/data; empty when the folder is absent (tests then skip).
inline std::string shared_file(const std::string& relative) {
  std::string path = std::string(TAPEWATCH_SHARED_DATA) + "/" + relative;
  return std::filesystem::exists(path) ? path : std::string();
}

/// Every event of `path` as `tapewatch run` reads it; throws when any record is rejected.
inline std::vector<Event> load_events(const std::string& path, Universe& universe,
                                      const FeedOptions& options = {}) {
  DeadLetter rejects;
  auto feed = open_feed(path, options, universe, rejects);
  std::vector<Event> events;
  Event e;
  while (feed->next(e)) events.push_back(e);
  if (rejects.total() != 0) throw std::runtime_error(path + ": records were rejected");
  return events;
}

/// One column of a headed CSV file without quoted fields (the data rows, in order): for
/// ground-truth columns that the readers do not keep, such as seed1's event_type.
inline std::vector<std::string> csv_column(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  size_t index = 0;
  for (size_t pos = 0;; ++index) {
    size_t comma = line.find(',', pos);
    if (line.substr(pos, comma - pos) == name) break;
    if (comma == std::string::npos) throw std::runtime_error(path + ": no column " + name);
    pos = comma + 1;
  }
  std::vector<std::string> values;
  while (std::getline(in, line)) {
    size_t pos = 0;
    for (size_t i = 0; i < index; ++i) pos = line.find(',', pos) + 1;
    values.push_back(line.substr(pos, line.find(',', pos) - pos));
  }
  return values;
}

}  // namespace tw::testing
