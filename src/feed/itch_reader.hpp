// Reads NASDAQ TotalView-ITCH 5.0 in the BinaryFILE layout: each message after its 2-byte length.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/name_cache.hpp"
#include "feed/validate.hpp"

namespace tw {

/// How many messages of each type a read met (indexed by the type byte), and what it did not
/// turn into events.
struct ItchCounts {
  std::array<uint64_t, 256> by_type{};
  uint64_t messages = 0;
  uint64_t unknown_types = 0;    // type bytes the specification does not define (skipped)
  uint64_t broken_trades = 0;    // B: a trade broken after the fact (counted, not undone)
  uint64_t unknown_locates = 0;  // stock locates no directory message named
  uint64_t empty_crosses = 0;    // Q with 0 shares: no trade
};

/// Every message type of the specification is decoded and its length checked; a message of a
/// known type with another length goes to the dead letter (the length prefix still leads to
/// the next one). Timestamps are nanoseconds after midnight, New York time, on
/// FeedOptions::date (or the MMDDYYYY in the file name). Stock locates are mapped to symbols
/// through the stock directory (R) messages. Events:
///   A, F  kOrderAdd      id = order reference, F's attribution as the account
///   E     kOrderExecute  id = order reference, ref = match number, no price (the book's)
///   C     kOrderExecute  with its price; not printable ('N') gets kNotPrintable
///   X     kOrderCancel   qty = the shares cancelled
///   D     kOrderDelete
///   U     kOrderReplace  id = the original reference, ref = the new one, new price and size
///   P     kTrade         kHidden (a non-displayed order); side = the aggressor's
///   Q     kTrade         kAuction (a cross); no aggressor side
///   H     kStatus        the stock's trading state
/// The other types (S, R, Y, L, V, W, K, J, h, I, N, O, B) are decoded and counted.
class ItchFeed final : public Feed {
 public:
  /// Throws FeedError when no date is given and the file name holds none.
  ItchFeed(InputBuffer input, const FeedOptions& options, Universe& universe, RejectSink& rejects);

  bool next(Event& out) override;
  size_t next_batch(std::span<Event> out) override;
  const std::string& name() const override { return reporter_.source(); }
  uint64_t bytes_read() const override { return input_.source().bytes_read(); }
  bool sequenced() const override { return true; }
  uint64_t bytes_total() const override { return input_.source().bytes_total(); }
  const ItchCounts& counts() const { return counts_; }
  /// "messages", then each type met by its letter ("A", "R", ...), then "unknown_types",
  /// "unknown_locates" and "empty_crosses".
  NamedCounts counters() const override;

 private:
  /// next(), inlined into next_batch()'s loop.
  [[gnu::always_inline]] bool next_event(Event& out);
  std::string_view buffered_message();
  [[gnu::noinline]] std::string_view read_message();
  [[gnu::noinline]] void report_rejected(std::string_view message);
  /// Decodes one message; true when it became an event. It and decode_order are inlined into
  /// next(), so that the usual path saves and restores registers once per message, not thrice.
  [[gnu::always_inline]] bool decode(std::string_view message, Event& out);
  [[gnu::always_inline]] bool decode_order(char type, std::string_view m, Event& out);
  bool decode_trade(char type, std::string_view m, Event& out);
  void add_to_directory(std::string_view m);
  SymbolId symbol_of(std::string_view m);
  [[gnu::noinline]] SymbolId unknown_locate(size_t locate);
  AccountId attribution(std::string_view m);
  Timestamp time_of(std::string_view m) const;

  RejectReporter reporter_;
  InputBuffer input_;
  Universe& universe_;
  RowError error_;
  uint16_t source_index_;
  int64_t midnight_nanos_ = 0;       // the file's day, 00:00 New York time, in UTC nanoseconds
  uint64_t offset_ = 0;              // of the next message's length prefix
  std::vector<SymbolId> symbols_;    // by stock locate; 0 until its directory message
  NameCache<AccountId, 256> mpids_;  // MPIDs are few and repeat
  ItchCounts counts_;
};

/// The date in an ITCH file name's MMDDYYYY ("01302019.NASDAQ_ITCH50.gz"), or false.
bool itch_date_from_name(std::string_view path, int64_t& year, unsigned& month, unsigned& day);

/// The length the specification gives messages of `type`, 0 for a type it does not define.
size_t itch_message_length(char type);

/// True when the bytes start like a BinaryFILE of ITCH 5.0: a length prefix that is the
/// length of the message type that follows.
bool looks_like_itch(std::string_view head);

}  // namespace tw
