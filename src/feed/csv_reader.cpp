#include "feed/csv_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <vector>

namespace tw {
namespace {

struct ColumnSpec {
  std::string_view name;
  std::initializer_list<std::string_view> aliases;
  bool required;
};

// Indexed by CsvColumn.
const ColumnSpec kColumnSpecs[] = {
    {"timestamp", {"time", "ts", "datetime"}, true},
    {"symbol", {}, true},
    {"price", {}, true},
    {"quantity", {"qty", "size", "volume"}, true},
    {"side", {}, false},
    {"trade_id", {}, false},
    {"order_id", {}, false},
    {"account", {"trader_id", "trader"}, false},
    {"buyer", {}, false},
    {"seller", {}, false},
    {"event_type", {}, false},
    {"owner", {}, false},
    {"event", {}, false},
};
static_assert(std::size(kColumnSpecs) == static_cast<size_t>(CsvColumn::kCount));

const ColumnSpec& spec_of(CsvColumn c) {
  return kColumnSpecs[static_cast<size_t>(c)];
}

std::string canonical_names() {
  std::string names;
  for (const ColumnSpec& spec : kColumnSpecs) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

// The header names that stand for `spec`: the column_map entry alone when there is one.
std::vector<std::string_view> names_for(const ColumnSpec& spec, const FeedOptions& options) {
  if (auto it = options.column_map.find(std::string(spec.name)); it != options.column_map.end()) {
    return {it->second};
  }
  std::vector<std::string_view> names{spec.name};
  names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  return names;
}

// Position of the first header field matching the names in order of preference, or -1.
int find_column(const CsvSplitter& header, const std::vector<std::string_view>& names) {
  for (std::string_view name : names) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (iequals(trim_blanks(header[i]), trim_blanks(name))) return static_cast<int>(i);
    }
  }
  return -1;
}

// Rows start from a copy of this rather than from `Event{}`: GCC clears a 120-byte struct
// with `rep stos`, whose start-up cost was a visible share of a row; a copy from a constant
// is a few vector moves.
const Event kBlankEvent{};

bool is_position(std::string_view mapped) {
  return !mapped.empty() && mapped.front() == '#';
}

}  // namespace

void check_csv_column_map(const std::string& path, const FeedOptions& options) {
  size_t positions = 0;
  for (const auto& [canonical, mapped] : options.column_map) {
    bool known = false;
    for (const ColumnSpec& spec : kColumnSpecs) known = known || spec.name == canonical;
    if (!known) {
      throw FeedError(fmt::format("{}: column_map names an unknown column '{}' (known: {})", path,
                                  canonical, canonical_names()));
    }
    positions += is_position(mapped);
  }
  if (positions != 0 && positions != options.column_map.size()) {
    throw FeedError(path + ": column_map mixes positions (#N) and header names; use one kind");
  }
}

CsvFeed::CsvFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                 RejectSink& rejects)
    : reporter_(input.source().path(), rejects),
      lines_(std::move(input), reporter_),
      universe_(universe),
      source_index_(options.source_index) {
  columns_.fill(kAbsent);
  check_csv_column_map(name(), options);
  if (!options.symbol.empty()) fixed_symbol_ = universe_.symbol(options.symbol);
  headerless_ = !options.column_map.empty() && is_position(options.column_map.begin()->second);
  if (headerless_) {
    map_positions(options);
    return;
  }
  std::string_view header;
  while (lines_.next(header)) {
    if (!trim_blanks(header).empty()) {
      map_header(header, options);
      return;
    }
  }
}

void CsvFeed::map_header(std::string_view header, const FeedOptions& options) {
  if (!splitter_.split(header)) {
    throw FeedError(fmt::format("{}: line {}: the header's quoting is broken: '{}'", name(),
                                lines_.line_number(), shown(header)));
  }
  field_count_ = splitter_.size();
  for (size_t c = 0; c < kColumnCount; ++c) {
    int index = find_column(splitter_, names_for(kColumnSpecs[c], options));
    if (index >= 0) columns_[c] = static_cast<uint32_t>(index);
  }
  require_columns(header, options);
  note_explicit_accounts();
}

void CsvFeed::map_positions(const FeedOptions& options) {
  for (size_t c = 0; c < kColumnCount; ++c) {
    auto it = options.column_map.find(std::string(kColumnSpecs[c].name));
    if (it == options.column_map.end()) continue;
    unsigned position = 0;
    auto [end, ec] =
        std::from_chars(it->second.data() + 1, it->second.data() + it->second.size(), position);
    if (ec != std::errc() || end != it->second.data() + it->second.size() || position == 0) {
      throw FeedError(fmt::format("{}: column_map {}='{}' is not a position #1, #2, ...", name(),
                                  kColumnSpecs[c].name, it->second));
    }
    columns_[c] = position - 1;
    field_count_ = std::max<size_t>(field_count_, position);
  }
  require_columns("(no header: columns mapped by position)", options);
  note_explicit_accounts();
}

void CsvFeed::note_explicit_accounts() {
  explicit_accounts_ = has(CsvColumn::kOwner) || has(CsvColumn::kBuyer) || has(CsvColumn::kSeller);
}

void CsvFeed::require_columns(std::string_view header, const FeedOptions& options) const {
  for (size_t c = 0; c < kColumnCount; ++c) {
    const ColumnSpec& spec = kColumnSpecs[c];
    bool optional =
        !spec.required || (c == static_cast<size_t>(CsvColumn::kSymbol) && fixed_symbol_);
    if (optional || columns_[c] != kAbsent) continue;
    std::string looked_for;
    for (std::string_view n : names_for(spec, options)) {
      looked_for += looked_for.empty() ? "" : ", ";
      looked_for += n;
    }
    throw FeedError(fmt::format(
        "{}: missing required column '{}' (looked for: {}); header seen: '{}'. Map it with "
        "column_map ({}=<name in the file>){}",
        name(), spec.name, looked_for, shown(header), spec.name,
        c == static_cast<size_t>(CsvColumn::kSymbol) ? " or give the symbol" : ""));
  }
}

bool CsvFeed::next(Event& out) {
  std::string_view line;
  bool split_ok = false;
  while (next_split_line(line, split_ok)) {
    if (trim_blanks(line).empty()) continue;
    if (parse_row(split_ok, out)) return true;
    reporter_.report(lines_.line_number(), line, error_);
  }
  return false;
}

// The next line, split into splitter_; split_ok says whether its quoting held. Finding the
// line's end while splitting it spares a second scan of every byte. Inline in next() (forced,
// as is parse_row: one call per row fewer), with the usual way out of line.
[[gnu::always_inline]] inline bool CsvFeed::next_split_line(std::string_view& line,
                                                            bool& split_ok) {
  if (lines_.line_number() > 0) {
    if (size_t bytes = splitter_.split_buffered_line(lines_.buffered(), line, split_ok)) {
      lines_.take_line(bytes);
      return true;
    }
  }
  return read_and_split_line(line, split_ok);
}

bool CsvFeed::read_and_split_line(std::string_view& line, bool& split_ok) {
  if (!lines_.next(line)) return false;
  split_ok = splitter_.split(line);
  return true;
}

// Inline in parse_row (forced, like the rest of the row's common path): the call and its
// register saves cost more than a cache hit.
[[gnu::always_inline]] inline bool CsvFeed::assign_symbol(Event& out) {
  if (fixed_symbol_) {
    out.symbol = fixed_symbol_;
    return true;
  }
  std::string_view text = required_field(CsvColumn::kSymbol);      // no fixed symbol
  if (text.empty()) return require_field("symbol", text, error_);  // the call only to report
  out.symbol = symbols_.get(text, [this](std::string_view n) { return universe_.symbol(n); });
  return true;
}

[[gnu::always_inline]] inline bool CsvFeed::assign_accounts(Event& out) {
  std::string_view account = field(CsvColumn::kAccount);
  if (!account.empty()) {
    if (out.side == Side::kUnknown && has(CsvColumn::kSide)) return refuse_sideless(account);
    out.account = account_id(account);
    if (out.side == Side::kBuy) out.buyer = out.account;
    if (out.side == Side::kSell) out.seller = out.account;
  }
  return !explicit_accounts_ || assign_explicit_accounts(account, out);
}

bool CsvFeed::refuse_sideless(std::string_view account) {
  return error_.set(RejectReason::kMissingField,
                    "side is empty, so account '{}' is neither buyer nor seller", shown(account));
}

// The owner, buyer and seller columns, which few files have: out of line. Called after the row's
// account was interned, so that ids are handed out in the same order as ever.
bool CsvFeed::assign_explicit_accounts(std::string_view account, Event& out) {
  if (std::string_view owner = field(CsvColumn::kOwner); !account.empty() && !owner.empty()) {
    universe_.set_owner(account, owner);
  }
  if (std::string_view buyer = field(CsvColumn::kBuyer); !buyer.empty()) {
    out.buyer = account_id(buyer);
  }
  if (std::string_view seller = field(CsvColumn::kSeller); !seller.empty()) {
    out.seller = account_id(seller);
  }
  return true;
}

[[gnu::always_inline]] inline bool CsvFeed::parse_row(bool split_ok, Event& out) {
  if (!split_ok) {
    return error_.set(RejectReason::kMalformedRow,
                      "broken quoting: an unterminated quote or text after a closing quote");
  }
  bool count_ok = headerless_ ? splitter_.size() >= field_count_ : splitter_.size() == field_count_;
  if (!count_ok) {
    return error_.set(RejectReason::kMalformedRow, "expected {} fields, found {}", field_count_,
                      splitter_.size());
  }
  out = kBlankEvent;
  out.kind = EventKind::kTrade;
  out.seq = lines_.line_number();
  out.source = source_index_;
  if (has(CsvColumn::kEvent)) return parse_order_row(out);
  if (!times_.parse(required_field(CsvColumn::kTimestamp), out.ts, error_) || !assign_symbol(out) ||
      !parse_price(required_field(CsvColumn::kPrice), out.price, error_) ||
      !parse_quantity(required_field(CsvColumn::kQuantity), out.qty, error_) ||
      !parse_side(field(CsvColumn::kSide), out.side, error_) || !assign_accounts(out)) {
    return false;
  }
  out.id.assign_text(field(CsvColumn::kTradeId));
  out.ref.assign_text(field(CsvColumn::kOrderId));
  return true;
}

namespace {

// The event column's words (any case) and the kinds they name.
struct EventWord {
  std::string_view word;
  EventKind kind;
};
constexpr EventWord kEventWords[] = {
    {"add", EventKind::kOrderAdd},         {"new", EventKind::kOrderAdd},
    {"cancel", EventKind::kOrderCancel},   {"delete", EventKind::kOrderDelete},
    {"replace", EventKind::kOrderReplace}, {"modify", EventKind::kOrderReplace},
    {"execute", EventKind::kOrderExecute}, {"fill", EventKind::kOrderExecute},
    {"trade", EventKind::kTrade},
};

}  // namespace

// A row of an order audit trail: order_id names the order (Event::id), side is the order's
// side, account its owner (Event::account). A replace keeps its order id (Event::ref = id)
// and carries the new price and size. A delete needs neither price nor quantity, a cancel no
// price (the size is the part cancelled). TRADE rows are read as in a trade file.
bool CsvFeed::parse_order_row(Event& out) {
  std::string_view word = field(CsvColumn::kEvent);
  const EventWord* found = std::find_if(std::begin(kEventWords), std::end(kEventWords),
                                        [&](const EventWord& w) { return iequals(w.word, word); });
  if (found == std::end(kEventWords)) {
    if (word.empty()) return error_.set(RejectReason::kMissingField, "event is empty");
    return error_.set(RejectReason::kBadField,
                      "event '{}' is not ADD, CANCEL, DELETE, REPLACE, EXECUTE or TRADE",
                      shown(word));
  }
  if (!times_.parse(required_field(CsvColumn::kTimestamp), out.ts, error_) || !assign_symbol(out) ||
      !parse_side(field(CsvColumn::kSide), out.side, error_)) {
    return false;
  }
  return parse_order_fields(found->kind, out);
}

bool CsvFeed::parse_order_fields(EventKind kind, Event& out) {
  out.kind = kind;
  std::string_view price = required_field(CsvColumn::kPrice);
  std::string_view quantity = required_field(CsvColumn::kQuantity);
  const bool needs_price = kind != EventKind::kOrderCancel && kind != EventKind::kOrderDelete;
  const bool needs_quantity = kind != EventKind::kOrderDelete;
  if ((needs_price || !price.empty()) && !parse_price(price, out.price, error_)) return false;
  if ((needs_quantity || !quantity.empty()) && !parse_quantity(quantity, out.qty, error_)) {
    return false;
  }
  if (kind == EventKind::kTrade) {
    if (!assign_accounts(out)) return false;
    out.id.assign_text(field(CsvColumn::kTradeId));
    out.ref.assign_text(field(CsvColumn::kOrderId));
    return true;
  }
  std::string_view order_id = field(CsvColumn::kOrderId);
  if (order_id.empty()) return error_.set(RejectReason::kMissingField, "order_id is empty");
  if (kind == EventKind::kOrderAdd && out.side == Side::kUnknown) {
    return error_.set(RejectReason::kMissingField, "side is empty: an order has a side");
  }
  out.id.assign_text(order_id);
  if (kind == EventKind::kOrderReplace) out.ref = out.id;
  if (std::string_view account = field(CsvColumn::kAccount); !account.empty()) {
    out.account = account_id(account);
  }
  if (kind == EventKind::kOrderExecute) read_execution_parties(out);
  return true;
}

// An execution may name both parties of its fill and its match number: its print then carries
// them (the book knows only the resting order's owner).
void CsvFeed::read_execution_parties(Event& out) {
  if (std::string_view buyer = field(CsvColumn::kBuyer); !buyer.empty()) {
    out.buyer = account_id(buyer);
  }
  if (std::string_view seller = field(CsvColumn::kSeller); !seller.empty()) {
    out.seller = account_id(seller);
  }
  out.ref.assign_text(field(CsvColumn::kTradeId));
}

bool csv_header_has_time_column(std::string_view header, const FeedOptions& options) {
  CsvSplitter fields;
  if (!fields.split(header)) return false;
  return find_column(fields, names_for(spec_of(CsvColumn::kTimestamp), options)) >= 0;
}

}  // namespace tw
