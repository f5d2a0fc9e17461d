#include "feed/binance_csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tw {
namespace {

bool is_integer(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_flag(std::string_view text) {
  return iequals(text, "true") || iequals(text, "false");
}

// Position of the first field equal to one of `names`, or -1.
int find_field(const CsvSplitter& fields, std::initializer_list<std::string_view> names) {
  for (size_t i = 0; i < fields.size(); ++i) {
    for (std::string_view name : names) {
      if (iequals(trim_blanks(fields[i]), name)) return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

BinanceCsvFeed::BinanceCsvFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                               RejectSink& rejects)
    : reporter_(input.source().path(), rejects),
      lines_(std::move(input), reporter_),
      symbol_(binance_symbol(reporter_.source(), options, universe)),
      source_index_(options.source_index) {
  std::string_view line;
  while (lines_.next(line)) {
    if (trim_blanks(line).empty()) continue;
    if (!splitter_.split(line)) fail_layout(line);
    if (is_integer(trim_blanks(splitter_[0]))) {
      if (!layout_from_row()) fail_layout(line);
      pending_line_ = line;
      has_pending_ = true;
    } else if (!layout_from_header()) {
      fail_layout(line);
    }
    return;
  }
}

bool BinanceCsvFeed::layout_from_row() {
  layout_.fields = splitter_.size();
  switch (layout_.fields) {
    case 8:  // spot aggTrades
      layout_.time = 5;
      break;
    case 7:  // spot trades end in two flags; futures aggTrades carry the time in field 6
      layout_.time = is_flag(trim_blanks(splitter_[5])) ? 4 : 5;
      break;
    case 6:  // futures trades
      layout_.time = 4;
      break;
    default:
      return false;
  }
  layout_.buyer_maker = layout_.time + 1;
  return true;
}

bool BinanceCsvFeed::layout_from_header() {
  int price = find_field(splitter_, {"price"});
  int quantity = find_field(splitter_, {"quantity", "qty"});
  int time = find_field(splitter_, {"transact_time", "time"});
  int buyer_maker = find_field(splitter_, {"is_buyer_maker"});
  if (price < 0 || quantity < 0 || time < 0 || buyer_maker < 0) return false;
  layout_ = Layout{splitter_.size(),           0,
                   static_cast<size_t>(price), static_cast<size_t>(quantity),
                   static_cast<size_t>(time),  static_cast<size_t>(buyer_maker)};
  return true;
}

void BinanceCsvFeed::fail_layout(std::string_view line) const {
  throw FeedError(fmt::format(
      "{}: line {} fits no Binance CSV layout (aggTrades: 8 or 7 fields, trades: 7 or 6 fields, "
      "first field a number, or a header naming price, quantity/qty, transact_time/time and "
      "is_buyer_maker): '{}'",
      name(), lines_.line_number(), shown(line)));
}

bool BinanceCsvFeed::next(Event& out) {
  std::string_view line;
  for (;;) {
    if (has_pending_) {
      line = pending_line_;
      has_pending_ = false;
    } else if (!lines_.next(line)) {
      return false;
    }
    if (trim_blanks(line).empty()) continue;
    if (parse_row(line, out)) return true;
    reporter_.report(lines_.line_number(), line, error_);
  }
}

bool BinanceCsvFeed::parse_row(std::string_view line, Event& out) {
  if (!splitter_.split(line) || splitter_.size() != layout_.fields) {
    return error_.set(RejectReason::kMalformedRow, "expected {} fields, found {}", layout_.fields,
                      splitter_.size());
  }
  out = Event{};
  out.kind = EventKind::kTrade;
  out.seq = lines_.line_number();
  out.source = source_index_;
  out.symbol = symbol_;
  uint64_t id = 0;
  bool buyer_maker = false;
  if (!parse_unsigned("trade id", splitter_[layout_.id], id, error_) ||
      !parse_price(splitter_[layout_.price], out.price, error_) ||
      !parse_quantity(splitter_[layout_.quantity], out.qty, error_) ||
      !parse_epoch_time(splitter_[layout_.time], out.ts, error_) ||
      !parse_flag("is_buyer_maker", splitter_[layout_.buyer_maker], buyer_maker, error_)) {
    return false;
  }
  out.id = ExternalId::number(id);
  // The maker bought, so the taker (the aggressor) sold.
  out.side = buyer_maker ? Side::kSell : Side::kBuy;
  return true;
}

std::string binance_symbol_from_path(std::string_view path) {
  std::string_view base = path.substr(path.find_last_of('/') + 1);
  size_t dash = base.find('-');
  if (dash == 0 || dash == std::string_view::npos) return {};
  std::string_view symbol = base.substr(0, dash);
  std::string_view rest = base.substr(dash + 1);
  bool known_kind = rest.starts_with("aggTrades-") || rest.starts_with("trades-");
  bool plain_symbol = std::all_of(symbol.begin(), symbol.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
  return known_kind && plain_symbol ? std::string(symbol) : std::string();
}

bool looks_like_binance_csv(std::string_view line) {
  CsvSplitter fields;
  if (!fields.split(line)) return false;
  if (is_integer(trim_blanks(fields[0]))) return fields.size() >= 6 && fields.size() <= 8;
  return find_field(fields, {"is_buyer_maker"}) >= 0;
}

SymbolId binance_symbol(const std::string& path, const FeedOptions& options, Universe& universe) {
  if (!options.symbol.empty()) return universe.symbol(options.symbol);
  std::string symbol = binance_symbol_from_path(path);
  if (symbol.empty()) {
    throw FeedError(path +
                    ": no symbol: the rows carry none and the file name is not like "
                    "BTCUSDT-aggTrades-2026-01-01.csv; give the symbol explicitly");
  }
  return universe.symbol(symbol);
}

}  // namespace tw
