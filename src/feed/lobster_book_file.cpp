#include "feed/lobster_book_file.hpp"

#include <fmt/format.h>

#include "feed/byte_source.hpp"
#include "feed/csv_split.hpp"
#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/line_reader.hpp"
#include "feed/validate.hpp"

namespace tw {
namespace {

constexpr int64_t kEmptyAsk = 9'999'999'999;

/// A reference file has no dead letter: a line it cannot take is an error.
class ThrowingSink final : public RejectSink {
 public:
  void reject(const Reject& r) override {
    throw FeedError(fmt::format("{}: line {}: {}", r.source, r.line, r.detail));
  }
};

}  // namespace

struct LobsterBookFile::Reader {
  explicit Reader(const std::string& path)
      : reporter(path, sink), lines(InputBuffer(open_byte_source(path)), reporter) {}

  ThrowingSink sink;
  RejectReporter reporter;
  LineReader lines;
  CsvSplitter splitter;
};

LobsterBookFile::LobsterBookFile(const std::string& path)
    : reader_(std::make_unique<Reader>(path)) {}
LobsterBookFile::~LobsterBookFile() = default;

uint64_t LobsterBookFile::line() const {
  return reader_->lines.line_number();
}

bool LobsterBookFile::next(LobsterBookRow& row) {
  std::string_view text;
  if (!reader_->lines.next(text)) return false;
  auto fail = [&](std::string_view why) {
    throw FeedError(
        fmt::format("{}: line {}: {}: '{}'", reader_->reporter.source(), line(), why, shown(text)));
  };
  CsvSplitter& fields = reader_->splitter;
  if (!fields.split(text) || fields.size() == 0 || fields.size() % 4 != 0) {
    fail("expected 4 fields per level (ask price, ask size, bid price, bid size)");
  }
  row.asks.clear();
  row.bids.clear();
  row.depth = fields.size() / 4;
  for (size_t i = 0; i < fields.size(); i += 4) {
    int64_t values[4];
    for (size_t k = 0; k < 4; ++k) {
      if (!parse_whole_integer(trim_blanks(fields[i + k]), values[k]))
        fail("a field is not an integer");
    }
    auto take = [&](int64_t price, int64_t size, std::vector<LobsterLevel>& side) {
      if (size <= 0 || price <= 0 || price >= kEmptyAsk) return;  // an empty level
      side.push_back({Price::from_ten_thousandths(price), Quantity::from_units(size)});
    };
    take(values[0], values[1], row.asks);
    take(values[2], values[3], row.bids);
  }
  return true;
}

}  // namespace tw
