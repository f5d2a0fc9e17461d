// Reads LOBSTER message files: NASDAQ order flow of one ticker and day, one message a row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feed/csv_split.hpp"
#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/line_reader.hpp"
#include "feed/validate.hpp"

namespace tw {

/// What a LOBSTER file name tells: TICKER_YYYY-MM-DD_START_END_KIND_LEVEL.csv, START and END
/// in milliseconds after midnight, KIND "message" or "orderbook", LEVEL the book depth.
struct LobsterFileName {
  std::string ticker;
  int64_t year = 0;
  unsigned month = 0, day = 0;
  int64_t start_ms = 0, end_ms = 0;
  std::string kind;
  unsigned level = 0;
};

/// The parts of a LOBSTER file name (any directory; extension .csv, optionally .gz), or nothing
/// when the name is not one.
std::optional<LobsterFileName> parse_lobster_file_name(std::string_view path);

/// Rows: time (seconds after midnight, New York time, up to 9 decimals), type, order id, size
/// (shares), price (dollars x 10000), direction (1 buy, -1 sell: the side of the resting
/// order). The ticker and date come from the file name. Types become:
///   1 new limit order          kOrderAdd      id, side, price, qty
///   2 partial cancel           kOrderCancel   qty = the size cancelled
///   3 delete                   kOrderDelete   qty = the size left, deleted
///   4 visible execution        kOrderExecute  side = the resting order's side
///   5 hidden execution         kTrade         flag kHidden; side = the aggressor's, opposite
///                                             the hidden order's; ref = its id when given
///   6 cross (auction) trade    kTrade         flag kAuction; side unknown
///   7 trading halt indicator   kStatus        price -1 halted, 0 quoting only, 1 trading
/// With FeedOptions::book_seed, the feed first gives one order add per level of the orderbook
/// file's first row, less what the first message did (the row is the book after it), timed
/// as the first message: the book that existed at the start.
/// A visible execution is both a change to the book and a print: the engine's book stage turns
/// it into the trade that trade rules see. Order events (seeds included) carry
/// event_flags::kDepthLimited: the file holds only the messages that touch the top LEVEL
/// levels, and the book drops what their prices prove gone. Event::seq is the line number;
/// there are no accounts.
class LobsterFeed final : public Feed {
 public:
  /// Throws FeedError when the file name is not a LOBSTER message file name.
  LobsterFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
              RejectSink& rejects);

  bool next(Event& out) override;
  const std::string& name() const override { return reporter_.source(); }
  uint64_t bytes_read() const override { return lines_.input().source().bytes_read(); }
  bool sequenced() const override { return true; }
  uint64_t bytes_total() const override { return lines_.input().source().bytes_total(); }

 private:
  bool read_message(Event& out);
  void build_seed(const Event& first);
  bool parse_row(std::string_view line, Event& out);
  bool parse_time(std::string_view text, Timestamp& out);
  bool take_order_fields(int type, uint64_t id, uint64_t size, int64_t price, Event& out);

  RejectReporter reporter_;
  LineReader lines_;
  CsvSplitter splitter_;
  RowError error_;
  LobsterFileName file_;
  SymbolId symbol_;
  uint16_t source_index_;
  std::string seed_path_;
  std::vector<Event> seed_;  // then the first message, held back while the seed goes out
  size_t seed_given_ = 0;
};

}  // namespace tw
