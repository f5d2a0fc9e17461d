// Reads LOBSTER orderbook files: the provider's book after every message, N levels a side.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/fixed_point.hpp"

namespace tw {

/// One level of a LOBSTER book row.
struct LobsterLevel {
  Price price;
  Quantity qty;
};

/// One row of a LOBSTER orderbook file: the book after one message, best levels first. Empty
/// levels (the provider's 9999999999 / -9999999999 with size 0) are left out.
struct LobsterBookRow {
  std::vector<LobsterLevel> asks;
  std::vector<LobsterLevel> bids;
  size_t depth = 0;  // levels per side the file holds, empty ones included
};

/// Reads a LOBSTER orderbook file (ask price 1, ask size 1, bid price 1, bid size 1, ... per
/// level; prices in dollars x 10000) row by row. A row that does not parse is a FeedError
/// naming the file and line: the rows are a reference, not data to skip.
class LobsterBookFile {
 public:
  explicit LobsterBookFile(const std::string& path);
  ~LobsterBookFile();
  bool next(LobsterBookRow& row);
  uint64_t line() const;

 private:
  struct Reader;
  std::unique_ptr<Reader> reader_;
};

}  // namespace tw
