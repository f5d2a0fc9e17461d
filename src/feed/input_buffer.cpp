#include "feed/input_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace tw {

InputBuffer::InputBuffer(std::unique_ptr<ByteSource> source, size_t max_record)
    : source_(std::move(source)),
      max_record_(max_record),
      capacity_(max_record + kReadChunkBytes),
      storage_(std::make_unique_for_overwrite<char[]>(capacity_)) {}

bool InputBuffer::fill() {
  if (at_end_ || end_ - begin_ >= max_record_) return false;
  if (begin_ > 0) {
    std::memmove(storage_.get(), storage_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  size_t want = std::min(kReadChunkBytes, capacity_ - end_);
  size_t got = source_->read(storage_.get() + end_, want);
  if (got == 0) {
    at_end_ = true;
    return false;
  }
  end_ += got;
  return true;
}

std::string_view InputBuffer::peek(size_t n) {
  while (end_ - begin_ < n && fill()) {
  }
  return data();
}

}  // namespace tw
