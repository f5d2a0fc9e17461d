// An encoder of ITCH 5.0 messages in the BinaryFILE layout (the generator's, the tests').
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tw::sim {

/// Writes ITCH 5.0 messages in the BinaryFILE layout, field by field, big-endian, appending
/// each finished message (its length prefix, then its bytes) to a string: its own, or one the
/// caller owns and flushes (a file's buffer).
class ItchWriter {
 public:
  ItchWriter() : out_(&own_) {}
  explicit ItchWriter(std::string& out) : out_(&out) {}
  ItchWriter(const ItchWriter&) = delete;
  ItchWriter& operator=(const ItchWriter&) = delete;

  /// Starts a message: type, stock locate, tracking number 0, time (ns after midnight).
  ItchWriter& begin(char type, uint16_t locate, uint64_t nanos) {
    size_ = 0;
    letter(type);
    return number(locate, 2).number(0, 2).number(nanos, 6);
  }
  ItchWriter& number(uint64_t v, size_t bytes) {
    for (size_t i = bytes; i-- > 0;) put(static_cast<char>((v >> (8 * i)) & 0xff));
    return *this;
  }
  ItchWriter& alpha(std::string_view text, size_t width) {
    for (size_t i = 0; i < width; ++i) put(i < text.size() ? text[i] : ' ');
    return *this;
  }
  ItchWriter& letter(char c) {
    put(c);
    return *this;
  }
  /// Ends the message: its length prefix, then its bytes.
  ItchWriter& end() {
    out_->push_back(static_cast<char>(size_ >> 8));
    out_->push_back(static_cast<char>(size_ & 0xff));
    out_->append(message_, size_);
    return *this;
  }
  const std::string& bytes() const { return *out_; }

 private:
  // The longest message of the specification is 50 bytes; longer ones (tests of bad lengths)
  // are cut here, which no caller writes.
  static constexpr size_t kMaxMessage = 256;
  void put(char c) {
    if (size_ < kMaxMessage) message_[size_++] = c;
  }

  char message_[kMaxMessage];
  size_t size_ = 0;
  std::string own_;
  std::string* out_;
};

/// S: a system event ('O' start of messages, 'Q' start of market hours, 'M' end of market
/// hours, 'C' end of messages, ...).
inline void write_system_event(ItchWriter& w, uint64_t nanos, char code) {
  w.begin('S', 0, nanos).letter(code).end();
}

/// R: the stock directory entry that names stock locate `locate` (a NASDAQ Global Select
/// common stock traded in round lots of 100): the reader maps the locate to `name` by it.
inline void write_stock_directory(ItchWriter& w, uint16_t locate, uint64_t nanos,
                                  std::string_view name) {
  w.begin('R', locate, nanos).alpha(name, 8).letter('Q').letter('N').number(100, 4);
  w.letter('N').letter('C').alpha("Z", 2).letter('P').letter('N').letter(' ').letter('1');
  w.letter('N').number(0, 4).letter('N').end();
}

/// H 'T': the stock trades.
inline void write_trading_status(ItchWriter& w, uint16_t locate, uint64_t nanos,
                                 std::string_view name) {
  w.begin('H', locate, nanos).alpha(name, 8).letter('T').letter(' ').alpha("", 4).end();
}

}  // namespace tw::sim
