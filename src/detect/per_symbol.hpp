// Dense per-symbol storage for a detector's state, created on a symbol's first event.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/universe.hpp"

namespace tw {

/// Holds one State per symbol id. `make(symbol)` builds the state the first time a symbol
/// is seen (typically resolving that symbol's parameters); later lookups are a compare and an
/// index. States never move once made.
template <class State>
class PerSymbol {
 public:
  /// The symbol's state, or null before its first get().
  State* find(SymbolId symbol) const {
    return symbol.value < known_ ? by_id_[symbol.value] : nullptr;
  }

  template <class Make>
  State& get(SymbolId symbol, Make&& make) {
    if (State* state = find(symbol)) return *state;
    return create(symbol, make);
  }

  template <class Fn>
  void for_each(Fn&& fn) {
    for (uint32_t i = 0; i < known_; ++i) {
      if (by_id_[i]) fn(SymbolId{i}, *by_id_[i]);
    }
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (uint32_t i = 0; i < known_; ++i) {
      if (by_id_[i]) fn(SymbolId{i}, static_cast<const State&>(*by_id_[i]));
    }
  }

 private:
  // Out of line, so the per-event lookup above stays a compare and an index.
  template <class Make>
  [[gnu::noinline]] State& create(SymbolId symbol, Make& make) {
    if (symbol.value >= by_id_.size()) by_id_.resize(symbol.value + 1, nullptr);
    known_ = static_cast<uint32_t>(by_id_.size());
    owned_.push_back(std::make_unique<State>(make(symbol)));
    by_id_[symbol.value] = owned_.back().get();
    return *owned_.back();
  }

  std::vector<State*> by_id_;  // null for symbols not seen yet
  uint32_t known_ = 0;         // by_id_.size(), kept apart: one compare per lookup
  std::vector<std::unique_ptr<State>> owned_;
};

}  // namespace tw
