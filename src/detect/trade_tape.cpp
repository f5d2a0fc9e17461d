#include "detect/trade_tape.hpp"

namespace tw {

bool trades_against(const TapeTrade& t, Side order_side, AccountId account,
                    const Universe& universe) {
  if (!account) return t.aggressor == order_side && order_side != Side::kUnknown;
  const AccountId other = order_side == Side::kBuy ? t.seller : t.buyer;
  if (!other) return false;
  if (other == account) return true;
  const OwnerId owner = universe.owner_of(account);
  return owner.value != 0 && universe.owner_of(other) == owner;
}

void TradeTape::add(const Event& trade) {
  trades_.push(TapeTrade{trade.ts, trade.price, trade.qty, EventRef::of(trade), trade.buyer,
                         trade.seller, trade.side});
}

OppositeTrades TradeTape::against(Side side, AccountId account, Timestamp since,
                                  const Universe& universe, std::vector<EventRef>& refs,
                                  size_t max_refs) const {
  OppositeTrades found;
  size_t seen = 0;
  for_each_since(since, [&](const TapeTrade& t) {
    ++seen;
    if (!trades_against(t, side, account, universe)) return;
    ++found.count;
    found.volume = Quantity::from_raw(found.volume.raw() + t.qty.raw());
    if (refs.size() < max_refs) refs.push_back(t.ref);
  });
  found.truncated = seen == trades_.capacity();  // all kept are this recent: older ones are gone
  return found;
}

}  // namespace tw
