// Reads Binance REST aggTrades responses: a JSON array of objects, or one object per line.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "feed/feed.hpp"
#include "feed/input_buffer.hpp"
#include "feed/json_scanner.hpp"
#include "feed/validate.hpp"

namespace tw {

/// Objects {"a":id,"p":"price","q":"qty","f":first,"l":last,"T":time,"m":buyer_is_maker,
/// "M":best_match}; p and q may be strings or numbers (kept exact), T is epoch ms (us/ns told
/// by magnitude), m=true means the seller was the aggressor (Event::side = kSell). Other keys
/// are ignored. Elements stream one at a time (see JsonElementScanner), so memory is bounded by
/// the largest element, not the file. A bad element is rejected with its array index (arrays)
/// or line number (JSON lines).
class BinanceJsonFeed final : public Feed {
 public:
  /// Throws FeedError when no symbol is given and the file name yields none.
  BinanceJsonFeed(InputBuffer input, const FeedOptions& options, Universe& universe,
                  RejectSink& rejects);

  bool next(Event& out) override;
  const std::string& name() const override { return reporter_.source(); }
  uint64_t bytes_read() const override { return elements_.input().source().bytes_read(); }
  uint64_t bytes_total() const override { return elements_.input().source().bytes_total(); }

 private:
  bool parse_element(std::string_view text, Event& out);
  bool read_field(std::string_view key, simdjson::ondemand::value value, Event& out, uint8_t& seen);
  bool scalar_field(simdjson::ondemand::value& value, std::string_view field,
                    std::string_view& text);

  RejectReporter reporter_;
  JsonElementScanner elements_;
  simdjson::ondemand::parser parser_;
  std::vector<char> padded_;  // the element plus simdjson's padding, reused
  RowError error_;
  SymbolId symbol_;
  uint16_t source_index_;
};

}  // namespace tw
