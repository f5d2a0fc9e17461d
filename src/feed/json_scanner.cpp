#include "feed/json_scanner.hpp"

namespace tw {
namespace {

constexpr size_t kLongElementSample = 256;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim_json_blanks(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

JsonElementScanner::JsonElementScanner(InputBuffer input, RejectReporter& rejects)
    : input_(std::move(input)), rejects_(rejects) {}

bool JsonElementScanner::next(std::string_view& element) {
  if (!skip_to_element()) return false;
  for (;;) {
    if (size_t length = scan_element()) {
      element = trim_json_blanks(input_.data().substr(0, length));
      input_.consume(length);
      if (!skipping_ && length >= input_.max_record()) {
        long_element_head_.assign(element.substr(0, kLongElementSample));
        skipping_ = true;
      }
      if (!skipping_) return true;
      report_too_long();
      if (!skip_to_element()) return false;
      continue;
    }
    std::string_view pending = input_.data();
    if (skipping_ || pending.size() >= input_.max_record()) {
      if (!skipping_) long_element_head_.assign(pending.substr(0, kLongElementSample));
      skipping_ = true;
      input_.consume(pending.size());
      scanned_ = 0;
    }
    if (input_.fill()) continue;
    // The input ends inside this element.
    if (skipping_) {
      report_too_long();
      return false;
    }
    element = trim_json_blanks(input_.data());
    input_.consume(input_.data().size());
    return !element.empty();
  }
}

bool JsonElementScanner::skip_to_element() {
  for (;;) {
    std::string_view data = input_.data();
    size_t i = 0;
    for (; i < data.size(); ++i) {
      char c = data[i];
      if (c == '\n') {
        ++newlines_;
      } else if (c == '[' && !in_array_) {
        in_array_ = true;
      } else if (c == ']' && in_array_) {
        in_array_ = false;
      } else if (c == ',' && in_array_) {
        continue;
      } else if (!is_blank(c)) {
        break;
      }
    }
    input_.consume(i);
    if (i < data.size()) break;
    if (!input_.fill()) return false;
  }
  element_in_array_ = in_array_;
  element_line_ = newlines_ + 1;
  ++elements_;
  scanned_ = 0;
  depth_ = 0;
  in_string_ = false;
  escaped_ = false;
  return true;
}

size_t JsonElementScanner::scan_element() {
  std::string_view data = input_.data();
  for (size_t i = scanned_; i < data.size(); ++i) {
    char c = data[i];
    if (c == '\n') {
      if (!in_array_) return i;  // JSON lines: the line is the element
      ++newlines_;
    } else if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
    } else if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (depth_ > 0 && --depth_ == 0) return i + 1;
      if (depth_ == 0 && c == ']' && in_array_) return i;  // a bare value ends the array
    } else if (c == ',' && depth_ == 0 && in_array_) {
      return i;
    }
  }
  scanned_ = data.size();
  return 0;
}

void JsonElementScanner::report_too_long() {
  skipping_ = false;
  std::string detail = "JSON element is longer than " + std::to_string(input_.max_record()) +
                       " bytes (raw holds its first " + std::to_string(long_element_head_.size()) +
                       " bytes)";
  rejects_.report(position(), long_element_head_, RejectReason::kMalformedRow, detail);
}

}  // namespace tw
