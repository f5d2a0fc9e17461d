// Streams the bytes of an input file: plain, gzip, or the first CSV entry of a zip archive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tw {

/// A forward-only stream of decompressed bytes. Read errors throw FeedError naming the file.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Copies up to `size` bytes into `buffer`; returns 0 only at the end of the input.
  virtual size_t read(char* buffer, size_t size) = 0;
  /// Bytes of the file consumed so far (compressed bytes for compressed files).
  virtual uint64_t bytes_read() const = 0;
  /// Size of the file (compressed), 0 when unknown.
  virtual uint64_t bytes_total() const = 0;
  /// The path as given, used in messages.
  const std::string& path() const { return path_; }
  /// The name of the content: the zip entry, the path without ".gz", or the path.
  const std::string& content_name() const { return content_name_; }

 protected:
  ByteSource(std::string path, std::string content_name)
      : path_(std::move(path)), content_name_(std::move(content_name)) {}

 private:
  std::string path_;
  std::string content_name_;
};

/// Opens `path`, choosing gzip or zip by its extension or, failing that, its magic bytes.
/// Throws FeedError naming the file when it is missing, unreadable or not a valid archive.
std::unique_ptr<ByteSource> open_byte_source(const std::string& path);

}  // namespace tw
