// Dense per-symbol storage for a detector's state, created on a symbol's first event.
#pragma once

#include <memory>
#include <vector>

#include "model/universe.hpp"

namespace tw {

/// Holds one State per symbol id. `make(symbol)` builds the state the first time a symbol
/// is seen (typically resolving that symbol's parameters); later lookups are an index.
template <class State>
class PerSymbol {
 public:
  template <class Make>
  State& get(SymbolId symbol, Make&& make) {
    if (symbol.value < states_.size() && states_[symbol.value]) return *states_[symbol.value];
    return create(symbol, make);
  }

  template <class Fn>
  void for_each(Fn&& fn) {
    for (size_t i = 0; i < states_.size(); ++i) {
      if (states_[i]) fn(SymbolId{static_cast<uint32_t>(i)}, *states_[i]);
    }
  }

 private:
  // Out of line, so the per-event lookup above stays a bounds check and an index.
  template <class Make>
  [[gnu::noinline]] State& create(SymbolId symbol, Make& make) {
    if (symbol.value >= states_.size()) states_.resize(symbol.value + 1);
    auto& slot = states_[symbol.value];
    slot = std::make_unique<State>(make(symbol));
    return *slot;
  }

  std::vector<std::unique_ptr<State>> states_;
};

}  // namespace tw
