#include "net/stream_hub.hpp"

namespace tw::net {

uint64_t StreamHub::subscribe(uint64_t cursor, StreamSink sink) {
  std::lock_guard lock(mutex_);
  for (const Event& event : recent_) {
    if (event.seq > cursor) {
      sink(event.frame);
      cursor = event.seq;
    }
  }
  uint64_t id = next_client_++;
  clients_.emplace(id, Client{cursor, std::move(sink)});
  return id;
}

void StreamHub::unsubscribe(uint64_t client) {
  std::lock_guard lock(mutex_);
  clients_.erase(client);
}

void StreamHub::publish(uint64_t seq, std::string frame) {
  auto shared = std::make_shared<const std::string>(std::move(frame));
  std::lock_guard lock(mutex_);
  recent_.push_back(Event{seq, shared});
  if (recent_.size() > replay_limit_) recent_.pop_front();
  for (auto& [id, client] : clients_) {
    if (client.cursor >= seq) continue;
    client.sink(shared);
    client.cursor = seq;
  }
}

void StreamHub::heartbeat() {
  auto comment = std::make_shared<const std::string>(": keep-alive\n\n");
  std::lock_guard lock(mutex_);
  for (auto& [id, client] : clients_) client.sink(comment);
}

size_t StreamHub::clients() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace tw::net
