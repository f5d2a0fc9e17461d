// The simulated instruments (price level, tick, lot, activity, volatility) and account names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/fixed_point.hpp"

namespace tw::sim {

struct SymbolSpec {
  std::string name;
  Price start_price;  // a whole number of ticks
  Price tick;
  Quantity lot;                  // every quantity is a whole number of lots
  int spread_ticks = 1;          // quoted spread: buys print at the ask, sells at the bid
  double trades_per_second = 1;  // base arrival rate before intraday and volatility factors
  double minute_volatility = 0;  // long-run standard deviation of 1-minute log returns
  double median_notional = 0;    // quote-currency value of the median trade
};

/// BTCUSDT, ETHUSDT and SOLUSDT first (levels of early 2025), then invented names whose levels
/// come from the symbol's index alone, so `--symbols 5` lists the same market for every seed.
std::vector<SymbolSpec> make_symbol_specs(int count);

/// "T0001".."T0500": at least four digits, more when there are more accounts.
std::vector<std::string> make_account_names(int count);

}  // namespace tw::sim
