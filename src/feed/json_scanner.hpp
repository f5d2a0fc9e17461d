// Splits a JSON stream (JSON lines, an array, or several arrays) into top-level elements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "feed/input_buffer.hpp"
#include "feed/validate.hpp"

namespace tw {

/// Finds element boundaries by tracking strings and nesting only, so memory stays bounded by
/// the largest element: a huge array is never held whole. Outside an array every line is one
/// element (JSON lines); inside an array elements are split at top-level commas and may span
/// lines. An element over the record cap is rejected (kMalformedRow) and skipped.
class JsonElementScanner {
 public:
  JsonElementScanner(InputBuffer input, RejectReporter& rejects);

  /// The next element's text, valid until the next call; false at the end of input. A stream
  /// that ends inside an element yields the partial element (for the caller to reject).
  bool next(std::string_view& element);
  /// Where the last element is: its 1-based index among array elements, or its line number for
  /// JSON lines.
  uint64_t position() const { return element_in_array_ ? elements_ : element_line_; }
  const InputBuffer& input() const { return input_; }

 private:
  bool skip_to_element();
  // Scans on from scanned_; returns the element's length once it is complete, else 0.
  size_t scan_element();
  void report_too_long();

  InputBuffer input_;
  RejectReporter& rejects_;
  uint64_t newlines_ = 0;
  uint64_t elements_ = 0;
  uint64_t element_line_ = 0;
  bool element_in_array_ = false;
  bool in_array_ = false;
  // Scan state of the element being read.
  size_t scanned_ = 0;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool skipping_ = false;
  std::string long_element_head_;
};

}  // namespace tw
