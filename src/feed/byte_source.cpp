#include "feed/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "feed/feed.hpp"

namespace tw {
namespace {

constexpr size_t kCompressedChunk = size_t{1} << 20;

bool ends_with_ignore_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(),
                    text.end() - static_cast<ptrdiff_t>(suffix.size()), [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

[[noreturn]] void fail(const std::string& path, std::string_view what) {
  throw FeedError(path + ": " + std::string(what));
}

[[noreturn]] void fail_errno(const std::string& path, std::string_view what) {
  fail(path, std::string(what) + ": " + std::strerror(errno));
}

// An open file descriptor, closed on destruction.
class File {
 public:
  explicit File(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail_errno(path, "cannot open");
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail_errno(path, "cannot stat");
    if (S_ISDIR(st.st_mode)) fail(path, "is a directory, not a file");
    size_ = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  size_t read(char* buffer, size_t size) {
    for (;;) {
      ssize_t n = ::read(fd_, buffer, size);
      if (n >= 0) {
        consumed_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) fail_errno(path_, "read failed");
    }
  }
  /// Reads up to `size` bytes from the start without moving the file position.
  size_t peek(char* buffer, size_t size) const {
    ssize_t n = ::pread(fd_, buffer, size, 0);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }
  uint64_t size() const { return size_; }
  uint64_t consumed() const { return consumed_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t consumed_ = 0;
};

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(const std::string& path) : ByteSource(path, path), file_(path) {}
  size_t read(char* buffer, size_t size) override { return file_.read(buffer, size); }
  uint64_t bytes_read() const override { return file_.consumed(); }
  uint64_t bytes_total() const override { return file_.size(); }

 private:
  File file_;
};

std::string strip_gz_suffix(const std::string& path) {
  return ends_with_ignore_case(path, ".gz") ? path.substr(0, path.size() - 3) : path;
}

// Inflates gzip members one after another (concatenated gzip files are legal).
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(const std::string& path)
      : ByteSource(path, strip_gz_suffix(path)), file_(path), input_(kCompressedChunk) {
    constexpr int kGzipOnly = 16 + MAX_WBITS;
    if (inflateInit2(&stream_, kGzipOnly) != Z_OK) fail(path, "cannot start gzip decoder");
  }
  ~GzipSource() override { inflateEnd(&stream_); }

  size_t read(char* buffer, size_t size) override {
    stream_.next_out = reinterpret_cast<Bytef*>(buffer);
    stream_.avail_out = static_cast<uInt>(size);
    while (stream_.avail_out == size && !finished_) {
      if (stream_.avail_in == 0 && !refill()) break;
      int rc = inflate(&stream_, Z_NO_FLUSH);
      in_member_ = true;
      if (rc == Z_STREAM_END) {
        inflateReset(&stream_);
        in_member_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        fail(path(), std::string("corrupt gzip data: ") +
                         (stream_.msg ? stream_.msg : "error " + std::to_string(rc)));
      }
    }
    return size - stream_.avail_out;
  }
  uint64_t bytes_read() const override { return file_.consumed() - stream_.avail_in; }
  uint64_t bytes_total() const override { return file_.size(); }

 private:
  // Reads the next compressed chunk; false at a clean end between members.
  bool refill() {
    size_t n = file_.read(input_.data(), input_.size());
    if (n == 0) {
      if (in_member_) {
        fail(path(), "truncated gzip data: the file ends inside a compressed stream at byte " +
                         std::to_string(file_.consumed()));
      }
      finished_ = true;
      return false;
    }
    stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
    stream_.avail_in = static_cast<uInt>(n);
    return true;
  }

  File file_;
  std::vector<char> input_;
  z_stream stream_{};
  bool in_member_ = false;
  bool finished_ = false;
};

std::string zip_error_text(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

// Streams one entry of a zip archive: the first ".csv" entry, or the only entry.
class ZipSource final : public ByteSource {
 public:
  static std::unique_ptr<ZipSource> open(const std::string& path) {
    { File probe(path); }  // same missing/unreadable messages as plain files
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (!archive) fail(path, "not a readable zip archive: " + zip_error_text(code));
    zip_int64_t index = pick_entry(archive);
    if (index < 0) {
      zip_discard(archive);
      fail(path, "zip archive holds no .csv entry (and not exactly one file)");
    }
    zip_stat_t st;
    zip_stat_init(&st);
    zip_file_t* entry = nullptr;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &st) != 0 ||
        !(entry = zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0))) {
      std::string why = zip_strerror(archive);
      zip_discard(archive);
      fail(path, "cannot open the zip entry: " + why);
    }
    return std::unique_ptr<ZipSource>(new ZipSource(path, archive, entry, st));
  }
  ~ZipSource() override {
    zip_fclose(entry_);
    zip_discard(archive_);
  }

  size_t read(char* buffer, size_t size) override {
    zip_int64_t n = zip_fread(entry_, buffer, size);
    if (n < 0)
      fail(path(), "corrupt zip entry '" + content_name() + "': " + zip_file_strerror(entry_));
    produced_ += static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }
  // Progress in compressed bytes, estimated from the share of the entry already inflated.
  uint64_t bytes_read() const override {
    if (uncompressed_size_ == 0) return 0;
    double share = static_cast<double>(std::min(produced_, uncompressed_size_)) /
                   static_cast<double>(uncompressed_size_);
    return static_cast<uint64_t>(share * static_cast<double>(compressed_size_));
  }
  uint64_t bytes_total() const override { return compressed_size_; }

 private:
  ZipSource(const std::string& path, zip_t* archive, zip_file_t* entry, const zip_stat_t& st)
      : ByteSource(path, st.name ? st.name : path),
        archive_(archive),
        entry_(entry),
        compressed_size_((st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0),
        uncompressed_size_((st.valid & ZIP_STAT_SIZE) ? st.size : 0) {}

  static zip_int64_t pick_entry(zip_t* archive) {
    zip_int64_t count = zip_get_num_entries(archive, 0);
    zip_int64_t only_file = -1;
    int files = 0;
    for (zip_int64_t i = 0; i < count; ++i) {
      const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
      if (!name) continue;
      std::string_view entry_name(name);
      if (ends_with_ignore_case(entry_name, ".csv")) return i;
      if (!entry_name.empty() && entry_name.back() != '/') {
        only_file = i;
        ++files;
      }
    }
    return files == 1 ? only_file : -1;
  }

  zip_t* archive_;
  zip_file_t* entry_;
  uint64_t compressed_size_;
  uint64_t uncompressed_size_;
  uint64_t produced_ = 0;
};

enum class Container { kPlain, kGzip, kZip };

Container container_of(const std::string& path) {
  if (ends_with_ignore_case(path, ".gz")) return Container::kGzip;
  if (ends_with_ignore_case(path, ".zip")) return Container::kZip;
  File file(path);
  unsigned char magic[4] = {};
  size_t n = file.peek(reinterpret_cast<char*>(magic), sizeof magic);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Container::kGzip;
  if (n == 4 && std::memcmp(magic, "PK\3\4", 4) == 0) return Container::kZip;
  return Container::kPlain;
}

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::string& path) {
  switch (container_of(path)) {
    case Container::kGzip:
      return std::make_unique<GzipSource>(path);
    case Container::kZip:
      return ZipSource::open(path);
    case Container::kPlain:
      break;
  }
  return std::make_unique<PlainSource>(path);
}

}  // namespace tw
