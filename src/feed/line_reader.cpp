#include "feed/line_reader.hpp"

#include <cstring>

namespace tw {
namespace {

// How much of an over-long line is kept in its reject record.
constexpr size_t kLongLineSample = 256;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Drops the '\r' of CRLF, and the byte order mark some tools write before line 1.
std::string_view clean_line(std::string_view line, uint64_t number) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (number == 1 && line.starts_with(kUtf8Bom)) line.remove_prefix(kUtf8Bom.size());
  return line;
}

}  // namespace

LineReader::LineReader(InputBuffer input, RejectReporter& rejects)
    : input_(std::move(input)), rejects_(rejects) {}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    std::string_view data = input_.data();
    const void* newline = scanned_ < data.size()
                              ? std::memchr(data.data() + scanned_, '\n', data.size() - scanned_)
                              : nullptr;
    if (newline) {
      size_t length = static_cast<size_t>(static_cast<const char*>(newline) - data.data());
      input_.consume(length + 1);
      scanned_ = 0;
      ++line_number_;
      if (!skipping_ && length >= input_.max_record()) start_skipping(data);
      if (skipping_) {
        report_too_long();
        continue;
      }
      line = clean_line(data.substr(0, length), line_number_);
      return true;
    }
    scanned_ = data.size();
    if (skipping_ || data.size() >= input_.max_record()) {
      if (!skipping_) start_skipping(data);
      input_.consume(data.size());
      scanned_ = 0;
    }
    if (input_.fill()) continue;
    // End of input: what is left is a last line without a newline.
    data = input_.data();
    if (data.empty() && !skipping_) return false;
    if (skipping_) {
      input_.consume(data.size());
      ++line_number_;
      report_too_long();
      return false;
    }
    input_.consume(data.size());
    scanned_ = 0;
    ++line_number_;
    line = clean_line(data, line_number_);
    return true;
  }
}

void LineReader::start_skipping(std::string_view head) {
  skipping_ = true;
  long_line_head_.assign(head.substr(0, kLongLineSample));
}

void LineReader::report_too_long() {
  skipping_ = false;
  std::string detail = "line is longer than " + std::to_string(input_.max_record()) +
                       " bytes (raw holds its first " + std::to_string(long_line_head_.size()) +
                       " bytes)";
  rejects_.report(line_number_, long_line_head_, RejectReason::kMalformedRow, detail);
}

}  // namespace tw
