#include "sim/order_lobster_writer.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

namespace tw::sim {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMilli = 1'000'000;
// What LOBSTER writes for a level the book does not have.
constexpr int64_t kNoAsk = 9'999'999'999;
constexpr int64_t kNoBid = -9'999'999'999;

int message_type(EventKind kind) {
  switch (kind) {
    case EventKind::kOrderAdd:
      return 1;
    case EventKind::kOrderCancel:
      return 2;
    case EventKind::kOrderDelete:
      return 3;
    case EventKind::kOrderExecute:
      return 4;
    default:
      throw std::invalid_argument(fmt::format(
          "the LOBSTER writer takes order adds, cancels, deletes and executions, not {}",
          to_string(kind)));
  }
}

// The market's window in whole milliseconds after midnight: its first and its last.
int64_t millis_floor(const MarketDay& day, Timestamp ts) {
  return day.nanos_after_midnight(ts) / kNanosPerMilli;
}
int64_t millis_ceil(const MarketDay& day, Timestamp ts) {
  return (day.nanos_after_midnight(ts) + kNanosPerMilli - 1) / kNanosPerMilli;
}

}  // namespace

struct OrderLobsterWriter::SymbolFiles {
  SymbolFiles(std::string message_path, const std::string& orderbook_path)
      : path(std::move(message_path)),
        messages(path, "LOBSTER messages"),
        orderbook(orderbook_path, "LOBSTER orderbook") {}
  std::string path;
  OutputFile messages, orderbook;
  OrderBook book;
};

OrderLobsterWriter::~OrderLobsterWriter() = default;

std::string OrderLobsterWriter::file_name(std::string_view ticker, const MarketDay& day,
                                          std::string_view kind, uint32_t levels) {
  return fmt::format("{}_{:04}-{:02}-{:02}_{}_{}_{}_{}.csv", ticker, day.year, day.month, day.day,
                     millis_floor(day, day.start), millis_ceil(day, day.end), kind, levels);
}

OrderLobsterWriter::OrderLobsterWriter(const std::string& dir, const Universe& universe,
                                       const MarketDay& day, uint32_t levels)
    : day_(day), levels_(levels) {
  if (levels == 0) throw std::invalid_argument("a LOBSTER orderbook needs at least one level");
  const std::filesystem::path folder(dir);
  for (uint32_t id = 1; id < universe.symbol_count(); ++id) {
    const std::string_view ticker = universe.symbol_name(SymbolId{id});
    symbols_.push_back(std::make_unique<SymbolFiles>(
        (folder / file_name(ticker, day, "message", levels)).string(),
        (folder / file_name(ticker, day, "orderbook", levels)).string()));
  }
}

// The order as it rested before the event tells a cancel's and a delete's price, and a
// delete's size.
void OrderLobsterWriter::write(const Event& e) {
  SymbolFiles& files = *symbols_.at(e.symbol.value - 1);
  RestingOrder order{e.side, e.price, e.qty, e.account, e.ts, e.qty, Quantity{}};
  if (e.kind != EventKind::kOrderAdd) files.book.find(e.id, order);
  files.book.apply(e);
  write_message(e, order, files);
  write_book_row(files);
}

void OrderLobsterWriter::write_message(const Event& e, const RestingOrder& order,
                                       SymbolFiles& files) {
  const int64_t nanos = day_.nanos_after_midnight(e.ts);
  const bool executed = e.kind == EventKind::kOrderExecute;
  const Quantity size = e.kind == EventKind::kOrderDelete ? order.qty : e.qty;
  const Price price = executed ? e.price : order.price;
  fmt::format_to(std::back_inserter(files.messages.buffer()), "{}.{:09},{},{},{},{},{}\n",
                 nanos / kNanosPerSecond, nanos % kNanosPerSecond, message_type(e.kind),
                 e.id.as_number(), whole_shares(size), ten_thousandths(price),
                 order.side == Side::kBuy ? 1 : -1);
  files.messages.maybe_flush();
}

void OrderLobsterWriter::write_book_row(SymbolFiles& files) {
  std::string& row = files.orderbook.buffer();
  const OrderBook& book = files.book;
  for (uint32_t i = 0; i < levels_; ++i) {
    if (i > 0) row += ',';
    for (Side side : {Side::kSell, Side::kBuy}) {
      if (side == Side::kBuy) row += ',';
      if (i < book.depth(side)) {
        const BookLevel level = book.level(side, i);
        fmt::format_to(std::back_inserter(row), "{},{}", ten_thousandths(level.price),
                       whole_shares(level.qty));
      } else {
        fmt::format_to(std::back_inserter(row), "{},0", side == Side::kSell ? kNoAsk : kNoBid);
      }
    }
  }
  row += '\n';
  files.orderbook.maybe_flush();
}

std::vector<std::string> OrderLobsterWriter::close() {
  std::vector<std::string> paths;
  for (auto& files : symbols_) {
    files->messages.close();
    files->orderbook.close();
    paths.push_back(files->path);
  }
  return paths;
}

}  // namespace tw::sim
