// OHLCV bars built from trades in one pass: open/high/low/close, volumes by aggressor side.
#pragma once

#include <algorithm>
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
  double value = 0;      // sum of price x quantity (for a BarBuilder, set when the bar closes)
  uint64_t trades = 0;

  bool empty() const { return trades == 0; }
  double vwap() const { return volume.is_zero() ? close.to_double() : value / volume.to_double(); }
};

/// Exact sum of price x quantity in raw units (10^-16): an integer multiply-add per trade
/// instead of two divisions, rounded to a double once.
class ExactNotional {
 public:
  void add(Price p, Quantity q) { sum_ += static_cast<Int128>(p.raw()) * q.raw(); }
  double to_double() const {
    constexpr double kRawSquared = static_cast<double>(kFixedScale) * kFixedScale;
    return static_cast<double>(sum_) / kRawSquared;
  }

 private:
  // A product of two raw values needs up to 126 bits (__extension__: GCC/Clang's 128-bit type
  // is not ISO C++).
  __extension__ using Int128 = __int128;
  Int128 sum_ = 0;
};

/// Folds a symbol's trades into consecutive bars of a fixed interval. Bars with no trades are
/// not produced; `on_trade` returns true when the trade closed the previous bar into `closed`.
class BarBuilder {
  // add() takes the aggressor side's bits as 0/1 factors.
  static_assert(static_cast<int>(Side::kUnknown) == 0 && static_cast<int>(Side::kBuy) == 1 &&
                static_cast<int>(Side::kSell) == 2);

 public:
  explicit BarBuilder(Duration interval) : interval_(interval) {}

  bool on_trade(const Event& trade, Bar& closed) {
    // A trade inside the open bar needs no division to find its bar.
    if (in_open_bar(trade.ts)) {
      add(trade);
      return false;
    }
    Timestamp start = trade.ts.floor_to(interval_);
    bool rolled = false;
    if (!current_.empty() && start != current_.start) {
      close_into(closed);
      rolled = true;
    }
    if (current_.empty()) open(start, trade.price);
    add(trade);
    return rolled;
  }

  /// True when a trade at `t` joins the open bar; `add_to_open_bar` is then all `on_trade` does.
  bool in_open_bar(Timestamp t) const { return t >= current_.start && t < current_end_; }
  void add_to_open_bar(const Event& trade) { add(trade); }

  /// Closes the open bar if event time has moved past it.
  bool close_before(Timestamp watermark, Bar& closed) {
    if (current_.empty() || watermark < current_end_) return false;
    close_into(closed);
    return true;
  }

  /// The open bar. Its `value` is only filled in when it closes.
  const Bar& current() const { return current_; }
  Duration interval() const { return interval_; }

 private:
  void open(Timestamp start, Price first) {
    current_.start = start;
    current_end_ = start + interval_;
    current_.open = current_.high = current_.low = first;
  }

  void add(const Event& t) {
    // Copies: the bar's stores could alias `t` for all the compiler knows, so it would
    // reload every field after each store.
    const Price price = t.price;
    const Quantity qty = t.qty;
    const Side side = t.side;
    // Branches, not max/min: a new extreme is rare once a bar has a few trades, so the
    // usual path is a compare each.
    if (price > current_.high) current_.high = price;
    if (price < current_.low) current_.low = price;
    current_.close = price;
    current_.volume += qty;
    // Multiplying by a bit of the side keeps a coin-toss branch out of the per-trade path.
    const auto bits = static_cast<int64_t>(side);
    current_.buy_volume += Quantity::from_raw(qty.raw() * (bits & 1));
    current_.sell_volume += Quantity::from_raw(qty.raw() * (bits >> 1));
    value_.add(price, qty);
    ++current_.trades;
  }

  void close_into(Bar& closed) {
    current_.value = value_.to_double();
    closed = current_;
    current_ = Bar{};
    current_end_ = kNoOpenBar;
    value_ = ExactNotional{};
  }

  // No time is before it, so in_open_bar needs no separate test for an open bar.
  static constexpr Timestamp kNoOpenBar = Timestamp::min();

  Duration interval_;
  Bar current_;
  Timestamp current_end_ = kNoOpenBar;  // start + interval of the open bar
  ExactNotional value_;                 // of the open bar
};

/// Receives each closed bar of each symbol.
class BarSink {
 public:
  virtual ~BarSink() = default;
  virtual void on_bar(std::string_view symbol, const Bar& bar) = 0;
};

}  // namespace tw
