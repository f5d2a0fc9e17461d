#include "sim/order_flow_writer.hpp"

#include <stdexcept>
#include <string>

#include "model/new_york_time.hpp"

namespace tw::sim {

bool parse_order_file_format(std::string_view word, OrderFileFormat& out) {
  for (OrderFileFormat format :
       {OrderFileFormat::kCsv, OrderFileFormat::kItch, OrderFileFormat::kLobster}) {
    if (word == order_file_format_name(format)) {
      out = format;
      return true;
    }
  }
  return false;
}

std::string_view order_file_format_name(OrderFileFormat format) {
  switch (format) {
    case OrderFileFormat::kItch:
      return "itch";
    case OrderFileFormat::kLobster:
      return "lobster";
    default:
      return "csv";
  }
}

MarketDay MarketDay::of(std::string_view date, Timestamp start, Timestamp end) {
  MarketDay day;
  if (!parse_civil_date(date, day.year, day.month, day.day)) {
    throw std::invalid_argument("the market's date '" + std::string(date) + "' is not YYYY-MM-DD");
  }
  day.midnight = from_new_york_time(day.year, day.month, day.day, 0);
  day.start = start;
  day.end = end;
  return day;
}

}  // namespace tw::sim
