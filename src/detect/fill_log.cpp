#include "detect/fill_log.hpp"

#include <bit>
#include <stdexcept>

namespace tw {

FillLog::FillLog(bool by_quantity, Position renumber_from)
    : by_quantity_(by_quantity), renumber_from_(renumber_from) {
  resize(kInitialCapacity);
}

void FillLog::expire_before(Timestamp oldest_usable) {
  // The log is in time order, so the expired fills are a prefix of it, and one load tells
  // whether a whole group of them expired. A group only partly expired waits for a later tick:
  // pairing passes its fills by their time. Counting each fill instead cost about 60
  // instructions per tick and symbol.
  Position i = usable_;
  while (end_ - i >= kExpiryGroup && key(i + kExpiryGroup - 1).ts < oldest_usable) {
    i += kExpiryGroup;
  }
  usable_ = i;
  check_renumber();
}

void FillLog::expire_all_before(Timestamp oldest_usable) {
  Position i = usable_;
  while (i < end_ && key(i).ts < oldest_usable) ++i;
  usable_ = i;
  check_renumber();
}

// Every path that adds a capacity's worth of fills expires first (make_room does when the log
// is full), so positions never pass renumber_from_ + capacity_.
void FillLog::check_renumber() {
  if (end_ >= renumber_from_) [[unlikely]]
    renumber();
}

FillLog::Position* FillLog::make_room(OwnerId owner, Quantity qty, Timestamp oldest) {
  expire_all_before(oldest);
  if (end_ - usable_ == capacity_) resize(capacity_ * 2);
  return &head(owner, qty);
}

// Moves the usable fills into rings of `capacity` and chains them again under twice as many
// heads, so chains stay short as the fills within a window grow in number.
void FillLog::resize(Position capacity) {
  if (capacity > kMaxCapacity) {
    throw std::runtime_error("wash.round_trip: more than 2^30 fills of one symbol in a window");
  }
  std::vector<FillKey> keys(capacity);
  std::vector<FillNames> names(capacity);
  for (Position i = usable_; i < end_; ++i) {
    keys[i & (capacity - 1)] = key(i);
    names[i & (capacity - 1)] = names_[i & mask_];
  }
  keys_.swap(keys);
  names_.swap(names);
  capacity_ = capacity;
  mask_ = capacity - 1;
  heads_.assign(size_t{2} * capacity, kNone);
  shift_ = 64 - std::countr_zero(heads_.size());
  for (Position i = usable_; i < end_; ++i) {
    FillKey& k = key(i);
    if (k.owner_side == 0) continue;
    Position& first = head(k.owner(), k.qty);
    link(i, first);
    first = i;
  }
}

// Links are distances, so they hold; heads of fills no longer in the log are dropped, as
// their positions would now name other fills.
void FillLog::renumber() {
  const Position shift = (usable_ - 1) & ~mask_;  // keeps usable_ at 1 or more
  for (Position& h : heads_) h = usable(h) ? h - shift : kNone;
  usable_ -= shift;
  end_ -= shift;
}

}  // namespace tw
