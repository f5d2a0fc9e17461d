#include "detect/trade_tape.hpp"

namespace tw {

bool TradesAgainst::operator()(const TapeTrade& t) const {
  if (!account_) return t.aggressor == side_ && side_ != Side::kUnknown;
  const AccountId other = side_ == Side::kBuy ? t.seller : t.buyer;
  if (!other) return false;
  if (other == account_) return true;
  return owner_.value != 0 && universe_->owner_of(other) == owner_;
}

OppositeTrades TradeTape::against(const TradesAgainst& order, Price price, Timestamp since,
                                  std::vector<EventRef>& refs, size_t max_refs) const {
  OppositeTrades found;
  size_t seen = 0;
  Timestamp last_seen_initiated = Timestamp::max();  // the walk goes from the newest
  for_each_since(since, [&](const TapeTrade& t) {
    ++seen;
    if (!order(t)) return true;
    if (found.count++ == 0) found.newest = t.ts;
    if (order.initiated(t)) {
      if (found.initiated_times == 0) found.newest_initiated = t.ts;
      if (t.ts != last_seen_initiated) ++found.initiated_times;
      last_seen_initiated = t.ts;
    }
    if (order.at_or_through(t, price)) ++found.through_price;
    found.volume = Quantity::from_raw(found.volume.raw() + t.qty.raw());
    if (refs.size() < max_refs) refs.push_back(t.ref);
    return true;
  });
  found.truncated = seen == capacity_;  // all kept are this recent: older ones are gone
  return found;
}

}  // namespace tw
