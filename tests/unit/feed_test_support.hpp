// Test helpers for the feed readers: temp files (plain, gzip, zip) and a recording reject sink.
#pragma once

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

namespace tw::test {

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tw_feed_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

  std::string write(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

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

 private:
  std::filesystem::path path_;
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

inline std::string shared_data(const std::string& relative) {
  return std::string(TAPEWATCH_SHARED_DATA) + "/" + relative;
}

inline bool shared_data_present(const std::string& relative) {
  return std::filesystem::exists(shared_data(relative));
}

}  // namespace tw::test
