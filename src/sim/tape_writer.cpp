#include "sim/tape_writer.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "util/format.hpp"

namespace tw::sim {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

// "000102...ff": the two hex digits of every byte value.
constexpr auto kHexPairTable = [] {
  std::array<char, 512> table{};
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    table[static_cast<size_t>(2 * i)] = kHex[i >> 4];
    table[static_cast<size_t>(2 * i + 1)] = kHex[i & 15];
  }
  return table;
}();
constexpr const char* kHexPairs = kHexPairTable.data();

void append_micros(std::string& out, int64_t micros) {
  char digits[7] = {'.'};
  for (int i = 6; i >= 1; --i) {
    digits[i] = static_cast<char>('0' + micros % 10);
    micros /= 10;
  }
  out.append(digits, sizeof digits);
  out.push_back('Z');
}

void split_seconds(Timestamp ts, int64_t& second, int64_t& micros) {
  second = ts.nanos() / kNanosPerSecond;
  if (ts.nanos() % kNanosPerSecond < 0) --second;
  micros = (ts.nanos() - second * kNanosPerSecond) / 1000;
}

// "YYYY-MM-DDThh:mm:ss" of a whole second.
std::string second_prefix(int64_t second) {
  return Timestamp::from_nanos(second * kNanosPerSecond).to_iso8601().substr(0, 19);
}

std::string tape_time(Timestamp ts) {
  std::string s;
  append_tape_time(s, ts);
  return s;
}

std::string decimal(int64_t raw) {
  return format_scaled_decimal(raw);
}

std::string account_list(const TradeGenerator& market, const std::vector<uint32_t>& accounts) {
  std::string json = "[";
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (i) json += ",";
    append_json_string(json, market.account_names()[accounts[i]]);
  }
  return json + "]";
}

}  // namespace

void append_tape_time(std::string& out, Timestamp ts) {
  int64_t second = 0, micros = 0;
  split_seconds(ts, second, micros);
  out += second_prefix(second);
  append_micros(out, micros);
}

OutputFile::OutputFile(const std::string& path, const char* what) : path_(path), what_(what) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) {
    throw std::runtime_error("cannot create " + what_ + " file '" + path +
                             "': " + std::strerror(errno));
  }
  buffer_.reserve(kFlushAt + 4096);
}

OutputFile::~OutputFile() {
  if (file_) std::fclose(file_);
}

void OutputFile::flush() {
  if (!file_) throw std::runtime_error(what_ + " file '" + path_ + "' is already closed");
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    throw std::runtime_error("cannot write " + what_ + " file '" + path_ +
                             "': " + std::strerror(errno));
  }
  buffer_.clear();
}

void OutputFile::close() {
  flush();
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    throw std::runtime_error("cannot finish " + what_ + " file '" + path_ +
                             "': " + std::strerror(errno));
  }
}

TapeWriter::TapeWriter(const std::string& path, const TradeGenerator& market, uint64_t seed)
    : out_(path, "trades"), accounts_(market.account_names()), ids_(seed, 3) {
  for (const SymbolSpec& spec : market.symbols()) symbols_.push_back(spec.name);
  out_.buffer() += kTapeHeader;
}

void TapeWriter::append_time(std::string& out, Timestamp ts) {
  int64_t second = 0, micros = 0;
  split_seconds(ts, second, micros);
  if (second != cached_second_) {
    std::string prefix = second_prefix(second);
    std::memcpy(second_text_, prefix.data(), sizeof second_text_);
    cached_second_ = second;
  }
  out.append(second_text_, sizeof second_text_);
  append_micros(out, micros);
}

void TapeWriter::append_uuid(std::string& out) {
  uint64_t high = (ids_.next() & ~0xF000ULL) | 0x4000ULL;                        // version 4
  uint64_t low = (ids_.next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122
  // Bytes in the 8-4-4-4-12 layout; the dashes sit at fixed offsets.
  static constexpr int kOffset[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  char text[36];
  text[8] = text[13] = text[18] = text[23] = '-';
  for (int i = 0; i < 16; ++i) {
    uint64_t word = i < 8 ? high : low;
    unsigned byte = static_cast<unsigned>(word >> (56 - 8 * (i % 8))) & 0xFF;
    std::memcpy(text + kOffset[i], kHexPairs + 2 * byte, 2);
  }
  out.append(text, sizeof text);
}

void TapeWriter::write(const SimTrade& row) {
  std::string& b = out_.buffer();
  append_uuid(b);
  b.push_back(',');
  append_time(b, row.ts);
  b.push_back(',');
  b += symbols_[row.symbol];
  b.push_back(',');
  append_scaled_decimal(b, row.price.raw());
  b.push_back(',');
  append_scaled_decimal(b, row.qty.raw());
  b += row.side == Side::kBuy ? ",BUY," : ",SELL,";
  b += accounts_[row.account];
  b.push_back(',');
  append_uuid(b);
  b.push_back(',');
  b += event_type_name(row.kind);
  b.push_back('\n');
  out_.maybe_flush();
}

LabelWriter::LabelWriter(const std::string& path, const TradeGenerator& market)
    : out_(path, "labels"), market_(market) {}

void LabelWriter::write(const EpisodeLabel& label) {
  JsonObjectWriter json;
  json.field("episode", int64_t{label.episode})
      .field("rule", rule_name(label.kind))
      .field("kind", kind_name(label.kind))
      .field("symbol", market_.symbols()[label.symbol].name)
      .raw("accounts", account_list(market_, label.accounts))
      .field("start", tape_time(label.start))
      .field("end", tape_time(label.end))
      .field("rows", int64_t{label.rows})
      .field("truncated", label.truncated);
  if (label.kind == EpisodeKind::kPumpAndDump) {
    double base = label.base_price.to_double();
    double rise = label.peak_price.to_double() - base;
    double fall = label.peak_price.to_double() - label.low_price.to_double();
    json.raw("base_price", decimal(label.base_price.raw()))
        .raw("peak_price", decimal(label.peak_price.raw()))
        .raw("low_price", decimal(label.low_price.raw()))
        .field("peak_time", tape_time(label.peak_time))
        .field("pump_end", tape_time(label.pump_end))
        .field("rise_pct", round_to(100 * rise / base, 2))
        .field("giveback_pct", round_to(rise > 0 ? 100 * fall / rise : 0, 2))
        .field("target_rise_pct", round_to(100 * label.target_rise, 2))
        .field("target_giveback_pct", round_to(100 * label.target_giveback, 2))
        .field("volume_multiple", round_to(label.volume_multiple, 2))
        .raw("pump_volume", decimal(label.pump_volume.raw()))
        .raw("dump_volume", decimal(label.dump_volume.raw()));
  } else {
    json.field("side", to_string(label.first_side))
        .raw("price", decimal(label.price.raw()))
        .raw("price2", decimal(label.price2.raw()))
        .raw("quantity", decimal(label.quantity.raw()))
        .field("delay_ms", round_to((label.end - label.start).to_seconds() * 1000, 3));
    if (label.owner_group >= 0) {
      json.field("owner", owner_name(static_cast<size_t>(label.owner_group)));
    }
  }
  out_.buffer() += std::move(json).finish();
  out_.buffer().push_back('\n');
  out_.maybe_flush();
}

std::string owner_name(size_t index) {
  std::string number = std::to_string(index + 1);
  std::string name = "O";
  if (number.size() < 3) name.append(3 - number.size(), '0');
  name += number;
  return name;
}

void write_owners_file(const std::string& path, const TradeGenerator& market, uint64_t seed) {
  OutputFile out(path, "owners");
  std::string& b = out.buffer();
  b += "# Beneficial owners of linked accounts in the simulated market (tapewatch generate, seed ";
  b += std::to_string(seed) + ").\n[owners]\n";
  const auto& groups = market.owner_groups();
  for (size_t g = 0; g < groups.size(); ++g) {
    b += owner_name(g) + " = " + account_list(market, groups[g]) + "\n";
  }
  out.close();
}

}  // namespace tw::sim
