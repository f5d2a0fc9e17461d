// A source of market events (a file or a stream) and how to open one by format.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "feed/reject.hpp"
#include "model/event.hpp"
#include "model/universe.hpp"
#include "util/named_counts.hpp"

namespace tw {

/// The input cannot be read at all (missing, unreadable, truncated, unknown format). The message
/// names the file and, where known, the line or byte offset.
class FeedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Produces validated events in file order. Records that fail validation go to the RejectSink
/// given at open time and are skipped; the feed goes on.
class Feed {
 public:
  virtual ~Feed() = default;
  /// The next valid event, or false at the end of input. Throws FeedError on unreadable input.
  /// Every field of `out` is written (callers hand in reused storage).
  virtual bool next(Event& out) = 0;
  virtual const std::string& name() const = 0;
  /// Bytes of the underlying file consumed so far, for progress and ETA.
  virtual uint64_t bytes_read() const = 0;
  /// Size of the underlying file, 0 when unknown.
  virtual uint64_t bytes_total() const = 0;
  /// What the reader met beyond events and rejects (e.g. messages by type), by name, for the
  /// run summary and the run store; empty for readers that count nothing more.
  virtual NamedCounts counters() const { return {}; }
  /// Whether the file's order is the venue's own sequence (ITCH, LOBSTER), which no re-sorting
  /// by time may change: the engine then takes a lone such feed in order (take_in_sequence).
  virtual bool sequenced() const { return false; }
  /// Up to out.size() next events into `out`, as next() would give them one at a time; how
  /// many (0 at the end of input).
  virtual size_t next_batch(std::span<Event> out) {
    return fill(out, [this](Event& e) { return next(e); });
  }

 protected:
  /// next_batch() with `next_event(Event&)` for next(): a reader may pass its own, inlined.
  template <class NextEvent>
  static size_t fill(std::span<Event> out, NextEvent&& next_event) {
    size_t n = 0;
    while (n < out.size() && next_event(out[n])) ++n;
    return n;
  }
};

struct FeedOptions {
  /// "auto", "csv", "binance-csv", "binance-json", "lobster", "itch".
  std::string format = "auto";
  /// Symbol for formats whose rows carry none (Binance files); default from the file name.
  std::string symbol;
  /// Generic CSV: canonical column name -> the name used in the file's header.
  std::map<std::string, std::string> column_map;
  /// Index of this input within the run, copied into Event::source.
  uint16_t source_index = 0;
  /// LOBSTER: the message file's orderbook file, whose first row seeds the book that existed
  /// before the first message (as resting orders named seed-<side>-<level>).
  std::string book_seed;
  /// ITCH: the day of the file (YYYY-MM-DD), when its name holds no MMDDYYYY.
  std::string date;
};

/// Opens `path` with the reader its format needs (auto-detected from the name and first bytes
/// unless options.format says otherwise). Throws FeedError naming the file when it cannot.
std::unique_ptr<Feed> open_feed(const std::string& path, const FeedOptions& options,
                                Universe& universe, RejectSink& rejects);

}  // namespace tw
