#include "book/lobster_book_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

namespace tw {
namespace {

/// Prices (by side) where the book had to infer which orders rest: adopted from a row, or
/// reduced by a message about an order it never saw.
using InferredPrices = std::set<std::pair<Side, int64_t>>;

bool has_price(const std::vector<LobsterLevel>& levels, Price price) {
  return std::any_of(levels.begin(), levels.end(),
                     [&](const LobsterLevel& l) { return l.price == price; });
}

/// Compares one side of the book with one side of a row, taking in the levels that came into
/// view; returns whether everything matched.
class SideCheck {
 public:
  SideCheck(OrderBook& book, Side side, size_t depth, BookCheck& check, InferredPrices& inferred)
      : book_(book), side_(side), depth_(depth), check_(check), inferred_(inferred) {}

  bool compare(const std::vector<LobsterLevel>& shown, const std::vector<LobsterLevel>& before) {
    bool matched = true;
    for (const LobsterLevel& level : shown) matched &= check_shown(level, before);
    for (Price price : ours_not_shown(shown)) matched &= check_unshown(price, before);
    return matched;
  }

 private:
  bool check_shown(const LobsterLevel& level, const std::vector<LobsterLevel>& before) {
    Quantity ours = book_.size_at(side_, level.price);
    if (ours == level.qty) return true;
    if (!has_price(before, level.price)) {  // it came into view with a size no message told
      book_.set_level(side_, level.price, level.qty);
      inferred_.insert({side_, level.price.raw()});
      ++check_.revealed_levels;
      if (book_.size_at(side_, level.price) == level.qty) return true;
    }
    return mismatch(ours.is_positive() ? "size" : "missing", level.price,
                    fmt::format("{} {} shown {}, book {}", side_name(), level.price.to_string(),
                                level.qty.to_string(), ours.to_string()));
  }

  bool check_unshown(Price price, const std::vector<LobsterLevel>& before) {
    if (!has_price(before, price)) {  // it left the view earlier and changed unseen
      book_.set_level(side_, price, Quantity{});
      inferred_.insert({side_, price.raw()});
      ++check_.revealed_levels;
      ++check_.revealed_gone;
      if (!book_.size_at(side_, price).is_positive()) return true;
    }
    return mismatch("extra", price,
                    fmt::format("{} {} not shown, book {}", side_name(), price.to_string(),
                                book_.size_at(side_, price).to_string()));
  }

  // The book's levels within the row's view that the row does not show.
  std::vector<Price> ours_not_shown(const std::vector<LobsterLevel>& shown) const {
    std::vector<Price> extra;
    for (size_t i = 0; i < std::min(depth_, book_.depth(side_)); ++i) {
      BookLevel ours = book_.level(side_, i);
      bool in_view = shown.size() < depth_ || !worse(ours.price, shown.back().price);
      if (in_view && !has_price(shown, ours.price)) extra.push_back(ours.price);
    }
    return extra;
  }

  bool worse(Price a, Price b) const { return side_ == Side::kBuy ? a < b : a > b; }
  const char* side_name() const { return side_ == Side::kBuy ? "bid" : "ask"; }

  bool mismatch(const char* kind, Price price, std::string what) {
    if (inferred_.count({side_, price.raw()}) != 0) ++check_.mismatches_inferred;
    ++check_.mismatches[kind];
    if (check_.first_mismatch.empty()) check_.first_mismatch = std::move(what);
    return false;
  }

  OrderBook& book_;
  Side side_;
  size_t depth_;
  BookCheck& check_;
  InferredPrices& inferred_;
};

}  // namespace

BookCheck check_lobster_book(const std::string& messages, const std::string& orderbook,
                             RejectSink& rejects) {
  Universe universe;
  FeedOptions options;
  options.format = "lobster";
  std::unique_ptr<Feed> feed = open_feed(messages, options, universe, rejects);
  LobsterBookFile rows(orderbook);
  OrderBook book;
  BookCheck check;
  LobsterBookRow row, before;
  InferredPrices inferred;
  size_t depth = 0;
  Event e;
  while (feed->next(e)) {
    ++check.messages;
    const uint64_t unknown_before = book.diagnostics().unknown_order;
    book.apply(e);
    if (book.diagnostics().unknown_order != unknown_before)
      inferred.insert({e.side, e.price.raw()});
    // Row k is the book after message line k; rows of rejected messages are passed over.
    while (rows.line() < e.seq) {
      if (!rows.next(row)) {
        throw FeedError(fmt::format("{}: ends at line {}, before the row of message line {}",
                                    orderbook, rows.line(), e.seq));
      }
    }
    if (depth == 0) {  // the first row seeds the book that existed at the start
      depth = row.depth;
      for (const LobsterLevel& l : row.asks) {
        book.set_level(Side::kSell, l.price, l.qty);
        inferred.insert({Side::kSell, l.price.raw()});
      }
      for (const LobsterLevel& l : row.bids) {
        book.set_level(Side::kBuy, l.price, l.qty);
        inferred.insert({Side::kBuy, l.price.raw()});
      }
      before = row;
      continue;
    }
    ++check.rows;
    bool asks = SideCheck(book, Side::kSell, depth, check, inferred).compare(row.asks, before.asks);
    bool bids = SideCheck(book, Side::kBuy, depth, check, inferred).compare(row.bids, before.bids);
    if (asks && bids) {
      ++check.matched;
    } else if (check.first_mismatch_line == 0) {
      check.first_mismatch_line = rows.line();
    }
    before = row;
  }
  if (rows.next(row)) {
    throw FeedError(fmt::format("{}: has more rows than {} has messages", orderbook, messages));
  }
  check.diagnostics = book.diagnostics();
  return check;
}

}  // namespace tw
