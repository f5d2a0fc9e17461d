// Ground-truth episodes: the labels.jsonl a market generator writes, one injected episode a line.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/timestamp.hpp"

namespace tw::eval {

/// One injected episode: which rule should fire on it, where, when and by whom.
struct Episode {
  uint64_t id = 0;   // "episode"
  std::string rule;  // the rule that should fire, e.g. "wash.round_trip"
  std::string kind;  // what was injected, e.g. "self_trade"
  std::string symbol;
  std::vector<std::string> accounts;  // may be empty: the episode names nobody
  // Other rules whose alerts on it are right ("also"; optional): what was injected is also
  // their manipulation, though finding it is `rule`'s job (their recall does not count it).
  std::vector<std::string> also;
  Timestamp start, end;
};

/// A labels file that cannot be read; the message names the file, the line and the field.
class LabelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses JSON lines (blank lines skipped); `origin` names the text in errors. Fields beyond
/// episode, rule, kind, symbol, accounts, start, end and the optional also are ignored.
std::vector<Episode> parse_labels(std::string_view text, std::string_view origin);

/// Reads a labels file; throws LabelError for a file it cannot open or a bad line.
std::vector<Episode> read_labels(const std::string& path);

}  // namespace tw::eval
