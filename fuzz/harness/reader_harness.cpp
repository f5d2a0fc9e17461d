#include "reader_harness.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check.hpp"
#include "feed/binance_csv_reader.hpp"
#include "feed/binance_json_reader.hpp"
#include "feed/byte_source.hpp"
#include "feed/csv_reader.hpp"
#include "feed/input_buffer.hpp"
#include "feed/itch_reader.hpp"
#include "feed/lobster_reader.hpp"
#include "scratch.hpp"

namespace tw::fuzz {
namespace {

// Copied into every event: a reader that drops FeedOptions::source_index shows.
constexpr uint16_t kSourceIndex = 3;
// The record cap of the third pass: short enough that fuzz inputs hit it often.
constexpr size_t kSmallRecord = 96;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Serves an in-memory input, either whole or in pieces of 1 to 13 bytes, so that every record
// boundary also falls across buffer refills.
class MemorySource final : public ByteSource {
 public:
  MemorySource(const std::string& path, std::string_view bytes, bool trickle)
      : ByteSource(path, path), bytes_(bytes), trickle_(trickle) {}

  size_t read(char* buffer, size_t size) override {
    size_t piece = size;
    if (trickle_) {
      state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      piece = 1 + static_cast<size_t>(state_ >> 60) % 13;
    }
    piece = std::min({piece, size, bytes_.size() - at_});
    std::memcpy(buffer, bytes_.data() + at_, piece);
    at_ += piece;
    return piece;
  }
  uint64_t bytes_read() const override { return at_; }
  uint64_t bytes_total() const override { return bytes_.size(); }

 private:
  std::string_view bytes_;
  bool trickle_;
  size_t at_ = 0;
  uint64_t state_ = 0x9e3779b97f4a7c15ULL;
};

// One event or reject, in the order the reader produced them.
struct Record {
  bool is_event = false;
  uint64_t line = 0;  // event seq or reject line
  std::string text;   // every field of the event, or the reject's reason, detail and raw
  bool operator==(const Record&) const = default;
};

struct Outcome {
  std::vector<Record> records;
  size_t events = 0;
  size_t rejects = 0;
  std::optional<std::string> error;  // a FeedError's message
};

std::string event_text(const Event& e, const Universe& universe) {
  return fmt::format("{} {} {} {} {} {} {} {} {} {}", e.ts.nanos(), e.price.raw(), e.qty.raw(),
                     universe.symbol_name(e.symbol), static_cast<int>(e.side), e.id.to_string(),
                     e.ref.to_string(), universe.account_name(e.account),
                     universe.account_name(e.buyer), universe.account_name(e.seller));
}

void check_account(AccountId id, const Universe& universe, std::string_view role) {
  check(id.value < universe.account_count(), "{} account id {} was never handed out", role,
        id.value);
  check(id.value == 0 || !universe.account_name(id).empty(), "{} account has no name", role);
}

// LOBSTER rows are order events, trades and halts: each kind has its own fields.
void check_lobster_event(const Event& e, const Universe& universe, std::string_view symbol,
                         const std::string& what) {
  check(e.ts >= kEarliestSaneTime && e.ts < kLatestSaneTime, "{}: time out of range", what);
  check(e.symbol.value != 0 && !symbol.empty(), "{}: unknown symbol", what);
  check(e.seq > 0, "{}: seq 0", what);
  check(e.source == kSourceIndex, "{}: source {} instead of {}", what, e.source, kSourceIndex);
  check(e.account.value == 0 && e.buyer.value == 0 && e.seller.value == 0 &&
            universe.account_count() <= 1,
        "{}: LOBSTER rows carry no accounts", what);
  if (e.kind == EventKind::kStatus) {
    check(e.status != TradingStatus::kUnknown, "{}: halt indicator without a status", what);
    return;
  }
  check(e.price.raw() > 0, "{}: price <= 0", what);
  check(e.qty.raw() > 0, "{}: quantity <= 0", what);
  if (e.kind == EventKind::kTrade) {
    bool auction = e.flags == event_flags::kAuction && e.side == Side::kUnknown;
    bool hidden = e.flags == event_flags::kHidden && e.side != Side::kUnknown;
    check(auction || hidden, "{}: a trade neither hidden nor a cross", what);
    return;
  }
  check(e.kind == EventKind::kOrderAdd || e.kind == EventKind::kOrderCancel ||
            e.kind == EventKind::kOrderDelete || e.kind == EventKind::kOrderExecute,
        "{}: kind {} is not a LOBSTER order event", what, static_cast<int>(e.kind));
  check(e.side == Side::kBuy || e.side == Side::kSell, "{}: order without side", what);
  check(e.id.kind() == ExternalId::Kind::kNumber && e.id.as_number() > 0,
        "{}: order id not a positive number", what);
}

// ITCH messages are order events, trades and trading states, each kind with its own fields:
// executions, cancels and deletes may go without a price (the resting order's), deletes
// without a size.
void check_itch_event(const Event& e, const Universe& universe, std::string_view symbol,
                      const std::string& what) {
  check(e.ts >= kEarliestSaneTime && e.ts < kLatestSaneTime, "{}: time out of range", what);
  check(e.symbol.value != 0 && !symbol.empty(), "{}: unknown symbol", what);
  check(e.seq > 0, "{}: seq 0", what);
  check(e.source == kSourceIndex, "{}: source {} instead of {}", what, e.source, kSourceIndex);
  check_account(e.account, universe, "the");
  if (e.kind == EventKind::kStatus) {
    check(e.status != TradingStatus::kUnknown, "{}: trading state without a status", what);
    return;
  }
  check(e.price.raw() >= 0, "{}: price < 0", what);
  const bool priced = e.kind == EventKind::kOrderAdd || e.kind == EventKind::kOrderReplace ||
                      e.kind == EventKind::kTrade;
  check(!priced || e.price.raw() > 0, "{}: price <= 0", what);
  check(e.kind == EventKind::kOrderDelete || e.qty.raw() > 0, "{}: quantity <= 0", what);
  if (e.kind == EventKind::kTrade) {
    bool cross = e.flags == event_flags::kAuction && e.side == Side::kUnknown;
    bool hidden = e.flags == event_flags::kHidden;
    check(cross || hidden, "{}: a trade neither hidden nor a cross", what);
    return;
  }
  check(e.kind != EventKind::kOrderAdd || e.side == Side::kBuy || e.side == Side::kSell,
        "{}: order add without side", what);
  check(e.id.kind() == ExternalId::Kind::kNumber, "{}: order reference not a number", what);
}

void check_event(const Event& e, const Universe& universe, ReaderKind kind) {
  std::string_view symbol =
      e.symbol.value < universe.symbol_count() ? universe.symbol_name(e.symbol) : "";
  std::string what = fmt::format("event at {}: {}", e.seq, event_text(e, universe));
  if (kind == ReaderKind::kLobster) return check_lobster_event(e, universe, symbol, what);
  if (kind == ReaderKind::kItch) return check_itch_event(e, universe, symbol, what);
  check(e.kind == EventKind::kTrade, "{}: not a trade", what);
  check(e.price.raw() > 0, "{}: price <= 0", what);
  check(e.qty.raw() > 0, "{}: quantity <= 0", what);
  check(e.ts >= kEarliestSaneTime && e.ts < kLatestSaneTime, "{}: time out of range", what);
  check(e.symbol.value != 0 && !symbol.empty(), "{}: unknown symbol", what);
  check(e.seq > 0, "{}: seq 0", what);
  check(e.source == kSourceIndex, "{}: source {} instead of {}", what, e.source, kSourceIndex);
  check_account(e.account, universe, "the");
  check_account(e.buyer, universe, "buyer");
  check_account(e.seller, universe, "seller");
  if (kind != ReaderKind::kCsv) {
    check(e.side == Side::kBuy || e.side == Side::kSell, "{}: Binance trade without side", what);
    check(e.id.kind() == ExternalId::Kind::kNumber, "{}: Binance id not a number", what);
  }
}

// Checks each reject, records it, and passes it on (to a DeadLetter).
class CheckingSink final : public RejectSink {
 public:
  CheckingSink(const std::string& source, Outcome& outcome, RejectSink& next)
      : source_(source), outcome_(outcome), next_(next) {}

  void reject(const Reject& r) override {
    check(r.source == source_, "reject names source '{}', not '{}'", r.source, source_);
    check(r.line > 0, "reject at line 0: {}", r.detail);
    check(r.reason < RejectReason::kCount, "reject with reason {}", static_cast<int>(r.reason));
    check(!r.detail.empty(), "reject at line {} without a detail", r.line);
    outcome_.records.push_back(
        {false, r.line, fmt::format("{} {} {}", to_string(r.reason), r.detail, r.raw)});
    ++outcome_.rejects;
    next_.reject(r);
  }

 private:
  const std::string& source_;
  Outcome& outcome_;
  RejectSink& next_;
};

using FeedMaker = std::function<std::unique_ptr<Feed>(Universe&, RejectSink&)>;

// Every event and reject of a feed, checked; a FeedError is an allowed end.
Outcome drain(const std::string& path, ReaderKind kind, const FeedMaker& make, RejectSink& next) {
  Outcome outcome;
  Universe universe;
  CheckingSink sink(path, outcome, next);
  try {
    std::unique_ptr<Feed> feed = make(universe, sink);
    check(feed->name() == path, "feed named '{}', not '{}'", feed->name(), path);
    Event e;
    while (feed->next(e)) {
      check_event(e, universe, kind);
      outcome.records.push_back({true, e.seq, event_text(e, universe)});
      ++outcome.events;
    }
  } catch (const FeedError& error) {
    outcome.error = error.what();
    check(outcome.error->find(path) != std::string::npos, "FeedError does not name {}: {}", path,
          *outcome.error);
  } catch (const std::exception& error) {
    fail(fmt::format("exception other than FeedError: {}", error.what()));
  }
  return outcome;
}

std::unique_ptr<Feed> make_feed(ReaderKind kind, InputBuffer input, const FeedOptions& options,
                                Universe& universe, RejectSink& rejects) {
  switch (kind) {
    case ReaderKind::kCsv:
      return std::make_unique<CsvFeed>(std::move(input), options, universe, rejects);
    case ReaderKind::kBinanceCsv:
      return std::make_unique<BinanceCsvFeed>(std::move(input), options, universe, rejects);
    case ReaderKind::kLobster:
      return std::make_unique<LobsterFeed>(std::move(input), options, universe, rejects);
    case ReaderKind::kItch:
      return std::make_unique<ItchFeed>(std::move(input), options, universe, rejects);
    case ReaderKind::kBinanceJson:
      break;
  }
  return std::make_unique<BinanceJsonFeed>(std::move(input), options, universe, rejects);
}

bool is_line_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The first field of a CSV line, unquoted (RFC 4180) and trimmed, is a non-empty number: the
// Binance reader then takes the line for a row rather than a header.
bool first_field_is_number(std::string_view line) {
  std::string field;
  if (!line.empty() && line.front() == '"') {
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '"') {
        if (line.substr(i, 2) != "\"\"") break;  // the closing quote
        ++i;                                     // a doubled quote stands for one
      }
      field.push_back(line[i]);
    }
  } else {
    field = line.substr(0, line.find(','));
  }
  std::string_view trimmed = field;
  size_t first = trimmed.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  trimmed = trimmed.substr(first, trimmed.find_last_not_of(" \t") + 1 - first);
  return std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The rows a line reader must account for: each line of `max_record` bytes or more (rejected
// as too long) and each non-blank line, less the header.
size_t count_line_rows(std::string_view input, size_t max_record, RecordRule rule) {
  size_t rows = 0;
  bool header_pending = rule != RecordRule::kNoHeader;
  for (uint64_t number = 1; !input.empty(); ++number) {
    size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.size() >= max_record) {
      ++rows;
      continue;
    }
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (number == 1 && line.starts_with(kUtf8Bom)) line.remove_prefix(kUtf8Bom.size());
    if (is_line_blank(line)) continue;
    if (header_pending) {
      header_pending = false;
      if (rule == RecordRule::kHeaderLine || !first_field_is_number(line)) continue;
    }
    ++rows;
  }
  return rows;
}

simdjson::padded_string padded(std::string_view text) {
  return simdjson::padded_string(text.data(), text.size());
}

// The elements of a JSON input when it is one valid array, or valid JSON lines of one object
// each; nothing when it is neither (the reader is then free to split it its own way).
std::optional<size_t> count_json_elements(std::string_view input) {
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (!parser.parse(padded(input)).get_array().get(array)) return array.size();
  size_t objects = 0;
  while (!input.empty()) {
    size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    simdjson::dom::object object;
    if (parser.parse(padded(line)).get_object().get(object)) return std::nullopt;
    ++objects;
  }
  return objects;
}

// The ITCH messages that must each give an event or a reject: those of a type that makes
// events (a cross of 0 shares makes none), and those whose length is not their type's. Other
// types are reference data or unknown, counted by the reader alone. Nothing when the input does
// not split into whole messages (the reader then ends with a FeedError).
std::optional<size_t> count_itch_messages(std::string_view input) {
  constexpr std::string_view kEventTypes = "HAFECXDUPQ";
  constexpr size_t kCrossShares = 11;  // Q: its 8 bytes of shares start here
  size_t records = 0;
  while (!input.empty()) {
    if (input.size() < 2) return std::nullopt;
    const size_t length = static_cast<size_t>(static_cast<unsigned char>(input[0]) << 8 |
                                              static_cast<unsigned char>(input[1]));
    if (input.size() - 2 < length) return std::nullopt;
    std::string_view m = input.substr(2, length);
    input.remove_prefix(2 + length);
    if (m.empty() || itch_message_length(m[0]) == 0) continue;
    if (m.size() != itch_message_length(m[0])) {
      ++records;  // rejected
    } else if (kEventTypes.find(m[0]) != std::string_view::npos) {
      const bool empty_cross = m[0] == 'Q' && m.substr(kCrossShares, 8).find_first_not_of('\0') ==
                                                  std::string_view::npos;
      records += empty_cross ? 0 : 1;
    }
  }
  return records;
}

void check_accounting(const Outcome& outcome, std::string_view input, size_t max_record,
                      RecordRule rule) {
  if (outcome.error) return;
  std::optional<size_t> expected = rule == RecordRule::kJson ? count_json_elements(input)
                                   : rule == RecordRule::kItchMessage
                                       ? count_itch_messages(input)
                                       : count_line_rows(input, max_record, rule);
  if (!expected) return;
  check(outcome.events + outcome.rejects == *expected,
        "{} events + {} rejects for {} records (record cap {})", outcome.events, outcome.rejects,
        *expected, max_record);
}

// Line readers number records by line: each event and reject comes after the last one.
void check_line_order(const Outcome& outcome) {
  for (size_t i = 1; i < outcome.records.size(); ++i) {
    check(outcome.records[i].line > outcome.records[i - 1].line,
          "record at line {} after one at line {}", outcome.records[i].line,
          outcome.records[i - 1].line);
  }
}

// Each dead-letter line is a JSON object naming its reject's line. Bytes of 0x80 and up are
// masked first: raw input is copied as it is, so only the JSON structure is checked, not UTF-8.
void check_dead_letter(const std::string& text, const Outcome& outcome) {
  simdjson::dom::parser parser;
  std::vector<uint64_t> lines;
  for (const Record& r : outcome.records) {
    if (!r.is_event) lines.push_back(r.line);
  }
  size_t index = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    check(end != std::string_view::npos, "dead-letter file does not end in a newline");
    std::string masked(rest.substr(0, end));
    rest.remove_prefix(end + 1);
    for (char& c : masked) c = static_cast<unsigned char>(c) >= 0x80 ? '?' : c;
    simdjson::dom::object object;
    auto error = parser.parse(padded(masked)).get_object().get(object);
    check(!error, "dead-letter line {} is not a JSON object ({}): {}", index + 1,
          simdjson::error_message(error), masked);
    uint64_t line = 0;
    check(index < lines.size() && !object["line"].get_uint64().get(line) && line == lines[index],
          "dead-letter line {} does not hold its reject's line number: {}", index + 1, masked);
    ++index;
  }
  check(index == lines.size(), "dead letter holds {} lines for {} rejects", index, lines.size());
}

// Reads through a DeadLetter writing to the scratch dead-letter file, then checks that file.
Outcome drain_to_dead_letter(const std::string& path, ReaderKind kind, const FeedMaker& make) {
  std::string dead_letter_path = scratch_path("rejects.jsonl");
  Outcome outcome;
  {
    DeadLetter dead_letter(dead_letter_path);
    outcome = drain(path, kind, make, dead_letter);
    check(dead_letter.total() == outcome.rejects, "DeadLetter counted {} of {} rejects",
          dead_letter.total(), outcome.rejects);
  }
  check_dead_letter(read_whole_file(dead_letter_path), outcome);
  return outcome;
}

FeedMaker maker(const ReaderCase& reader, std::function<InputBuffer()> input) {
  return [&reader, input = std::move(input)](Universe& universe, RejectSink& rejects) {
    return make_feed(reader.kind, input(), reader.options, universe, rejects);
  };
}

void check_outcome(const ReaderCase& reader, const Outcome& outcome, std::string_view input,
                   size_t max_record) {
  check_accounting(outcome, input, max_record, reader.records);
  if (reader.kind != ReaderKind::kBinanceJson) check_line_order(outcome);
}

void check_same(const Outcome& a, const Outcome& b) {
  check(a.error == b.error, "read whole and in pieces, errors differ: '{}' vs '{}'",
        a.error.value_or("none"), b.error.value_or("none"));
  check(a.records.size() == b.records.size(), "read whole and in pieces: {} vs {} records",
        a.records.size(), b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    check(a.records[i] == b.records[i], "read whole and in pieces, record {} differs: '{}' vs '{}'",
          i, a.records[i].text, b.records[i].text);
  }
}

FeedOptions with_source_index(FeedOptions options) {
  options.source_index = kSourceIndex;
  return options;
}

}  // namespace

void fuzz_reader(const ReaderCase& reader_in, std::string_view input) {
  ReaderCase reader = reader_in;
  reader.options = with_source_index(reader_in.options);
  std::string path = write_scratch(reader.file_name, input);

  // open_byte_source sniffs gzip and zip magic: such an input is read as an archive from the
  // file, and as the bytes themselves from memory.
  bool archive = input.starts_with("\x1f\x8b") || input.starts_with("PK\3\4");
  Outcome whole = drain_to_dead_letter(
      path, reader.kind, maker(reader, [&] { return InputBuffer(open_byte_source(path)); }));
  if (!archive) check_outcome(reader, whole, input, kMaxRecordBytes);

  DeadLetter counter;
  Outcome pieces = drain(
      path, reader.kind,
      maker(reader, [&] { return InputBuffer(std::make_unique<MemorySource>(path, input, true)); }),
      counter);
  check_outcome(reader, pieces, input, kMaxRecordBytes);
  if (!archive) check_same(whole, pieces);

  Outcome capped = drain(
      path, reader.kind,
      maker(reader,
            [&] {
              return InputBuffer(std::make_unique<MemorySource>(path, input, false), kSmallRecord);
            }),
      counter);
  check_outcome(reader, capped, input, kSmallRecord);
}

void fuzz_auto_feed(std::string_view file_name, std::string_view input) {
  std::string path = write_scratch(file_name, input);
  FeedOptions options = with_source_index(FeedOptions{});
  // The kind only selects the Binance-specific event checks: the CSV ones hold for every reader.
  drain_to_dead_letter(path, ReaderKind::kCsv, [&](Universe& universe, RejectSink& rejects) {
    return open_feed(path, options, universe, rejects);
  });
}

}  // namespace tw::fuzz
