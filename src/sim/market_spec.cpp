#include "sim/market_spec.hpp"

#include <cmath>
#include <set>

#include "sim/random.hpp"

namespace tw::sim {
namespace {

int64_t pow10(int exponent) {
  int64_t v = 1;
  for (int i = 0; i < exponent; ++i) v *= 10;
  return v;
}

// 10^exponent as a fixed-point raw value; exponent is clamped to what 1e-8 scaling holds.
int64_t raw_power_of_ten(int exponent) {
  if (exponent < -kFixedDecimals) exponent = -kFixedDecimals;
  if (exponent > 9) exponent = 9;
  return pow10(exponent + kFixedDecimals);
}

SymbolSpec known(const char* name, int64_t price_units, int tick_exp, int lot_exp, double rate,
                 double minute_vol, double median_notional) {
  SymbolSpec s;
  s.name = name;
  s.start_price = Price::from_units(price_units);
  s.tick = Price::from_raw(raw_power_of_ten(tick_exp));
  s.lot = Quantity::from_raw(raw_power_of_ten(lot_exp));
  s.trades_per_second = rate;
  s.minute_volatility = minute_vol;
  s.median_notional = median_notional;
  return s;
}

std::string invented_name(Rng& rng, const std::set<std::string>& taken) {
  static constexpr char kConsonants[] = "BCDFGHJKLMNPRSTVXZ";
  static constexpr char kVowels[] = "AEIOU";
  for (int length = 2;; ++length) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::string base;
      for (int i = 0; i < length; ++i) {
        base.push_back(kConsonants[rng.below(sizeof kConsonants - 1)]);
        base.push_back(kVowels[rng.below(sizeof kVowels - 1)]);
      }
      if (rng.chance(0.5)) base.push_back(kConsonants[rng.below(sizeof kConsonants - 1)]);
      std::string name = base + "USDT";
      if (!taken.count(name)) return name;
    }
  }
}

SymbolSpec invented(int index, const std::set<std::string>& taken) {
  // Seeded by the index only: the instrument list does not change with the market seed.
  Rng rng(0x5EED'C0DE'0000'0000ULL, static_cast<uint64_t>(index));
  SymbolSpec s;
  s.name = invented_name(rng, taken);
  double level = std::exp(rng.uniform(std::log(0.02), std::log(800.0)));
  int magnitude = static_cast<int>(std::floor(std::log10(level)));
  s.tick = Price::from_raw(raw_power_of_ten(magnitude - 4));
  int64_t ticks = std::llround(level / s.tick.to_double());
  s.start_price = Price::from_raw(ticks * s.tick.raw());
  s.median_notional = rng.uniform(100, 400);
  int lot_exp = static_cast<int>(std::floor(std::log10(s.median_notional / level))) - 3;
  s.lot = Quantity::from_raw(raw_power_of_ten(lot_exp));
  s.spread_ticks = 1 + static_cast<int>(rng.below(3));
  s.trades_per_second = std::exp(rng.uniform(std::log(0.5), std::log(3.0)));
  s.minute_volatility = rng.uniform(0.0010, 0.0020);
  return s;
}

}  // namespace

std::vector<SymbolSpec> make_symbol_specs(int count) {
  std::vector<SymbolSpec> specs = {
      known("BTCUSDT", 42000, -2, -5, 6.0, 0.0008, 800),
      known("ETHUSDT", 2300, -2, -4, 4.5, 0.0010, 500),
      known("SOLUSDT", 98, -2, -3, 3.0, 0.0012, 300),
  };
  if (count < static_cast<int>(specs.size())) specs.resize(static_cast<size_t>(count));
  std::set<std::string> taken;
  for (const SymbolSpec& s : specs) taken.insert(s.name);
  for (int i = static_cast<int>(specs.size()); i < count; ++i) {
    specs.push_back(invented(i, taken));
    taken.insert(specs.back().name);
  }
  return specs;
}

std::vector<std::string> make_account_names(int count) {
  int digits = 4;
  for (int limit = 10000; count >= limit && digits < 9; limit *= 10) ++digits;
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(count));
  for (int i = 1; i <= count; ++i) {
    std::string name(static_cast<size_t>(digits) + 1, '0');
    name[0] = 'T';
    for (int v = i, pos = digits; v != 0; v /= 10, --pos)
      name[static_cast<size_t>(pos)] = static_cast<char>('0' + v % 10);
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace tw::sim
