// An AlertSink that writes each alert as one JSON line to a file (or stdout) as it arrives.
#pragma once

#include <cstdint>
#include <string>

#include "model/alert.hpp"
#include "sink/output_file.hpp"

namespace tw {

/// Lines have the append_alert_json() layout. Output is buffered: flush() makes it visible,
/// close() reports any write failure.
class JsonlAlertSink final : public AlertSink {
 public:
  /// "-" writes to stdout. Throws std::runtime_error when the file cannot be created.
  explicit JsonlAlertSink(const std::string& path);

  void emit(Alert&& alert) override;
  void flush() { file_.flush(); }
  void close() { file_.close(); }
  uint64_t count() const { return count_; }
  const std::string& path() const { return file_.path(); }

 private:
  OutputFile file_;
  std::string line_;
  uint64_t count_ = 0;
};

}  // namespace tw
