// Input files read once into memory, replayed through the engine as many times as needed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "feed/feed.hpp"
#include "model/event.hpp"
#include "model/universe.hpp"

namespace tw::eval {

/// The validated events of every input, in each file's order, with the names they intern. A
/// replay hands them to the engine through feeds of their own, so that the batch driver merges
/// and sequences them exactly as it does the files.
class RecordedInputs {
 public:
  /// Reads every input to its end. `owners` are (account, owner) pairs declared before reading,
  /// as a run declares them. Throws FeedError naming a file that cannot be read.
  RecordedInputs(const std::vector<std::string>& inputs, FeedOptions options,
                 const std::vector<std::pair<std::string, std::string>>& owners);

  /// Fresh feeds over the recorded events, one per input, for run_feeds().
  std::vector<std::unique_ptr<Feed>> replay() const;

  const std::vector<std::string>& names() const { return names_; }
  /// Events read, over every input (records the readers rejected are not among them).
  uint64_t events() const;
  /// Records the readers rejected while reading.
  uint64_t rejects() const { return rejects_; }
  /// The names the events intern; the engine of a replay needs it.
  Universe& universe() { return universe_; }

 private:
  /// Events in chunks of kChunkEvents: no copy while reading and no growth slack, which a
  /// vector doubling its size would leave of up to half the events again.
  using Chunks = std::vector<std::vector<Event>>;
  static constexpr size_t kChunkEvents = 1 << 16;

  struct Input {
    Chunks chunks;
    uint64_t events = 0;
    bool sequenced = false;
  };

  std::vector<std::string> names_;
  std::vector<Input> inputs_;
  Universe universe_;
  uint64_t rejects_ = 0;
};

}  // namespace tw::eval
