#include "feed/itch_reader.hpp"

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <cstring>

#include "model/new_york_time.hpp"

namespace tw {
namespace {

// The length of each message type of ITCH 5.0, by its type byte; 0 for undefined types.
constexpr std::array<uint8_t, 256> message_lengths() {
  std::array<uint8_t, 256> n{};
  n['S'] = 12, n['R'] = 39, n['H'] = 25, n['Y'] = 20, n['L'] = 26, n['V'] = 35, n['W'] = 12;
  n['K'] = 28, n['J'] = 35, n['h'] = 21, n['A'] = 36, n['F'] = 40, n['E'] = 31, n['C'] = 36;
  n['X'] = 23, n['D'] = 19, n['U'] = 35, n['P'] = 44, n['Q'] = 40, n['B'] = 19, n['I'] = 50;
  n['N'] = 20, n['O'] = 48;
  return n;
}
constexpr std::array<uint8_t, 256> kLengths = message_lengths();

static_assert(std::endian::native == std::endian::little);

// Fields of 2, 4 and 8 bytes are one load and a byte swap (`bytes` is a constant wherever it
// is called). Assembling a field in a wider variable (6 bytes copied into 8) would stall the
// load on the partial stores: times are read by time_of() instead.
uint64_t big_endian(std::string_view m, size_t at, size_t bytes) {
  const char* p = m.data() + at;
  switch (bytes) {
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return __builtin_bswap16(v);
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return __builtin_bswap32(v);
    }
    case 8: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return __builtin_bswap64(v);
    }
    default: {
      uint64_t v = 0;
      for (size_t i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(p[i]);
      return v;
    }
  }
}

// The 6-byte time at offset 5 as the low bytes of the 8 from offset 3 (every message of a
// known type is longer than 11 bytes).
int64_t nanos_after_midnight(std::string_view m) {
  return static_cast<int64_t>(big_endian(m, 3, 8) & ((uint64_t{1} << 48) - 1));
}

std::string_view trimmed_alpha(std::string_view m, size_t at, size_t bytes) {
  std::string_view text = m.substr(at, bytes);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

TradingStatus trading_state(char state) {
  switch (state) {
    case 'H':
      return TradingStatus::kHalted;
    case 'P':
      return TradingStatus::kPaused;
    case 'Q':
      return TradingStatus::kQuotationOnly;
    case 'T':
      return TradingStatus::kTrading;
    default:
      return TradingStatus::kUnknown;
  }
}

}  // namespace

bool itch_date_from_name(std::string_view path, int64_t& year, unsigned& month, unsigned& day) {
  std::string_view name = path.substr(path.find_last_of('/') + 1);
  for (size_t i = 0; i + 8 <= name.size(); ++i) {
    std::string_view digits = name.substr(i, 8);
    bool all_digits = true;
    for (char c : digits) all_digits &= c >= '0' && c <= '9';
    bool bounded = (i == 0 || !std::isdigit(static_cast<unsigned char>(name[i - 1]))) &&
                   (i + 8 == name.size() || !std::isdigit(static_cast<unsigned char>(name[i + 8])));
    if (!all_digits || !bounded) continue;
    unsigned m = static_cast<unsigned>((digits[0] - '0') * 10 + (digits[1] - '0'));
    unsigned d = static_cast<unsigned>((digits[2] - '0') * 10 + (digits[3] - '0'));
    int64_t y = 0;
    for (char c : digits.substr(4)) y = y * 10 + (c - '0');
    if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2099) continue;
    year = y, month = m, day = d;
    return true;
  }
  return false;
}

size_t itch_message_length(char type) {
  return kLengths[static_cast<unsigned char>(type)];
}

bool looks_like_itch(std::string_view head) {
  if (head.size() < 3) return false;
  uint64_t length = big_endian(head, 0, 2);
  return length != 0 && length == kLengths[static_cast<unsigned char>(head[2])];
}

ItchFeed::ItchFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                   RejectSink& rejects)
    : reporter_(input.source().path(), rejects),
      input_(std::move(input)),
      universe_(universe),
      source_index_(options.source_index) {
  int64_t year = 0;
  unsigned month = 0, day = 0;
  bool dated = false;
  if (!options.date.empty()) {
    dated = parse_civil_date(options.date, year, month, day);
    if (!dated) {
      throw FeedError(
          fmt::format("{}: date '{}' is not YYYY-MM-DD", reporter_.source(), options.date));
    }
  } else {
    dated = itch_date_from_name(reporter_.source(), year, month, day);
  }
  if (!dated) {
    throw FeedError(
        fmt::format("{}: ITCH times are nanoseconds after midnight: give the day "
                    "(--date YYYY-MM-DD), or keep the MMDDYYYY in the file name",
                    reporter_.source()));
  }
  // New York's offset from UTC is judged by the date alone (the clocks change outside every
  // session), so one day's times are its midnight plus the message's nanoseconds.
  midnight_nanos_ = from_new_york_time(year, month, day, 0).nanos();
}

bool ItchFeed::next(Event& out) {
  return next_event(out);
}

// Each message's decoding inlined into the loop: registers are saved once per batch.
size_t ItchFeed::next_batch(std::span<Event> out) {
  return fill(out, [this](Event& e) { return next_event(e); });
}

inline bool ItchFeed::next_event(Event& out) {
  for (;;) {
    std::string_view data = buffered_message();
    if (data.empty()) return false;
    const size_t length = big_endian(data, 0, 2);
    const std::string_view message(data.data() + 2, length);
    ++counts_.messages;
    // The bytes stay where they are until the next read: consumed, they can still be decoded.
    input_.consume(2 + length);
    offset_ += 2 + length;
    if (length != 0 && decode(message, out)) return true;
    if (!error_.detail.empty()) report_rejected(message);
  }
}

void ItchFeed::report_rejected(std::string_view message) {
  reporter_.report(counts_.messages, hex(message), error_);
  error_.detail.clear();
}

// The buffer holds the next message whole but once per megabyte read: the rest is out of line.
std::string_view ItchFeed::buffered_message() {
  std::string_view data = input_.data();
  if (data.size() >= 2 && data.size() >= 2 + big_endian(data, 0, 2)) return data;
  return read_message();
}

std::string_view ItchFeed::read_message() {
  std::string_view head = input_.peek(2);
  if (head.empty()) return head;
  if (head.size() < 2) {
    throw FeedError(
        fmt::format("{}: truncated at byte {}: 1 byte left where a length prefix "
                    "begins",
                    reporter_.source(), offset_));
  }
  const size_t length = big_endian(head, 0, 2);
  std::string_view data = input_.peek(2 + length);
  if (data.size() < 2 + length) {
    throw FeedError(
        fmt::format("{}: the last message, at byte {}, is truncated: {} bytes "
                    "announced, {} left",
                    reporter_.source(), offset_, length, data.size() - 2));
  }
  return data;
}

Timestamp ItchFeed::time_of(std::string_view m) const {
  return Timestamp::from_nanos(midnight_nanos_ + nanos_after_midnight(m));
}

NamedCounts ItchFeed::counters() const {
  NamedCounts counts{{"messages", counts_.messages}};
  for (size_t type = 0; type < counts_.by_type.size(); ++type) {
    if (kLengths[type] != 0 && counts_.by_type[type] != 0) {
      counts.push_back({std::string(1, static_cast<char>(type)), counts_.by_type[type]});
    }
  }
  counts.push_back({"unknown_types", counts_.unknown_types});
  counts.push_back({"unknown_locates", counts_.unknown_locates});
  counts.push_back({"empty_crosses", counts_.empty_crosses});
  return counts;
}

// error_ is empty on entry: a message that set it was reported and the error cleared.
inline bool ItchFeed::decode(std::string_view m, Event& out) {
  const auto type = static_cast<unsigned char>(m[0]);
  ++counts_.by_type[type];
  if (kLengths[type] == 0) {
    ++counts_.unknown_types;
    return false;
  }
  if (m.size() != kLengths[type]) {
    return error_.set(RejectReason::kMalformedRow, "message '{}' of {} bytes, not {}",
                      static_cast<char>(type), m.size(), kLengths[type]);
  }
  // A copy of a blank event: Event{} is built field by field (23 instructions against 8).
  static const Event kBlank{};
  out = kBlank;
  out.seq = counts_.messages;
  out.source = source_index_;
  out.ts = time_of(m);
  switch (type) {
    case 'R':
      add_to_directory(m);
      return false;
    case 'H':
      out.symbol = symbol_of(m);
      out.kind = EventKind::kStatus;
      out.status = trading_state(m[19]);
      return out.status != TradingStatus::kUnknown ||
             error_.set(RejectReason::kBadField, "trading state '{}' is not H, P, Q or T", m[19]);
    case 'A':
    case 'F':
    case 'E':
    case 'C':
    case 'X':
    case 'D':
    case 'U':
      return decode_order(static_cast<char>(type), m, out);
    case 'P':
    case 'Q':
      return decode_trade(static_cast<char>(type), m, out);
    case 'B':
      ++counts_.broken_trades;
      return false;
    default:  // S, Y, L, V, W, K, J, h, I, N, O: market-wide or reference messages
      return false;
  }
}

void ItchFeed::add_to_directory(std::string_view m) {
  const size_t locate = big_endian(m, 1, 2);
  if (locate >= symbols_.size()) symbols_.resize(locate + 1);
  symbols_[locate] = universe_.symbol(trimmed_alpha(m, 11, 8));
}

SymbolId ItchFeed::symbol_of(std::string_view m) {
  const size_t locate = big_endian(m, 1, 2);
  if (locate < symbols_.size() && symbols_[locate].value != 0) return symbols_[locate];
  return unknown_locate(locate);
}

// A locate no directory message named gets a name made from it, so that nothing is lost:
// "LOCATE-17".
SymbolId ItchFeed::unknown_locate(size_t locate) {
  ++counts_.unknown_locates;
  if (locate >= symbols_.size()) symbols_.resize(locate + 1);
  symbols_[locate] = universe_.symbol(fmt::format("LOCATE-{}", locate));
  return symbols_[locate];
}

AccountId ItchFeed::attribution(std::string_view m) {
  return mpids_.get(trimmed_alpha(m, 36, 4),
                    [this](std::string_view name) { return universe_.account(name); });
}

inline bool ItchFeed::decode_order(char type, std::string_view m, Event& out) {
  out.symbol = symbol_of(m);
  out.id = ExternalId::number(big_endian(m, 11, 8));
  auto shares = [&](size_t at) {
    return Quantity::from_units(static_cast<int64_t>(big_endian(m, at, 4)));
  };
  auto price4 = [&](size_t at) {
    return Price::from_ten_thousandths(static_cast<int64_t>(big_endian(m, at, 4)));
  };
  switch (type) {
    case 'A':
    case 'F':
      out.kind = EventKind::kOrderAdd;
      out.side = m[19] == 'B' ? Side::kBuy : m[19] == 'S' ? Side::kSell : Side::kUnknown;
      if (out.side == Side::kUnknown) {
        return error_.set(RejectReason::kUnknownSide, "buy/sell indicator '{}' is not B or S",
                          m[19]);
      }
      out.qty = shares(20);
      out.price = price4(32);
      if (type == 'F') out.account = attribution(m);
      break;
    case 'E':
    case 'C':
      out.kind = EventKind::kOrderExecute;
      out.qty = shares(19);
      out.ref = ExternalId::number(big_endian(m, 23, 8));
      if (type == 'C') {
        out.price = price4(32);
        if (m[31] == 'N') out.flags = event_flags::kNotPrintable;
        if (!out.price.is_positive()) {
          return error_.set(RejectReason::kBadPrice, "execution price is 0");
        }
      }
      break;
    case 'X':
      out.kind = EventKind::kOrderCancel;
      out.qty = shares(19);
      break;
    case 'D':
      out.kind = EventKind::kOrderDelete;
      return true;
    default:  // 'U'
      out.kind = EventKind::kOrderReplace;
      out.ref = ExternalId::number(big_endian(m, 19, 8));
      out.qty = shares(27);
      out.price = price4(31);
      break;
  }
  if (!out.qty.is_positive()) return error_.set(RejectReason::kBadQuantity, "shares are 0");
  if ((type == 'A' || type == 'F' || type == 'U') && !out.price.is_positive()) {
    return error_.set(RejectReason::kBadPrice, "price is 0");
  }
  return true;
}

bool ItchFeed::decode_trade(char type, std::string_view m, Event& out) {
  out.symbol = symbol_of(m);
  out.kind = EventKind::kTrade;
  if (type == 'P') {
    // The indicator is the side of the non-displayed order: the aggressor took the other.
    Side resting = m[19] == 'B' ? Side::kBuy : m[19] == 'S' ? Side::kSell : Side::kUnknown;
    out.side = opposite(resting);
    out.flags = event_flags::kHidden;
    out.qty = Quantity::from_units(static_cast<int64_t>(big_endian(m, 20, 4)));
    out.price = Price::from_ten_thousandths(static_cast<int64_t>(big_endian(m, 32, 4)));
    out.id = ExternalId::number(big_endian(m, 36, 8));
    if (uint64_t order = big_endian(m, 11, 8); order != 0) out.ref = ExternalId::number(order);
  } else {
    out.flags = event_flags::kAuction;
    const uint64_t shares = big_endian(m, 11, 8);
    if (shares == 0) {
      ++counts_.empty_crosses;
      return false;
    }
    if (shares > static_cast<uint64_t>(Quantity::kMaxUnits))
      return error_.set(RejectReason::kBadQuantity, "cross of {} shares", shares);
    out.qty = Quantity::from_units(static_cast<int64_t>(shares));
    out.price = Price::from_ten_thousandths(static_cast<int64_t>(big_endian(m, 27, 4)));
    out.id = ExternalId::number(big_endian(m, 31, 8));
  }
  if (!out.qty.is_positive()) return error_.set(RejectReason::kBadQuantity, "shares are 0");
  if (!out.price.is_positive()) return error_.set(RejectReason::kBadPrice, "price is 0");
  return true;
}

}  // namespace tw
