// Passes the engine's closed bars of one interval to an alert store.
#pragma once

#include "model/bar.hpp"
#include "store/alert_store.hpp"

namespace tw {

class StoreBarSink final : public BarSink {
 public:
  StoreBarSink(AlertStore& store, Duration interval) : store_(store), interval_(interval) {}
  void on_bar(std::string_view symbol, const Bar& bar) override {
    store_.write_bar(symbol, interval_, bar);
  }

 private:
  AlertStore& store_;
  Duration interval_;
};

}  // namespace tw
