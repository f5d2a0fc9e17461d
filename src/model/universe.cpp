#include "model/universe.hpp"

namespace tw {

AccountId Universe::account(std::string_view name) {
  uint32_t id = accounts_.intern(name);
  if (id >= owner_of_.size()) owner_of_.push_back(owners_.intern(name));
  return AccountId{id};
}

void Universe::set_owner(std::string_view account_name, std::string_view owner) {
  AccountId id = account(account_name);
  owner_of_[id.value] = owners_.intern(owner);
}

}  // namespace tw
