// What the order-flow rules share: order messages counted by kind, each message attributed to
// the owner of its order, per-account state capped per symbol, and aligned event-time buckets.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "book/order_book.hpp"
#include "detect/symbol_rule.hpp"
#include "model/event.hpp"
#include "model/timestamp.hpp"
#include "model/universe.hpp"
#include "util/format.hpp"
#include "util/hash.hpp"
#include "util/keyed_pool.hpp"

namespace tw {

/// Order messages by kind: adds, partial cancels, deletes (full cancels), replaces
/// (modifications) and executions of resting orders.
struct MessageCounts {
  int64_t adds = 0;
  int64_t cancels = 0;
  int64_t deletes = 0;
  int64_t replaces = 0;
  int64_t executions = 0;

  /// Counts an order event (is_order_event()); other kinds count nothing. Inline: the
  /// order-flow rules count every message.
  void count(EventKind kind) {
    switch (kind) {
      case EventKind::kOrderAdd:
        ++adds;
        return;
      case EventKind::kOrderCancel:
        ++cancels;
        return;
      case EventKind::kOrderDelete:
        ++deletes;
        return;
      case EventKind::kOrderReplace:
        ++replaces;
        return;
      case EventKind::kOrderExecute:
        ++executions;
        return;
      case EventKind::kTrade:
      case EventKind::kQuote:
      case EventKind::kStatus:
        return;
    }
  }
  MessageCounts& operator+=(const MessageCounts& o);

  /// Every order event: what a venue's gateway and feed carry.
  int64_t messages() const { return adds + cancels + deletes + replaces + executions; }
  /// What a participant sends: new orders, modifications and cancellations (RTS 9's
  /// "orders"); executions are the venue's answer, not the participant's message.
  int64_t orders_sent() const { return adds + cancels + deletes + replaces; }
  int64_t cancellations() const { return cancels + deletes; }
  /// Writes adds, cancels, deletes, replaces and executions.
  void write(JsonObjectWriter& out) const;
};

/// The first N orders of a run of messages, for evidence: the messages of one order (its add
/// and its delete) are one entry. A message costs a test of one bit of a 64-bit filter of the
/// ids' lookup keys, and for the few whose bit is set at most N compares of keys (of ids only
/// when the keys match); none once full.
template <size_t N>
class OrderSample {
 public:
  void add(const Event& e) {
    if (size_ == N) return;
    const uint64_t key = e.id.lookup_key();
    const uint64_t bit = uint64_t{1} << fibonacci_index(key, 58);
    if ((filter_ & bit) != 0 && holds(key, e.id)) return;
    filter_ |= bit;
    keys_[size_] = key;
    refs_[size_++] = EventRef::of(e);
  }
  void clear() {
    size_ = 0;
    filter_ = 0;
  }
  size_t size() const { return size_; }
  const EventRef* begin() const { return refs_.data(); }
  const EventRef* end() const { return refs_.data() + size_; }

 private:
  bool holds(uint64_t key, const ExternalId& id) const {
    for (size_t i = 0; i < size_; ++i) {
      if (keys_[i] == key && refs_[i].id == id) return true;
    }
    return false;
  }

  uint64_t filter_ = 0;  // bit fibonacci_index(key, 58) of each key held
  std::array<uint64_t, N> keys_;
  std::array<EventRef, N> refs_;
  size_t size_ = 0;
};

/// Who sent a run of order messages, as the order-flow rules' alerts name it: an account, or
/// the orders of a symbol that have no known owner.
struct SenderName {
  AccountId id;              // 0: no known owner
  std::string_view account;  // its name; empty without one

  static SenderName of(AccountId id, const SymbolScope& scope) {
    return {id, id ? scope.account_name(id) : std::string_view()};
  }
  /// "account:NAME" or "unattributed", for alert ids.
  std::string key() const { return id ? "account:" + std::string(account) : "unattributed"; }
  /// "account" or "unattributed", the `sender` metric.
  std::string_view kind() const { return id ? "account" : "unattributed"; }
  /// The subject of the alert's sentence.
  std::string who() const {
    return account.empty() ? std::string("Orders with no known owner")
                           : "Account " + std::string(account);
  }
};

/// The account behind `e`, an order event that `book` (null without an engine) has already
/// applied: the event's own account, else the owner of its order as the book holds it, or held
/// it when the event took it out; 0 when neither is known. Feeds name the owner on the add (or
/// the replace) only, and the book keeps it with the order.
inline AccountId order_owner(const Event& e, const OrderBook* book) {
  if (e.account || book == nullptr) return e.account;
  return book->owner_of_last_event();
}

/// Per-account state of one symbol, for at most `max_accounts` accounts at a time. State has an
/// `AccountId account` member. Pointers and references are valid until the next add or remove.
template <class State>
class AccountSlots {
 public:
  explicit AccountSlots(size_t max_accounts) : index_(kInitialIndex), max_(max_accounts) {}

  State* find(AccountId account) {
    const uint32_t slot = index_.find(account.value);
    return slot == Index::kNone ? nullptr : &states_[index_[slot].at];
  }
  bool full() const { return states_.size() >= max_; }

  /// Adds `state` for `state.account`, which must not be present; null when full.
  State* add(State&& state) {
    if (full()) return nullptr;
    index_[index_.try_insert(state.account.value)].at = static_cast<uint32_t>(states_.size());
    states_.push_back(std::move(state));
    return &states_.back();
  }

  /// Removes every state for which `pred` holds (the last state moves into each hole).
  template <class Pred>
  void remove_if(Pred&& pred) {
    for (size_t i = 0; i < states_.size();) {
      if (!pred(states_[i])) {
        ++i;
        continue;
      }
      index_.erase(index_.find(states_[i].account.value));
      if (i + 1 != states_.size()) {
        states_[i] = std::move(states_.back());
        index_[index_.find(states_[i].account.value)].at = static_cast<uint32_t>(i);
      }
      states_.pop_back();
    }
  }

  void clear() {
    states_.clear();
    index_.clear();
  }
  size_t size() const { return states_.size(); }
  /// Where `state` sits among the states: valid until the next remove_if or clear.
  size_t position_of(const State& state) const {
    return static_cast<size_t>(&state - states_.data());
  }
  State& at(size_t position) { return states_[position]; }
  auto begin() { return states_.begin(); }
  auto end() { return states_.end(); }

 private:
  struct Position {
    uint64_t key = 0;  // the account id
    uint32_t at = 0;   // in states_
  };
  using Index = KeyedPool<Position>;
  static constexpr size_t kInitialIndex = 16;  // grows with the accounts a symbol meets

  Index index_;
  std::vector<State> states_;
  size_t max_;
};

}  // namespace tw
