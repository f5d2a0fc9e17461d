// open_feed: picks the reader for a file from FeedOptions::format or, for "auto", its content.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "feed/binance_csv_reader.hpp"
#include "feed/binance_json_reader.hpp"
#include "feed/byte_source.hpp"
#include "feed/csv_reader.hpp"
#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/itch_reader.hpp"
#include "feed/lobster_reader.hpp"

namespace tw {
namespace {

// Enough of the file to hold its first line in every supported format.
constexpr size_t kSniffBytes = 64 * 1024;
constexpr std::string_view kFormatChoices = "csv|binance-csv|binance-json|lobster|itch";

std::string_view skip_bom_and_blanks(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  size_t first = head.find_first_not_of(" \t\r\n");
  return first == std::string_view::npos ? std::string_view() : head.substr(first);
}

std::string_view first_line(std::string_view head) {
  std::string_view line = head.substr(0, head.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool has_json_extension(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.ends_with(".json") || lower.ends_with(".jsonl") || lower.ends_with(".ndjson");
}

bool starts_like_json(std::string_view content) {
  return !content.empty() && (content.front() == '[' || content.front() == '{');
}

std::string detect_format(InputBuffer& input, const FeedOptions& options) {
  // LOBSTER rows carry neither date nor ticker: only the provider's file name makes them
  // readable, so the name decides.
  std::optional<LobsterFileName> lobster = parse_lobster_file_name(input.source().path());
  if (lobster && lobster->kind == "message") return "lobster";
  if (looks_like_itch(input.peek(3))) return "itch";
  std::string_view content = skip_bom_and_blanks(input.peek(kSniffBytes));
  if (content.empty()) return "csv";  // nothing to read: any reader gives no events
  if (starts_like_json(content) || has_json_extension(input.source().content_name())) {
    return "binance-json";
  }
  bool positional_map =
      !options.column_map.empty() && options.column_map.begin()->second.starts_with('#');
  std::string_view line = first_line(content);
  if (positional_map || csv_header_has_time_column(line, options)) return "csv";
  if (looks_like_binance_csv(line)) return "binance-csv";
  throw FeedError(fmt::format("cannot tell the format of {}: first line '{}'; use --format {}",
                              input.source().path(), line.substr(0, 200), kFormatChoices));
}

void require_json_content(InputBuffer& input) {
  std::string_view content = skip_bom_and_blanks(input.peek(kSniffBytes));
  if (content.empty() || starts_like_json(content)) return;
  throw FeedError(fmt::format("{}: not JSON (format binance-json): first line '{}'",
                              input.source().path(), first_line(content).substr(0, 200)));
}

}  // namespace

std::unique_ptr<Feed> open_feed(const std::string& path, const FeedOptions& options,
                                Universe& universe, RejectSink& rejects) {
  std::string format = options.format.empty() ? "auto" : options.format;
  if (format != "auto" && format != "csv" && format != "binance-csv" && format != "binance-json" &&
      format != "lobster" && format != "itch") {
    throw FeedError(
        fmt::format("{}: unknown format '{}'; use --format auto|{}", path, format, kFormatChoices));
  }
  check_csv_column_map(path, options);
  InputBuffer input(open_byte_source(path));
  if (format == "auto") format = detect_format(input, options);
  if (!options.book_seed.empty() && format != "lobster") {
    throw FeedError(
        fmt::format("{}: a book seed applies to LOBSTER message files only, not {}", path, format));
  }
  if (format == "csv")
    return std::make_unique<CsvFeed>(std::move(input), options, universe, rejects);
  if (format == "itch") {
    return std::make_unique<ItchFeed>(std::move(input), options, universe, rejects);
  }
  if (format == "lobster") {
    return std::make_unique<LobsterFeed>(std::move(input), options, universe, rejects);
  }
  if (format == "binance-csv") {
    return std::make_unique<BinanceCsvFeed>(std::move(input), options, universe, rejects);
  }
  require_json_content(input);
  return std::make_unique<BinanceJsonFeed>(std::move(input), options, universe, rejects);
}

}  // namespace tw
