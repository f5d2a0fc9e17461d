#include "feed/reject.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "util/format.hpp"

namespace tw {

std::string_view to_string(RejectReason r) {
  switch (r) {
    case RejectReason::kMalformedRow:
      return "malformed_row";
    case RejectReason::kMissingField:
      return "missing_field";
    case RejectReason::kBadPrice:
      return "bad_price";
    case RejectReason::kBadQuantity:
      return "bad_quantity";
    case RejectReason::kBadTimestamp:
      return "bad_timestamp";
    case RejectReason::kTimeOutOfRange:
      return "time_out_of_range";
    case RejectReason::kUnknownSide:
      return "unknown_side";
    case RejectReason::kBadField:
      return "bad_field";
    case RejectReason::kTimeBackwards:
      return "time_backwards";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

DeadLetter::DeadLetter(const std::string& path) : path_(path) {
  if (path_.empty()) return;
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) {
    throw std::runtime_error(path_ +
                             ": cannot create the dead-letter file: " + std::strerror(errno));
  }
}

DeadLetter::~DeadLetter() {
  if (file_) std::fclose(file_);
}

void DeadLetter::reject(const Reject& r) {
  ++counts_[static_cast<size_t>(r.reason)];
  if (!file_) return;
  line_.clear();
  line_ += "{\"source\":";
  append_json_string(line_, r.source);
  line_ += ",\"line\":" + std::to_string(r.line) + ",\"reason\":";
  append_json_string(line_, to_string(r.reason));
  line_ += ",\"detail\":";
  append_json_string(line_, r.detail);
  line_ += ",\"raw\":";
  append_json_string(line_, r.raw);
  line_ += "}\n";
  if (std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size()) {
    throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
  }
}

uint64_t DeadLetter::total() const {
  uint64_t n = 0;
  for (uint64_t c : counts_) n += c;
  return n;
}

void DeadLetter::flush() {
  if (file_ && std::fflush(file_) != 0) {
    throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
  }
}

}  // namespace tw
