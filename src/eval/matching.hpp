// When an alert covers an injected episode: same symbol, overlapping windows, shared owners.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "eval/labels.hpp"
#include "model/alert.hpp"
#include "model/universe.hpp"

namespace tw::eval {

/// Decides matches between alerts and episodes. Accounts are compared by beneficial owner, so
/// an alert naming one account of an owner covers an episode naming another.
class EpisodeMatcher {
 public:
  /// `owners`: (account, owner) pairs, as Config::owners holds them. `slack` widens both
  /// windows' overlap test: windows [a, b] and [c, d] overlap when a <= d + slack and
  /// c <= b + slack.
  EpisodeMatcher(const std::vector<std::pair<std::string, std::string>>& owners, Duration slack);

  /// Symbol, window and accounts agree; the rules are not compared.
  bool matches(const Alert& alert, const Episode& episode);

 private:
  bool windows_overlap(const Alert& alert, const Episode& episode) const;
  /// True when either side names no account: a side that names nobody cannot disagree.
  bool share_an_owner(const std::vector<std::string>& a, const std::vector<std::string>& b);

  Universe owners_;
  Duration slack_;
};

}  // namespace tw::eval
