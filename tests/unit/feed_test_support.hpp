// Test helpers for the feed readers: temp files (plain, gzip, zip) and a recording reject sink.
#pragma once

#include <gtest/gtest.h>
#include <zip.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "feed/feed.hpp"
#include "feed/reject.hpp"
#include "temp_dir.hpp"

namespace tw::test {

/// A temporary directory that can also write gzip and zip files.
class TempDir : public tw::testing::TempDir {
 public:
  std::string write_gz(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    gzFile gz = gzopen(p.c_str(), "wb");
    if (!gz || gzwrite(gz, content.data(), static_cast<unsigned>(content.size())) !=
                   static_cast<int>(content.size())) {
      throw std::runtime_error("gzwrite failed");
    }
    gzclose(gz);
    return p;
  }

  std::string write_zip(const std::string& name, const std::string& entry,
                        const std::string& content) const {
    std::string p = file(name);
    int error = 0;
    zip_t* archive = zip_open(p.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!archive) throw std::runtime_error("zip_open failed");
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (!source || zip_file_add(archive, entry.c_str(), source, ZIP_FL_OVERWRITE) < 0 ||
        zip_close(archive) != 0) {
      throw std::runtime_error("writing the zip failed");
    }
    return p;
  }
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Keeps a copy of every reject.
class RecordingSink final : public RejectSink {
 public:
  struct Record {
    std::string source;
    uint64_t line;
    std::string raw;
    RejectReason reason;
    std::string detail;
  };
  void reject(const Reject& r) override {
    records.push_back(
        {std::string(r.source), r.line, std::string(r.raw), r.reason, std::string(r.detail)});
  }
  std::vector<Record> records;
};

/// Every event of a feed.
inline std::vector<Event> read_all(Feed& feed) {
  std::vector<Event> events;
  Event e;
  while (feed.next(e)) events.push_back(e);
  return events;
}

/// Everything one read of a file produced.
struct FeedRun {
  Universe universe;
  RecordingSink sink;
  std::vector<Event> events;
  uint64_t bytes_read = 0;
  uint64_t bytes_total = 0;
};

/// Reads a whole file through open_feed with the given options.
inline void read_file(FeedRun& run, const std::string& path, FeedOptions options = {}) {
  auto feed = open_feed(path, options, run.universe, run.sink);
  run.events = read_all(*feed);
  run.bytes_read = feed->bytes_read();
  run.bytes_total = feed->bytes_total();
}

/// The FeedError message of reading `path` to its end; a test failure when there is none.
inline std::string feed_error(const std::string& path, FeedOptions options = {}) {
  Universe universe;
  RecordingSink sink;
  try {
    auto feed = open_feed(path, options, universe, sink);
    read_all(*feed);
  } catch (const FeedError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no FeedError for " << path;
  return {};
}

inline std::string shared_data(const std::string& relative) {
  return std::string(TAPEWATCH_SHARED_DATA) + "/" + relative;
}

inline bool shared_data_present(const std::string& relative) {
  return std::filesystem::exists(shared_data(relative));
}

}  // namespace tw::test
