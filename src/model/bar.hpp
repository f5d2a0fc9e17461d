// OHLCV bars built from trades in one pass: open/high/low/close, volumes by aggressor side.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/event.hpp"

namespace tw {

struct Bar {
  Timestamp start;  // inclusive; the bar covers [start, start + interval)
  Price open, high, low, close;
  Quantity volume;
  Quantity buy_volume;   // aggressor = buyer
  Quantity sell_volume;  // aggressor = seller
  double value = 0;      // sum of price x quantity
  uint64_t trades = 0;

  bool empty() const { return trades == 0; }
  double vwap() const { return volume.is_zero() ? close.to_double() : value / volume.to_double(); }
};

/// Folds a symbol's trades into consecutive bars of a fixed interval. Bars with no trades are
/// not produced; `on_trade` returns true when the trade closed the previous bar into `closed`.
class BarBuilder {
 public:
  explicit BarBuilder(Duration interval) : interval_(interval) {}

  bool on_trade(const Event& trade, Bar& closed) {
    Timestamp start = trade.ts.floor_to(interval_);
    bool rolled = false;
    if (!current_.empty() && start != current_.start) {
      closed = current_;
      current_ = Bar{};
      rolled = true;
    }
    add(start, trade);
    return rolled;
  }

  /// Closes the open bar if event time has moved past it.
  bool close_before(Timestamp watermark, Bar& closed) {
    if (current_.empty() || watermark < current_.start + interval_) return false;
    closed = current_;
    current_ = Bar{};
    return true;
  }

  const Bar& current() const { return current_; }
  Duration interval() const { return interval_; }

 private:
  void add(Timestamp start, const Event& t) {
    if (current_.empty()) {
      current_.start = start;
      current_.open = current_.high = current_.low = t.price;
    }
    if (t.price > current_.high) current_.high = t.price;
    if (t.price < current_.low) current_.low = t.price;
    current_.close = t.price;
    current_.volume += t.qty;
    if (t.side == Side::kBuy) current_.buy_volume += t.qty;
    if (t.side == Side::kSell) current_.sell_volume += t.qty;
    current_.value += notional(t.price, t.qty);
    ++current_.trades;
  }

  Duration interval_;
  Bar current_;
};

/// Receives each closed bar of each symbol.
class BarSink {
 public:
  virtual ~BarSink() = default;
  virtual void on_bar(std::string_view symbol, const Bar& bar) = 0;
};

}  // namespace tw
