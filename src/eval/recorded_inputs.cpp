#include "eval/recorded_inputs.hpp"

#include <algorithm>
#include <span>

#include "feed/reject.hpp"

namespace tw::eval {
namespace {

/// A feed over events already read: what its file gave, in the same order and sequencing.
class RecordedFeed final : public Feed {
 public:
  using Chunks = std::vector<std::vector<Event>>;

  RecordedFeed(std::string name, const Chunks& chunks, bool sequenced)
      : name_(std::move(name)), chunks_(chunks), sequenced_(sequenced) {}

  bool next(Event& out) override { return next_batch(std::span<Event>(&out, 1)) == 1; }
  size_t next_batch(std::span<Event> out) override {
    size_t n = 0;
    while (n < out.size() && chunk_ < chunks_.size()) {
      const std::vector<Event>& chunk = chunks_[chunk_];
      const size_t take = std::min(out.size() - n, chunk.size() - at_);
      std::copy_n(chunk.begin() + static_cast<std::ptrdiff_t>(at_), take, out.begin() + n);
      n += take;
      at_ += take;
      if (at_ == chunk.size()) {
        ++chunk_;
        at_ = 0;
      }
    }
    return n;
  }
  const std::string& name() const override { return name_; }
  uint64_t bytes_read() const override { return 0; }
  uint64_t bytes_total() const override { return 0; }
  bool sequenced() const override { return sequenced_; }

 private:
  std::string name_;
  const Chunks& chunks_;
  size_t chunk_ = 0;  // the chunk of the next event
  size_t at_ = 0;     // its place in that chunk
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
    for (Event e; feed->next(e); ++input.events) {
      if (input.chunks.empty() || input.chunks.back().size() == kChunkEvents) {
        input.chunks.emplace_back().reserve(kChunkEvents);
      }
      input.chunks.back().push_back(e);
    }
  }
  rejects_ = rejects.total();
}

std::vector<std::unique_ptr<Feed>> RecordedInputs::replay() const {
  std::vector<std::unique_ptr<Feed>> feeds;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    feeds.push_back(
        std::make_unique<RecordedFeed>(names_[i], inputs_[i].chunks, inputs_[i].sequenced));
  }
  return feeds;
}

uint64_t RecordedInputs::events() const {
  uint64_t n = 0;
  for (const Input& input : inputs_) n += input.events;
  return n;
}

}  // namespace tw::eval
