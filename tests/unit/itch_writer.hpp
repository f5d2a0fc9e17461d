// Test and benchmark helper: writes ITCH 5.0 messages in the BinaryFILE layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tw::testing {

/// Writes ITCH 5.0 messages in the BinaryFILE layout, field by field, big-endian.
class ItchWriter {
 public:
  /// Starts a message: type, stock locate, tracking number 0, time (ns after midnight).
  ItchWriter& begin(char type, uint16_t locate, uint64_t nanos) {
    message_.clear();
    message_ += type;
    number(locate, 2).number(0, 2).number(nanos, 6);
    return *this;
  }
  ItchWriter& number(uint64_t v, size_t bytes) {
    for (size_t i = bytes; i-- > 0;) message_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  ItchWriter& alpha(std::string_view text, size_t width) {
    std::string field(text.substr(0, width));
    field.resize(width, ' ');
    message_ += field;
    return *this;
  }
  ItchWriter& letter(char c) {
    message_ += c;
    return *this;
  }
  /// Ends the message: its length prefix, then its bytes.
  ItchWriter& end() {
    bytes_ += static_cast<char>(message_.size() >> 8);
    bytes_ += static_cast<char>(message_.size() & 0xff);
    bytes_ += message_;
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string message_;
  std::string bytes_;
};

}  // namespace tw::testing
