// Reads Binance historical trade files (data.binance.vision aggTrades and trades CSV layouts).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "feed/csv_split.hpp"
#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/line_reader.hpp"
#include "feed/validate.hpp"

namespace tw {

/// Layouts, with or without a header row (a header is recognised by a non-numeric first field
/// and its columns are then found by name):
///   spot aggTrades     agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,
///                      is_buyer_maker,is_best_match
///   futures aggTrades  the same without is_best_match
///   spot trades        trade_id,price,qty,quote_qty,time,is_buyer_maker,is_best_match
///   futures trades     the same without is_best_match
/// Times are epoch ms, us (files from 2025 on) or ns, told apart per value by magnitude.
/// is_buyer_maker=true means the seller hit the bid: Event::side = kSell, else kBuy. Event::id
/// is the (agg) trade id as a number; accounts are unknown.
class BinanceCsvFeed final : public Feed {
 public:
  /// Throws FeedError when no symbol is given and the file name yields none, or when the first
  /// line fits none of the layouts.
  BinanceCsvFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                 RejectSink& rejects);

  bool next(Event& out) override;
  const std::string& name() const override { return reporter_.source(); }
  uint64_t bytes_read() const override { return lines_.input().source().bytes_read(); }
  uint64_t bytes_total() const override { return lines_.input().source().bytes_total(); }

 private:
  struct Layout {
    size_t fields = 0;
    size_t id = 0, price = 1, quantity = 2, time = 0, buyer_maker = 0;
  };

  bool layout_from_header();
  bool layout_from_row();
  [[noreturn]] void fail_layout(std::string_view line) const;
  bool parse_row(std::string_view line, Event& out);

  RejectReporter reporter_;
  LineReader lines_;
  CsvSplitter splitter_;
  RowError error_;
  Layout layout_;
  SymbolId symbol_;
  uint16_t source_index_;
  std::string_view pending_line_;  // the first data row, read while finding the layout
  bool has_pending_ = false;
};

/// "BTCUSDT" for a data.binance.vision file name such as BTCUSDT-aggTrades-2026-01-01.zip
/// (any directory and extension: .csv, .csv.gz, .first5000.csv); empty for other names.
std::string binance_symbol_from_path(std::string_view path);

/// True when `line` is a header naming is_buyer_maker, or a row of 6 to 8 fields whose first
/// field is a number: how format detection recognises a Binance CSV.
bool looks_like_binance_csv(std::string_view line);

/// The symbol for a Binance feed: options.symbol, else from the file name. Throws FeedError.
SymbolId binance_symbol(const std::string& path, const FeedOptions& options, Universe& universe);

}  // namespace tw
