#include "eval/matching.hpp"

namespace tw::eval {

EpisodeMatcher::EpisodeMatcher(const std::vector<std::pair<std::string, std::string>>& owners,
                               Duration slack)
    : slack_(slack) {
  for (const auto& [account, owner] : owners) owners_.set_owner(account, owner);
}

bool EpisodeMatcher::matches(const Alert& alert, const Episode& episode) {
  return alert.symbol == episode.symbol && windows_overlap(alert, episode) &&
         share_an_owner(alert.accounts, episode.accounts);
}

bool EpisodeMatcher::windows_overlap(const Alert& alert, const Episode& episode) const {
  return alert.start <= episode.end + slack_ && episode.start <= alert.end + slack_;
}

bool EpisodeMatcher::share_an_owner(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  // Interning gives an account with no configured owner an owner of its own name.
  for (const std::string& x : a) {
    OwnerId owner = owners_.owner_of(owners_.account(x));
    for (const std::string& y : b) {
      if (owners_.owner_of(owners_.account(y)) == owner) return true;
    }
  }
  return false;
}

}  // namespace tw::eval
