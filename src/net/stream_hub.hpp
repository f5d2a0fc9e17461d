// Fan-out of server-sent events to every open stream, each resumed after the last event it saw.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tw::net {

/// Receives a frame to send; called with the hub's lock held, so it must only queue the frame.
using StreamSink = std::function<void(std::shared_ptr<const std::string> frame)>;

/// The open streams. Events carry a growing sequence number; a client gets each event after
/// its cursor exactly once, in order. The latest events are kept so a client that subscribes
/// just after an event was published (its cursor read before) still gets it.
class StreamHub {
 public:
  explicit StreamHub(size_t replay_events = 4096) : replay_limit_(replay_events) {}

  /// Adds a client that has seen every event up to `cursor`; returns its id for unsubscribe.
  uint64_t subscribe(uint64_t cursor, StreamSink sink);
  void unsubscribe(uint64_t client);
  /// Sends `frame` (a complete SSE frame) to every client whose cursor is below `seq`.
  void publish(uint64_t seq, std::string frame);
  /// Sends a comment line to every client, so idle connections stay open.
  void heartbeat();
  size_t clients() const;

 private:
  struct Client {
    uint64_t cursor;
    StreamSink sink;
  };
  struct Event {
    uint64_t seq;
    std::shared_ptr<const std::string> frame;
  };
  mutable std::mutex mutex_;
  std::map<uint64_t, Client> clients_;
  std::deque<Event> recent_;
  size_t replay_limit_;
  uint64_t next_client_ = 1;
};

}  // namespace tw::net
