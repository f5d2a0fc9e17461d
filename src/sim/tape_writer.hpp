// Writers for the generator's outputs: the trade tape (CSV), episode labels (JSONL) and owners.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/random.hpp"
#include "sim/trade_generator.hpp"

namespace tw::sim {

/// The header of the replaced system's trades.csv.
inline constexpr const char* kTapeHeader =
    "trade_id,timestamp,symbol,price,quantity,side,trader_id,order_id,event_type\n";

/// Appends "2025-01-06T12:00:00.091000Z" (microseconds, always six digits, UTC).
void append_tape_time(std::string& out, Timestamp ts);

/// A buffered output file that reports failures with its path.
class OutputFile {
 public:
  OutputFile(const std::string& path, const char* what);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// The caller appends to buffer() and calls maybe_flush() after each record.
  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushAt) flush();
  }
  /// Flushes and closes; throws std::runtime_error naming the file if anything failed.
  void close();

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  void flush();
  std::string path_;
  std::string what_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

/// Formats rows as trades.csv. Trade and order ids are version-4 UUIDs drawn from the seed.
class TapeWriter {
 public:
  TapeWriter(const std::string& path, const TradeGenerator& market, uint64_t seed);
  void write(const SimTrade& row);
  void close() { out_.close(); }

 private:
  void append_time(std::string& out, Timestamp ts);
  void append_uuid(std::string& out);

  OutputFile out_;
  std::vector<std::string> symbols_;
  std::vector<std::string> accounts_;
  Rng ids_;
  int64_t cached_second_ = INT64_MIN;
  char second_text_[19] = {};  // "YYYY-MM-DDThh:mm:ss" of cached_second_
};

/// Formats labels as JSON lines.
class LabelWriter {
 public:
  LabelWriter(const std::string& path, const TradeGenerator& market);
  void write(const EpisodeLabel& label);
  void close() { out_.close(); }

 private:
  OutputFile out_;
  const TradeGenerator& market_;
};

/// The name written for owner group `index` in the owners file ("O001").
std::string owner_name(size_t index);

/// Writes the owner groups as a TOML [owners] table, the format the config loader reads.
void write_owners_file(const std::string& path, const TradeGenerator& market, uint64_t seed);

}  // namespace tw::sim
