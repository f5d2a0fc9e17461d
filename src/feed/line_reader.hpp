// Splits a byte stream into lines (LF or CRLF) with 1-based line numbers, without copying.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "feed/input_buffer.hpp"
#include "feed/validate.hpp"

namespace tw {

class LineReader {
 public:
  /// Lines of input.max_record() bytes or more are reported as kMalformedRow and skipped. `rejects`
  /// must outlive this.
  LineReader(InputBuffer input, RejectReporter& rejects);

  /// The next line without its terminator (a trailing '\r' is dropped; a UTF-8 byte order mark
  /// on line 1 too). The view is valid until the next call. False at the end of input.
  bool next(std::string_view& line);
  /// For readers that find a line's end themselves, in the pass that parses it (saving a second
  /// scan): the buffered bytes after the last line, cut to max_record() so that a line ending
  /// in them is never too long. A line found there is taken with take_line; one whose end is
  /// not there is read with next(). Line 1, which may start with a byte order mark, is next()'s.
  std::string_view buffered() const { return input_.data().substr(0, input_.max_record()); }
  /// Takes the next line, found in buffered() as its first `bytes` bytes up to and including
  /// its '\n'.
  void take_line(size_t bytes) {
    input_.consume(bytes);
    ++line_number_;
  }
  /// Number of the line last returned (or rejected).
  uint64_t line_number() const { return line_number_; }
  const InputBuffer& input() const { return input_; }

 private:
  void start_skipping(std::string_view head);
  void report_too_long();

  InputBuffer input_;
  RejectReporter& rejects_;
  uint64_t line_number_ = 0;
  size_t scanned_ = 0;  // bytes of data() already searched for '\n'
  bool skipping_ = false;
  std::string long_line_head_;
};

}  // namespace tw
