// Replays a LOBSTER message file through the order book and compares it with the provider's
// book after every message.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "feed/feed.hpp"

namespace tw {

/// One row of a LOBSTER orderbook file: the book after one message, best levels first. Empty
/// levels (the provider's 9999999999 / -9999999999 with size 0) are left out.
struct LobsterBookRow {
  std::vector<BookLevel> asks;
  std::vector<BookLevel> bids;
  size_t depth = 0;  // levels per side the file holds, empty ones included
};

/// Reads a LOBSTER orderbook file (ask price 1, ask size 1, bid price 1, bid size 1, ... per
/// level; prices in dollars x 10000) row by row. A row that does not parse is a FeedError
/// naming the file and line: the rows are a reference, not data to skip.
class LobsterBookFile {
 public:
  explicit LobsterBookFile(const std::string& path);
  ~LobsterBookFile();
  bool next(LobsterBookRow& row);
  uint64_t line() const;

 private:
  struct Reader;
  std::unique_ptr<Reader> reader_;
};

/// What a replay found. A row matches when every level the provider shows is the book's and
/// the book shows no level the provider does not. A level-N message file holds only the
/// messages that touch the top N levels, so a level coming into view from deeper down has a
/// size no message told, and one that left the top N may have changed unseen: such levels,
/// when they come into view, are taken from the row (revealed) and counted, and nothing else.
/// Which of a revealed level's orders are still there the files cannot tell; the book guesses
/// (OrderBook::set_level), and a wrong guess shows later as a mismatch at that price.
struct BookCheck {
  uint64_t rows = 0;             // rows compared (the first seeds the book and is not compared)
  uint64_t matched = 0;          // rows whose every level matched
  uint64_t revealed_levels = 0;  // levels taken from a row as they came into view
  uint64_t revealed_gone = 0;    // ... of which the row showed no longer there
  std::map<std::string, uint64_t> mismatches;  // levels that differ, by kind
  // ... of which at a price whose orders the book had to infer (from a row, or from a message
  // about an order it never saw): the file does not show which orders changed out of view.
  uint64_t mismatches_inferred = 0;
  uint64_t first_mismatch_line = 0;  // orderbook line of the first mismatch, or 0
  std::string first_mismatch;        // what differed there
  BookDiagnostics diagnostics;
  uint64_t messages = 0;
};

/// Replays `messages` (a LOBSTER message file) with `orderbook` (its orderbook file, whose first
/// row seeds the book) and compares the top levels after every message. Throws FeedError when a
/// file cannot be read or the two files differ in length.
BookCheck check_lobster_book(const std::string& messages, const std::string& orderbook,
                             RejectSink& rejects);

}  // namespace tw
