// A reusable window over a ByteSource: readers look at buffered bytes and consume what they used.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "feed/byte_source.hpp"

namespace tw {

/// Records (lines, JSON elements) of this size or more are rejected and skipped.
inline constexpr size_t kMaxRecordBytes = size_t{1} << 20;
/// How much is read from the source at a time.
inline constexpr size_t kReadChunkBytes = size_t{1} << 20;

/// Holds at most max_record + one read chunk of bytes, allocated once: memory stays constant
/// however long the input is.
class InputBuffer {
 public:
  explicit InputBuffer(std::unique_ptr<ByteSource> source, size_t max_record = kMaxRecordBytes);

  /// The buffered bytes not consumed yet.
  std::string_view data() const { return {storage_.get() + begin_, end_ - begin_}; }
  void consume(size_t n) { begin_ += n; }
  /// Appends the next chunk of input after data(); false at the end of input or when data()
  /// already holds max_record() bytes (check data().size() to tell which).
  bool fill();
  /// Fills until data() holds at least `n` bytes or the input ends; returns data().
  std::string_view peek(size_t n);

  size_t max_record() const { return max_record_; }
  const ByteSource& source() const { return *source_; }

 private:
  std::unique_ptr<ByteSource> source_;
  size_t max_record_;
  size_t capacity_;
  std::unique_ptr<char[]> storage_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool at_end_ = false;
};

}  // namespace tw
