// Replays a LOBSTER message file through the order book and compares it with the provider's
// book after every message.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "book/order_book.hpp"
#include "feed/feed.hpp"
#include "feed/lobster_book_file.hpp"

namespace tw {

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

  /// Mismatched levels of every kind.
  uint64_t mismatched_levels() const {
    uint64_t n = 0;
    for (const auto& [kind, count] : mismatches) n += count;
    return n;
  }
};

/// Replays `messages` (a LOBSTER message file) with `orderbook` (its orderbook file, whose first
/// row seeds the book) and compares the top levels after every message. Throws FeedError when a
/// file cannot be read or the two files differ in length.
BookCheck check_lobster_book(const std::string& messages, const std::string& orderbook,
                             RejectSink& rejects);

}  // namespace tw
