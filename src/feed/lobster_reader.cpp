#include "feed/lobster_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "feed/lobster_book_file.hpp"
#include "model/new_york_time.hpp"

namespace tw {
namespace {

constexpr size_t kFields = 6;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
// A day and a little: LOBSTER times never pass midnight, but an extended session may end late.
constexpr int64_t kMaxSeconds = 2 * 86'400;
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    size_t next = text.find(separator, at);
    parts.push_back(text.substr(at, next - at));
    if (next == std::string_view::npos) return parts;
    at = next + 1;
  }
}

std::string_view base_name(std::string_view path) {
  return path.substr(path.find_last_of('/') + 1);
}

TradingStatus halt_status(int64_t price) {
  switch (price) {
    case -1:
      return TradingStatus::kHalted;
    case 0:
      return TradingStatus::kQuotationOnly;
    case 1:
      return TradingStatus::kTrading;
    default:
      return TradingStatus::kUnknown;
  }
}

}  // namespace

std::optional<LobsterFileName> parse_lobster_file_name(std::string_view path) {
  std::string_view name = base_name(path);
  if (name.ends_with(".gz")) name.remove_suffix(3);
  if (!name.ends_with(".csv")) return std::nullopt;
  name.remove_suffix(4);
  std::vector<std::string_view> parts = split(name, '_');
  // The ticker may itself hold underscores: the other five parts are taken from the end.
  if (parts.size() < 6) return std::nullopt;
  const size_t n = parts.size();
  LobsterFileName out;
  for (size_t i = 0; i + 5 < n; ++i) {
    if (i > 0) out.ticker += '_';
    out.ticker += parts[i];
  }
  std::string_view date = parts[n - 5];
  out.kind = std::string(parts[n - 2]);
  if (out.ticker.empty() || (out.kind != "message" && out.kind != "orderbook")) {
    return std::nullopt;
  }
  if (!parse_civil_date(date, out.year, out.month, out.day)) return std::nullopt;
  if (!parse_whole_integer(parts[n - 4], out.start_ms) ||
      !parse_whole_integer(parts[n - 3], out.end_ms) ||
      !parse_whole_integer(parts[n - 1], out.level) || out.level == 0) {
    return std::nullopt;
  }
  return out;
}

LobsterFeed::LobsterFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                         RejectSink& rejects)
    : reporter_(input.source().path(), rejects),
      lines_(std::move(input), reporter_),
      source_index_(options.source_index) {
  std::optional<LobsterFileName> file = parse_lobster_file_name(reporter_.source());
  if (!file || file->kind != "message") {
    throw FeedError(fmt::format(
        "{}: a LOBSTER message file needs its provider's name, "
        "TICKER_YYYY-MM-DD_START_END_message_LEVEL.csv: its rows carry neither the date nor "
        "the ticker",
        reporter_.source()));
  }
  file_ = *file;
  symbol_ = universe.symbol(options.symbol.empty() ? file_.ticker : options.symbol);
  if (!options.book_seed.empty()) {
    std::optional<LobsterFileName> seed = parse_lobster_file_name(options.book_seed);
    if (!seed || seed->kind != "orderbook" || seed->ticker != file_.ticker ||
        seed->year != file_.year || seed->month != file_.month || seed->day != file_.day ||
        seed->level != file_.level) {
      throw FeedError(
          fmt::format("{}: the book seed {} is not this file's orderbook file "
                      "({}_{:04}-{:02}-{:02}_..._orderbook_{}.csv)",
                      reporter_.source(), options.book_seed, file_.ticker, file_.year, file_.month,
                      file_.day, file_.level));
    }
    seed_path_ = options.book_seed;
  }
}

bool LobsterFeed::next(Event& out) {
  if (!seed_path_.empty()) {
    Event first;
    if (!read_message(first)) return false;
    build_seed(first);
    seed_.push_back(first);
    seed_path_.clear();
  }
  if (seed_given_ < seed_.size()) {
    out = seed_[seed_given_++];
    return true;
  }
  return read_message(out);
}

// The first row is the book after the first message: that message is undone on it.
void LobsterFeed::build_seed(const Event& first) {
  LobsterBookFile rows(seed_path_);
  LobsterBookRow row;
  if (!rows.next(row)) throw FeedError(fmt::format("{}: no rows", seed_path_));
  auto seed_side = [&](std::vector<LobsterLevel> levels, Side side) {
    if (first.is_order_event() && first.side == side) {
      auto at = std::find_if(levels.begin(), levels.end(),
                             [&](const LobsterLevel& l) { return l.price == first.price; });
      if (at == levels.end()) at = levels.insert(levels.end(), {first.price, Quantity{}});
      at->qty = Quantity::from_raw(at->qty.raw() + (first.kind == EventKind::kOrderAdd
                                                        ? -first.qty.raw()
                                                        : first.qty.raw()));
    }
    for (size_t i = 0; i < levels.size(); ++i) {
      if (!levels[i].qty.is_positive()) continue;
      Event add = first;
      add.kind = EventKind::kOrderAdd;
      add.side = side;
      add.price = levels[i].price;
      add.qty = levels[i].qty;
      add.flags = event_flags::kDepthLimited;
      add.id = ExternalId::from_text(
          fmt::format("seed-{}-{}", side == Side::kBuy ? "bid" : "ask", i + 1));
      add.ref = ExternalId{};
      seed_.push_back(add);
    }
  };
  seed_side(row.asks, Side::kSell);
  seed_side(row.bids, Side::kBuy);
}

bool LobsterFeed::read_message(Event& out) {
  std::string_view line;
  while (lines_.next(line)) {
    if (trim_blanks(line).empty()) continue;
    if (parse_row(line, out)) return true;
    reporter_.report(lines_.line_number(), line, error_);
  }
  return false;
}

// Seconds after midnight, read exactly (no floating point). The provider's files hold up to
// nine decimals, but a few rows carry a double's digits ("43002.632812672004" in the Amazon
// sample): those are rounded to the nanosecond.
bool LobsterFeed::parse_time(std::string_view text, Timestamp& out) {
  if (!require_field("time", text, error_)) return false;
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto all_digits = [](std::string_view digits) {
    return digits.find_first_not_of("0123456789") == std::string_view::npos;
  };
  int64_t seconds = 0, nanos = 0;
  if (whole.empty() || !parse_whole_integer(whole, seconds) || seconds < 0 ||
      seconds > kMaxSeconds || !all_digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    return error_.set(RejectReason::kBadTimestamp,
                      "time '{}' is not seconds after midnight (digits, '.', digits)", shown(text));
  }
  constexpr size_t kDigits = 9;
  for (size_t i = 0; i < kDigits; ++i) {
    nanos = nanos * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  if (fraction.size() > kDigits && fraction[kDigits] >= '5') ++nanos;  // a carry is fine
  out = from_new_york_time(file_.year, file_.month, file_.day, seconds * kNanosPerSecond + nanos);
  return check_time_range(out, text, error_);
}

bool LobsterFeed::parse_row(std::string_view line, Event& out) {
  if (!splitter_.split(line) || splitter_.size() != kFields) {
    return error_.set(RejectReason::kMalformedRow, "expected {} fields, found {}", kFields,
                      splitter_.size());
  }
  out = Event{};
  out.seq = lines_.line_number();
  out.source = source_index_;
  out.symbol = symbol_;
  int type = 0, direction = 0;
  uint64_t id = 0, size = 0;
  int64_t price = 0;
  if (!parse_time(trim_blanks(splitter_[0]), out.ts)) return false;
  if (!parse_whole_integer(trim_blanks(splitter_[1]), type) || type < 1 || type > 7) {
    return error_.set(RejectReason::kBadField, "type '{}' is not 1 to 7",
                      shown(trim_blanks(splitter_[1])));
  }
  if (!parse_unsigned("order id", trim_blanks(splitter_[2]), id, error_) ||
      !parse_unsigned("size", trim_blanks(splitter_[3]), size, error_)) {
    return false;
  }
  if (!parse_whole_integer(trim_blanks(splitter_[4]), price)) {
    return error_.set(RejectReason::kBadPrice, "price '{}' is not an integer (dollars x 10000)",
                      shown(trim_blanks(splitter_[4])));
  }
  if (!parse_whole_integer(trim_blanks(splitter_[5]), direction) ||
      (direction != 1 && direction != -1)) {
    return error_.set(RejectReason::kUnknownSide, "direction '{}' is not 1 (buy) or -1 (sell)",
                      shown(trim_blanks(splitter_[5])));
  }
  if (type == 7) {
    out.kind = EventKind::kStatus;
    out.status = halt_status(price);
    if (out.status == TradingStatus::kUnknown) {
      return error_.set(RejectReason::kBadField, "halt indicator price '{}' is not -1, 0 or 1",
                        price);
    }
    return true;
  }
  out.side = direction == 1 ? Side::kBuy : Side::kSell;
  return take_order_fields(type, id, size, price, out);
}

bool LobsterFeed::take_order_fields(int type, uint64_t id, uint64_t size, int64_t price,
                                    Event& out) {
  if (price <= 0 || price > Price::kMaxTenThousandths) {
    return error_.set(RejectReason::kBadPrice, "price '{}' is not > 0", price);
  }
  if (size == 0 || size > static_cast<uint64_t>(Quantity::kMaxUnits)) {
    return error_.set(RejectReason::kBadQuantity, "size '{}' is not > 0", size);
  }
  out.price = Price::from_ten_thousandths(price);  // dollars x 10000
  out.qty = Quantity::from_units(static_cast<int64_t>(size));
  const bool has_id = id != 0;
  switch (type) {
    case 1:
    case 2:
    case 3:
    case 4:
      if (!has_id) return error_.set(RejectReason::kBadField, "order id is 0");
      out.kind = type == 1   ? EventKind::kOrderAdd
                 : type == 2 ? EventKind::kOrderCancel
                 : type == 3 ? EventKind::kOrderDelete
                             : EventKind::kOrderExecute;
      out.id = ExternalId::number(id);
      out.flags = event_flags::kDepthLimited;
      return true;
    case 5:
      out.kind = EventKind::kTrade;
      out.flags = event_flags::kHidden;
      out.side = opposite(out.side);  // the direction is the hidden resting order's
      if (has_id) out.ref = ExternalId::number(id);
      return true;
    default:  // 6
      out.kind = EventKind::kTrade;
      out.flags = event_flags::kAuction;
      out.side = Side::kUnknown;
      if (has_id) out.ref = ExternalId::number(id);
      return true;
  }
}

}  // namespace tw
