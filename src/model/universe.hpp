// The names a run has seen: symbols, accounts and each account's beneficial owner.
#pragma once

#include <compare>
#include <cstdint>
#include <string_view>
#include <vector>

#include "model/interner.hpp"

namespace tw {

/// Dense id of an interned symbol ("BTCUSDT", "AMZN"); 0 means none.
struct SymbolId {
  uint32_t value = 0;
  constexpr auto operator<=>(const SymbolId&) const = default;
  constexpr explicit operator bool() const { return value != 0; }
};

/// Dense id of an interned account (trader, participant); 0 means unknown.
struct AccountId {
  uint32_t value = 0;
  constexpr auto operator<=>(const AccountId&) const = default;
  constexpr explicit operator bool() const { return value != 0; }
};

/// Dense id of a beneficial owner; an account with no configured owner is its own owner.
struct OwnerId {
  uint32_t value = 0;
  constexpr auto operator<=>(const OwnerId&) const = default;
};

class Universe {
 public:
  SymbolId symbol(std::string_view name) { return SymbolId{symbols_.intern(name)}; }
  SymbolId find_symbol(std::string_view name) const { return SymbolId{symbols_.find(name)}; }
  std::string_view symbol_name(SymbolId id) const { return symbols_.name(id.value); }
  uint32_t symbol_count() const { return symbols_.size(); }

  AccountId account(std::string_view name);
  AccountId find_account(std::string_view name) const { return AccountId{accounts_.find(name)}; }
  std::string_view account_name(AccountId id) const { return accounts_.name(id.value); }
  uint32_t account_count() const { return accounts_.size(); }

  /// Declares that `account` trades for `owner` (from the config's [owners] table).
  void set_owner(std::string_view account, std::string_view owner);
  OwnerId owner_of(AccountId id) const { return OwnerId{owner_of_[id.value]}; }
  std::string_view owner_name(OwnerId id) const { return owners_.name(id.value); }

 private:
  Interner symbols_;
  Interner accounts_;
  Interner owners_;
  std::vector<uint32_t> owner_of_{0};  // indexed by account id
};

}  // namespace tw
