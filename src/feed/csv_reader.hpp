// The generic CSV reader: a header row names the columns, mapped onto tapewatch's canonical ones.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "feed/csv_split.hpp"
#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/line_reader.hpp"
#include "feed/name_cache.hpp"
#include "feed/validate.hpp"

namespace tw {

/// Canonical columns. Header names match case-insensitively, by the canonical name or an alias:
/// timestamp (time, ts, datetime), quantity (qty, size, volume), account (trader_id, trader).
/// FeedOptions::column_map replaces them: canonical name -> the header name in the file, or "#N"
/// (1-based position) for every mapped column of a file without a header row.
enum class CsvColumn : uint8_t {
  kTimestamp,  // required: ISO-8601 (no zone = UTC) or a Unix epoch number (s/ms/us/ns)
  kSymbol,     // required unless FeedOptions::symbol is given (which then wins)
  kPrice,      // required
  kQuantity,   // required
  kSide,       // BUY/SELL/B/S: the trade's aggressor side
  kTradeId,    // -> Event::id
  kOrderId,    // -> Event::ref
  kAccount,    // the row's trader: buyer when side is BUY, seller when SELL; also Event::account
  kBuyer,      // explicit buying account (wins over account + side)
  kSeller,     // explicit selling account
  kEventType,  // allowed, ignored (the replaced system's ground-truth labels)
  kOwner,      // beneficial owner of the row's account: Universe::set_owner(account, owner)
  kEvent,      // an order audit trail's event: ADD, CANCEL, DELETE, REPLACE, EXECUTE or TRADE
  kCount
};

/// Every row is a trade (Event::kind = kTrade), unless the file has an `event` column: then
/// each row is the event it names (see parse_order_row). Rows that fail validation go to the
/// reject sink and are skipped; blank lines are skipped silently. An empty file, or a header
/// with no rows, gives no events.
class CsvFeed final : public Feed {
 public:
  /// Reads the header. Throws FeedError naming the file, the missing column and the header seen
  /// when a required column is absent, or when options.column_map names an unknown column.
  CsvFeed(InputBuffer input, const FeedOptions& options, Universe& universe, RejectSink& rejects);

  bool next(Event& out) override;
  const std::string& name() const override { return reporter_.source(); }
  uint64_t bytes_read() const override { return lines_.input().source().bytes_read(); }
  uint64_t bytes_total() const override { return lines_.input().source().bytes_total(); }

 private:
  static constexpr size_t kColumnCount = static_cast<size_t>(CsvColumn::kCount);
  static constexpr uint32_t kAbsent = UINT32_MAX;

  void map_header(std::string_view header, const FeedOptions& options);
  void map_positions(const FeedOptions& options);
  void require_columns(std::string_view header, const FeedOptions& options) const;
  bool next_split_line(std::string_view& line, bool& split_ok);
  bool read_and_split_line(std::string_view& line, bool& split_ok);
  bool parse_row(bool split_ok, Event& out);
  [[gnu::noinline]] bool parse_order_row(Event& out);
  bool parse_order_fields(EventKind kind, Event& out);
  void read_execution_parties(Event& out);
  bool assign_symbol(Event& out);
  bool assign_accounts(Event& out);
  bool refuse_sideless(std::string_view account);
  bool assign_explicit_accounts(std::string_view account, Event& out);
  void note_explicit_accounts();
  // Forced inline: GCC kept it out of line, and a cache hit costs less than the call.
  [[gnu::always_inline]] AccountId account_id(std::string_view name) {
    return accounts_.get(name, [this](std::string_view n) { return universe_.account(n); });
  }
  bool has(CsvColumn c) const { return columns_[static_cast<size_t>(c)] != kAbsent; }
  // Forced inline: GCC kept this out of line, and its eight calls per row cost more than the
  // lookups themselves.
  [[gnu::always_inline]] std::string_view field(CsvColumn c) const {
    uint32_t index = columns_[static_cast<size_t>(c)];
    return index == kAbsent ? std::string_view() : trim_blanks(splitter_[index]);
  }
  // field() of a column that require_columns made sure of (and the row's count check put in
  // range): no test for an absent one.
  [[gnu::always_inline]] std::string_view required_field(CsvColumn c) const {
    return trim_blanks(splitter_[columns_[static_cast<size_t>(c)]]);
  }

  RejectReporter reporter_;
  LineReader lines_;
  Universe& universe_;
  CsvSplitter splitter_;
  RowError error_;
  TimeParser times_;
  std::array<uint32_t, kColumnCount> columns_;
  size_t field_count_ = 0;
  bool headerless_ = false;
  bool explicit_accounts_ = false;  // an owner, buyer or seller column is mapped
  uint16_t source_index_;
  SymbolId fixed_symbol_;

  NameCache<SymbolId, 64> symbols_;
  NameCache<AccountId, 4096> accounts_;  // sparse enough that hundreds of traders rarely collide
};

/// Throws FeedError when options.column_map names an unknown canonical column or mixes "#N"
/// positions with header names.
void check_csv_column_map(const std::string& path, const FeedOptions& options);

/// True when a header line names a time column (canonical name, alias or column_map entry):
/// how format detection recognises a generic CSV.
bool csv_header_has_time_column(std::string_view header, const FeedOptions& options);

}  // namespace tw
