// The evidence recorder: keeps each symbol's recent events and book samples, and on each alert
// resolves its evidence ids into the trades and orders behind it and the market around it.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "book/order_book.hpp"
#include "config/config.hpp"
#include "detect/per_symbol.hpp"
#include "engine/evidence_history.hpp"
#include "model/alert.hpp"

namespace tw {

/// Takes the evidence JSON of an alert (docs/API.md, EVIDENCE), e.g. AlertStore::write_evidence.
using EvidenceWriter = std::function<void(const std::string& alert_id, std::string json)>;

/// Fed by the engine with every event it hands the rules, before they see it, so that an alert
/// raised on an event finds it held. Subscribed to the alert bus, it answers each alert with
/// its evidence in one scan of the symbol's history. Memory is bounded per symbol by
/// `history` events and `history_age` of event time; nothing is allocated per event once each
/// symbol's rings have grown. Nothing reads the wall clock: the same input gives the same JSON.
class EvidenceRecorder final : public AlertSink {
 public:
  /// `universe` must outlive the recorder.
  EvidenceRecorder(const EvidenceConfig& config, const Universe& universe, EvidenceWriter write);

  /// The trades of a run of events (other kinds are passed over).
  void on_trades(std::span<const Event> run) {
    for (const Event& e : run) {
      if (e.is_trade()) on_trade(e);
    }
  }
  void on_trade(const Event& e);
  /// An order event, with its symbol's book just after applying it.
  void on_order_event(const Event& e, const OrderBook& book);
  /// A segment of order flow (Engine::deliver_order_flow): no book changed after an order event
  /// of its symbol within the segment, so `books` show each as of its event.
  void on_segment(std::span<const Event> segment, const PerSymbol<OrderBook>& books);

  /// Resolves the alert's evidence and hands the JSON to the writer.
  void emit(Alert&& alert) override;
  /// The evidence JSON of `alert` as of now.
  std::string evidence_json(const Alert& alert) const;

  /// The symbol's history; null before its first event.
  const SymbolHistory* history(SymbolId symbol) const { return histories_.find(symbol); }
  /// Bytes the held events and samples take over every symbol.
  size_t memory_bytes() const;

 private:
  SymbolHistory& history_of(SymbolId symbol) {
    return histories_.get(symbol, [this](SymbolId) {
      return SymbolHistory(static_cast<size_t>(config_.history), config_.history_age);
    });
  }
  void sample_depth(SymbolHistory& history, Timestamp ts, const OrderBook& book);

  EvidenceConfig config_;
  const Universe& universe_;
  EvidenceWriter write_;
  PerSymbol<SymbolHistory> histories_;
};

}  // namespace tw
