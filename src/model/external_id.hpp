// An order or trade id as the source wrote it, held inline in 24 bytes (no allocation).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tw {

/// Ids are numbers (Binance, ITCH), UUIDs (many CSV exports) or short text. Numbers and UUIDs
/// are stored exactly; text up to 22 bytes is kept as is; longer text keeps a 13-byte prefix
/// and a 64-bit hash of the whole, rendered as "prefix~hash" (stable, documented as lossy).
class ExternalId {
 public:
  enum class Kind : uint8_t { kNone, kNumber, kUuid, kText, kHashedText };

  constexpr ExternalId() = default;
  static ExternalId number(uint64_t n) {
    ExternalId id;
    id.bytes_[0] = static_cast<unsigned char>(Kind::kNumber);
    std::memcpy(id.bytes_ + 8, &n, 8);
    return id;
  }
  /// Picks the most compact exact form for `text`: number, UUID, text, or hashed text.
  static ExternalId from_text(std::string_view text);
  /// Makes this id from_text(text), built in place: parsers filling an event call this, as a
  /// returned id copied into the event right after being written stalls on store forwarding.
  void assign_text(std::string_view text);

  Kind kind() const { return static_cast<Kind>(bytes_[0]); }
  bool empty() const { return kind() == Kind::kNone; }
  /// The number for kNumber ids; 0 otherwise.
  uint64_t as_number() const {
    if (kind() != Kind::kNumber) return 0;
    uint64_t n;
    std::memcpy(&n, bytes_ + 8, 8);
    return n;
  }
  /// The id as text, in the source's spelling for numbers, UUIDs (lower case) and short text.
  std::string to_string() const;
  void append_to(std::string& out) const;

  bool operator==(const ExternalId& o) const { return std::memcmp(bytes_, o.bytes_, 24) == 0; }
  uint64_t hash() const;
  /// A 64-bit key for tables of ids: the number itself for numeric ids (below 2^63), the hash
  /// with the top bit set for others. Two text ids share a key only if their hashes collide.
  uint64_t lookup_key() const {
    return kind() == Kind::kNumber ? as_number() & ~kTextKeyBit : text_key();
  }

 private:
  // Text ids are keyed by their hash, kept apart from numeric ids by the top bit.
  static constexpr uint64_t kTextKeyBit = uint64_t{1} << 63;
  uint64_t text_key() const { return hash() | kTextKeyBit; }

  // bytes_[0] = kind, bytes_[1] = text length; payload from bytes_[2] (text) or bytes_[8].
  alignas(8) unsigned char bytes_[24] = {};
};

struct ExternalIdHash {
  size_t operator()(const ExternalId& id) const { return static_cast<size_t>(id.hash()); }
};

}  // namespace tw
