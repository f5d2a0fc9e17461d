// Fixed-point decimal (int64 scaled by 10^8) used for prices and quantities.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace tw {

inline constexpr int kFixedDecimals = 8;
inline constexpr int64_t kFixedScale = 100'000'000;

/// Why a decimal text could not become a fixed-point number.
enum class DecimalError { kEmpty, kSyntax, kTooManyDecimals, kOverflow };

/// Parses "[-]digits[.digits]" exactly into a value scaled by 10^8. No exponent, no spaces.
/// Digits beyond the 8th decimal are accepted only when they are zeros.
bool parse_scaled_decimal(std::string_view text, int64_t& out, DecimalError* error = nullptr);

/// Writes a scaled value as the shortest decimal text that round-trips ("42015.5", "0.00013").
std::string format_scaled_decimal(int64_t raw);
/// Appends the same text to `out` without a temporary.
void append_scaled_decimal(std::string& out, int64_t raw);

/// Strongly typed fixed-point value; Tag keeps prices and quantities from mixing.
template <class Tag>
class Fixed {
 public:
  constexpr Fixed() = default;
  static constexpr Fixed from_raw(int64_t raw) { return Fixed(raw); }
  /// Whole units, at most kMaxUnits.
  static constexpr Fixed from_units(int64_t units) { return Fixed(units * kFixedScale); }
  static constexpr int64_t kMaxUnits = std::numeric_limits<int64_t>::max() / kFixedScale;
  /// A value written in ten-thousandths (4 implied decimals: LOBSTER prices, ITCH Price(4)),
  /// at most kMaxTenThousandths.
  static constexpr Fixed from_ten_thousandths(int64_t v) {
    return Fixed(v * (kFixedScale / 10'000));
  }
  static constexpr int64_t kMaxTenThousandths =
      std::numeric_limits<int64_t>::max() / (kFixedScale / 10'000);
  static Fixed from_double(double v) {
    return Fixed(
        static_cast<int64_t>(v * static_cast<double>(kFixedScale) + (v >= 0 ? 0.5 : -0.5)));
  }
  static std::optional<Fixed> parse(std::string_view text) {
    int64_t raw = 0;
    if (!parse_scaled_decimal(text, raw)) return std::nullopt;
    return Fixed(raw);
  }

  constexpr int64_t raw() const { return raw_; }
  constexpr double to_double() const { return static_cast<double>(raw_) / kFixedScale; }
  std::string to_string() const { return format_scaled_decimal(raw_); }
  constexpr bool is_zero() const { return raw_ == 0; }
  constexpr bool is_positive() const { return raw_ > 0; }

  constexpr auto operator<=>(const Fixed&) const = default;
  constexpr Fixed operator+(Fixed o) const { return Fixed(raw_ + o.raw_); }
  constexpr Fixed operator-(Fixed o) const { return Fixed(raw_ - o.raw_); }
  constexpr Fixed& operator+=(Fixed o) {
    raw_ += o.raw_;
    return *this;
  }
  constexpr Fixed& operator-=(Fixed o) {
    raw_ -= o.raw_;
    return *this;
  }

 private:
  constexpr explicit Fixed(int64_t raw) : raw_(raw) {}
  int64_t raw_ = 0;
};

struct PriceTag {};
struct QuantityTag {};
using Price = Fixed<PriceTag>;
using Quantity = Fixed<QuantityTag>;

/// Traded value (price x quantity) in quote currency; double is exact enough for metrics.
inline double notional(Price p, Quantity q) {
  return p.to_double() * q.to_double();
}

}  // namespace tw
