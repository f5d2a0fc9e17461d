#include "eval/recorded_inputs.hpp"

#include <algorithm>
#include <span>

#include "feed/reject.hpp"

namespace tw::eval {
namespace {

/// A feed over events already read: what its file gave, in the same order and sequencing.
class RecordedFeed final : public Feed {
 public:
  RecordedFeed(std::string name, std::span<const Event> events, bool sequenced)
      : name_(std::move(name)), events_(events), sequenced_(sequenced) {}

  bool next(Event& out) override {
    if (at_ == events_.size()) return false;
    out = events_[at_++];
    return true;
  }
  size_t next_batch(std::span<Event> out) override {
    const size_t n = std::min(out.size(), events_.size() - at_);
    std::copy_n(events_.begin() + static_cast<std::ptrdiff_t>(at_), n, out.begin());
    at_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }
  uint64_t bytes_read() const override { return 0; }
  uint64_t bytes_total() const override { return 0; }
  bool sequenced() const override { return sequenced_; }

 private:
  std::string name_;
  std::span<const Event> events_;
  size_t at_ = 0;
  bool sequenced_;
};

}  // namespace

RecordedInputs::RecordedInputs(const std::vector<std::string>& inputs, FeedOptions options,
                               const std::vector<std::pair<std::string, std::string>>& owners)
    : names_(inputs) {
  for (const auto& [account, owner] : owners) universe_.set_owner(account, owner);
  DeadLetter rejects;
  for (size_t i = 0; i < inputs.size(); ++i) {
    options.source_index = static_cast<uint16_t>(i);
    std::unique_ptr<Feed> feed = open_feed(inputs[i], options, universe_, rejects);
    Input& input = inputs_.emplace_back();
    input.sequenced = feed->sequenced();
    for (Event e; feed->next(e);) input.events.push_back(e);
  }
  rejects_ = rejects.total();
}

std::vector<std::unique_ptr<Feed>> RecordedInputs::replay() const {
  std::vector<std::unique_ptr<Feed>> feeds;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    feeds.push_back(
        std::make_unique<RecordedFeed>(names_[i], inputs_[i].events, inputs_[i].sequenced));
  }
  return feeds;
}

uint64_t RecordedInputs::events() const {
  uint64_t n = 0;
  for (const Input& input : inputs_) n += input.events.size();
  return n;
}

}  // namespace tw::eval
