#include "api/alert_poller.hpp"

#include <spdlog/spdlog.h>

#include "api/json_encode.hpp"

namespace tw::api {
namespace {

// Most alerts published per poll, so one burst cannot hold the store for long.
constexpr uint64_t kMaxPerPoll = 10'000;

}  // namespace

AlertPoller::AlertPoller(std::unique_ptr<AlertStore> store, net::StreamHub& hub,
                         AlertPollerOptions options)
    : store_(std::move(store)), hub_(hub), options_(options) {
  cursor_ = store_->last_change_seq();
  thread_ = std::thread([this] { run(); });
}

AlertPoller::~AlertPoller() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AlertPoller::run() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point next_heartbeat = Clock::now() + options_.heartbeat_every;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, options_.poll_every, [this] { return stopping_; })) {
    poll();
    if (Clock::now() >= next_heartbeat) {
      hub_.heartbeat();
      next_heartbeat = Clock::now() + options_.heartbeat_every;
    }
  }
}

void AlertPoller::poll() {
  try {
    store_->alerts_changed_since(cursor_, kMaxPerPoll, [this](const StoredAlert& stored) {
      hub_.publish(stored.change_seq, alert_event_frame(stored));
      cursor_ = std::max(cursor_, stored.change_seq);
    });
  } catch (const std::exception& e) {
    spdlog::warn("alert stream: {}", e.what());
  }
}

}  // namespace tw::api
