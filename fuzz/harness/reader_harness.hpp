// Runs a feed reader over one fuzz input in several ways and checks everything it produces.
#pragma once

#include <string_view>

#include "feed/feed.hpp"

namespace tw::fuzz {

enum class ReaderKind { kCsv, kBinanceCsv, kBinanceJson, kLobster, kItch };

/// How the records of an input can be counted without the reader, to check that events plus
/// rejects account for each of them.
enum class RecordRule {
  kHeaderLine,   // lines; the first non-blank one is a header
  kNoHeader,     // lines; every non-blank one is a row
  kBinanceLine,  // lines; the first non-blank one is a header unless its first field is a number
  kJson,         // elements of a JSON array, or JSON lines, when the whole input is valid JSON
  kItchMessage,  // length-prefixed ITCH messages of the types that make events, or of bad length
};

struct ReaderCase {
  ReaderKind kind;
  std::string_view file_name;  // readers take symbols and messages from it
  FeedOptions options;
  RecordRule records;
};

/// Reads `input` three ways: from a scratch file (with a dead-letter file, whose every line must
/// be a JSON object for its reject), from memory in pieces of a few bytes (which must give the
/// very same events, rejects and error, unless gzip or zip magic made the file an archive), and
/// with a record cap of a few dozen bytes. Checks each
/// event, each reject, the record accounting and the order of line numbers; aborts on a break.
void fuzz_reader(const ReaderCase& reader, std::string_view input);

/// open_feed with format "auto" on `input` written to a scratch file named `file_name`, with the
/// same checks on events, rejects, the dead letter and errors.
void fuzz_auto_feed(std::string_view file_name, std::string_view input);

}  // namespace tw::fuzz
