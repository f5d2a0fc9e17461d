#include "model/external_id.hpp"

#include <array>

#include "util/hash.hpp"

namespace tw {
namespace {

constexpr size_t kInlineText = 22;
constexpr size_t kHashedPrefix = 13;

// A table, not comparisons: hex digits of random ids defeat branch prediction, and feeds parse
// two UUIDs per row.
constexpr std::array<int8_t, 256> kHexValues = [] {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    table['a' + i] = static_cast<int8_t>(10 + i);
    table['A' + i] = static_cast<int8_t>(10 + i);
  }
  return table;
}();

int hex_value(char c) {
  return kHexValues[static_cast<unsigned char>(c)];
}

bool parse_uuid(std::string_view t, unsigned char out[16]) {
  if (t.size() != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-') return false;
  int n = 0;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    int hi = hex_value(t[i]);
    int lo = hex_value(t[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[n++] = static_cast<unsigned char>(hi << 4 | lo);
    ++i;
  }
  return true;
}

bool parse_canonical_number(std::string_view t, uint64_t& out) {
  if (t.empty() || t.size() > 19 || (t.size() > 1 && t[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : t) {
    unsigned d = static_cast<unsigned>(c - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

}  // namespace

ExternalId ExternalId::number(uint64_t n) {
  ExternalId id;
  id.bytes_[0] = static_cast<unsigned char>(Kind::kNumber);
  std::memcpy(id.bytes_ + 8, &n, 8);
  return id;
}

ExternalId ExternalId::from_text(std::string_view text) {
  ExternalId id;
  if (text.empty()) return id;
  uint64_t n = 0;
  if (parse_canonical_number(text, n)) return number(n);
  if (parse_uuid(text, id.bytes_ + 8)) {
    id.bytes_[0] = static_cast<unsigned char>(Kind::kUuid);
    return id;
  }
  if (text.size() <= kInlineText) {
    id.bytes_[0] = static_cast<unsigned char>(Kind::kText);
    id.bytes_[1] = static_cast<unsigned char>(text.size());
    std::memcpy(id.bytes_ + 2, text.data(), text.size());
    return id;
  }
  id.bytes_[0] = static_cast<unsigned char>(Kind::kHashedText);
  id.bytes_[1] = static_cast<unsigned char>(kHashedPrefix);
  std::memcpy(id.bytes_ + 2, text.data(), kHashedPrefix);
  uint64_t h = fnv1a64(text);
  std::memcpy(id.bytes_ + 16, &h, 8);
  return id;
}

uint64_t ExternalId::as_number() const {
  if (kind() != Kind::kNumber) return 0;
  uint64_t n;
  std::memcpy(&n, bytes_ + 8, 8);
  return n;
}

void ExternalId::append_to(std::string& out) const {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (kind()) {
    case Kind::kNone:
      return;
    case Kind::kNumber:
      out += std::to_string(as_number());
      return;
    case Kind::kUuid:
      for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHex[bytes_[8 + i] >> 4]);
        out.push_back(kHex[bytes_[8 + i] & 15]);
      }
      return;
    case Kind::kText:
      out.append(reinterpret_cast<const char*>(bytes_ + 2), bytes_[1]);
      return;
    case Kind::kHashedText: {
      out.append(reinterpret_cast<const char*>(bytes_ + 2), bytes_[1]);
      out.push_back('~');
      uint64_t h;
      std::memcpy(&h, bytes_ + 16, 8);
      for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(h >> shift) & 15]);
      return;
    }
  }
}

std::string ExternalId::to_string() const {
  std::string s;
  append_to(s);
  return s;
}

uint64_t ExternalId::hash() const {
  uint64_t a, b, c;
  std::memcpy(&a, bytes_, 8);
  std::memcpy(&b, bytes_ + 8, 8);
  std::memcpy(&c, bytes_ + 16, 8);
  return mix64(a ^ mix64(b ^ mix64(c)));
}

}  // namespace tw
