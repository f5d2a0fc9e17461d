// Rejected input records: why they were refused, and where they go (dead-letter JSONL).
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace tw {

enum class RejectReason : uint8_t {
  kMalformedRow,    // wrong number of fields, bad quoting, line too long
  kMissingField,    // a required field is empty
  kBadPrice,        // not a decimal, or <= 0
  kBadQuantity,     // not a decimal, or <= 0
  kBadTimestamp,    // not parseable
  kTimeOutOfRange,  // parseable but outside 1990..2100
  kUnknownSide,     // side not BUY/SELL (or the format's spelling)
  kBadField,        // any other field that does not parse (ids, flags)
  kTimeBackwards,   // earlier than the reorder window allows
  kCount
};
inline constexpr size_t kRejectReasonCount = static_cast<size_t>(RejectReason::kCount);
std::string_view to_string(RejectReason r);

/// One refused record. Views are valid only during the RejectSink call.
struct Reject {
  std::string_view source;  // file name or stream
  uint64_t line = 0;        // 1-based line (text) or record number (binary)
  std::string_view raw;     // the record as read
  RejectReason reason = RejectReason::kMalformedRow;
  std::string_view detail;  // e.g. "price '-3' is not > 0"
};

class RejectSink {
 public:
  virtual ~RejectSink() = default;
  virtual void reject(const Reject& r) = 0;
};

/// Counts rejects by reason; optionally writes each as one JSON line to a dead-letter file.
class DeadLetter final : public RejectSink {
 public:
  /// `path` empty: count only. Throws std::runtime_error when the file cannot be created.
  explicit DeadLetter(const std::string& path = {});
  ~DeadLetter() override;
  DeadLetter(const DeadLetter&) = delete;
  DeadLetter& operator=(const DeadLetter&) = delete;

  void reject(const Reject& r) override;
  uint64_t count(RejectReason r) const { return counts_[static_cast<size_t>(r)]; }
  uint64_t total() const;
  const std::string& path() const { return path_; }
  void flush();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string line_;
  std::array<uint64_t, kRejectReasonCount> counts_{};
};

}  // namespace tw
