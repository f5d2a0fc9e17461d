#include "feed/binance_json_reader.hpp"

#include <cstring>

#include "feed/binance_csv_reader.hpp"

namespace tw {
namespace {

// Bits of the keys every object must carry.
constexpr uint8_t kSeenId = 1, kSeenPrice = 2, kSeenQuantity = 4, kSeenTime = 8, kSeenMaker = 16;
constexpr uint8_t kSeenAll = kSeenId | kSeenPrice | kSeenQuantity | kSeenTime | kSeenMaker;

std::string_view trim_token(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' ||
                            token.back() == '\n')) {
    token.remove_suffix(1);
  }
  return token;
}

// The text of a string or number value (numbers exactly as written); false for other types.
bool scalar_text(simdjson::ondemand::value& value, std::string_view& out) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return false;
  if (type == simdjson::ondemand::json_type::string) return !value.get_string().get(out);
  if (type != simdjson::ondemand::json_type::number) return false;
  out = trim_token(value.raw_json_token());
  return true;
}

const char* missing_key(uint8_t seen) {
  if (!(seen & kSeenId)) return "\"a\" (aggregate trade id)";
  if (!(seen & kSeenPrice)) return "\"p\" (price)";
  if (!(seen & kSeenQuantity)) return "\"q\" (quantity)";
  if (!(seen & kSeenTime)) return "\"T\" (time)";
  return "\"m\" (buyer is maker)";
}

}  // namespace

BinanceJsonFeed::BinanceJsonFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                                 RejectSink& rejects)
    : reporter_(input.source().path(), rejects),
      elements_(std::move(input), reporter_),
      symbol_(binance_symbol(reporter_.source(), options, universe)),
      source_index_(options.source_index) {}

bool BinanceJsonFeed::next(Event& out) {
  std::string_view text;
  while (elements_.next(text)) {
    if (parse_element(text, out)) return true;
    reporter_.report(elements_.position(), text, error_);
  }
  return false;
}

bool BinanceJsonFeed::parse_element(std::string_view text, Event& out) {
  if (padded_.size() < text.size() + simdjson::SIMDJSON_PADDING) {
    padded_.resize(text.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(padded_.data(), text.data(), text.size());
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (auto err = parser_.iterate(padded_.data(), text.size(), padded_.size()).get(doc)) {
    return error_.set(RejectReason::kMalformedRow, "not valid JSON: {}",
                      simdjson::error_message(err));
  }
  if (doc.get_object().get(object)) {
    return error_.set(RejectReason::kMalformedRow, "expected a JSON object");
  }
  out = Event{};
  out.kind = EventKind::kTrade;
  out.seq = elements_.position();
  out.source = source_index_;
  out.symbol = symbol_;
  uint8_t seen = 0;
  for (auto field : object) {
    std::string_view key;
    simdjson::ondemand::value value;
    if (auto err = field.unescaped_key().get(key); err || field.value().get(value)) {
      return error_.set(RejectReason::kMalformedRow, "not valid JSON: {}",
                        simdjson::error_message(err ? err : field.error()));
    }
    if (!read_field(key, value, out, seen)) return false;
  }
  if (seen != kSeenAll) {
    return error_.set(RejectReason::kMissingField, "{} is missing", missing_key(seen));
  }
  return true;
}

bool BinanceJsonFeed::read_field(std::string_view key, simdjson::ondemand::value value, Event& out,
                                 uint8_t& seen) {
  if (key.size() != 1) return true;
  std::string_view text;
  switch (key[0]) {
    case 'a': {
      seen |= kSeenId;
      uint64_t id = 0;
      if (!scalar_field(value, "a (aggregate trade id)", text) ||
          !parse_unsigned("a (aggregate trade id)", text, id, error_)) {
        return false;
      }
      out.id = ExternalId::number(id);
      return true;
    }
    case 'p':
      seen |= kSeenPrice;
      return scalar_field(value, "p (price)", text) && parse_price(text, out.price, error_);
    case 'q':
      seen |= kSeenQuantity;
      return scalar_field(value, "q (quantity)", text) && parse_quantity(text, out.qty, error_);
    case 'T':
      seen |= kSeenTime;
      return scalar_field(value, "T (time)", text) && parse_epoch_time(text, out.ts, error_);
    case 'm': {
      seen |= kSeenMaker;
      bool buyer_maker = false;
      if (value.get_bool().get(buyer_maker)) {
        return error_.set(RejectReason::kBadField, "m (buyer is maker) is not true or false");
      }
      // The maker bought, so the taker (the aggressor) sold.
      out.side = buyer_maker ? Side::kSell : Side::kBuy;
      return true;
    }
    default:
      return true;
  }
}

bool BinanceJsonFeed::scalar_field(simdjson::ondemand::value& value, std::string_view field,
                                   std::string_view& text) {
  if (scalar_text(value, text)) return true;
  return error_.set(RejectReason::kBadField, "{} is not a string or number", field);
}

}  // namespace tw
