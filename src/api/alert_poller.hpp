// Watches the store for written or changed alerts and publishes each to the open streams.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "net/stream_hub.hpp"
#include "store/alert_store.hpp"

namespace tw::api {

struct AlertPollerOptions {
  std::chrono::milliseconds poll_every{250};
  std::chrono::milliseconds heartbeat_every{15'000};
};

/// A thread with its own store: every poll it reads the alerts changed since the last one it
/// saw (written by this process or by another writing the same database) and publishes them.
class AlertPoller {
 public:
  AlertPoller(std::unique_ptr<AlertStore> store, net::StreamHub& hub,
              AlertPollerOptions options = {});
  ~AlertPoller();
  AlertPoller(const AlertPoller&) = delete;
  AlertPoller& operator=(const AlertPoller&) = delete;

 private:
  void run();
  void poll();

  std::unique_ptr<AlertStore> store_;
  net::StreamHub& hub_;
  AlertPollerOptions options_;
  uint64_t cursor_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tw::api
