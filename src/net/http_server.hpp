// The HTTP/1.1 server: Asio networking, requests answered on worker threads, SSE streams.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/http_message.hpp"
#include "net/metrics.hpp"
#include "net/stream_hub.hpp"

namespace tw::net {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (read it back with port())
  size_t workers = 2;    // threads answering requests, each with its own resources
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 16 * 1024;
  // How long a request may take to arrive, and an idle keep-alive connection may stay open.
  std::chrono::seconds read_timeout{30};
};

/// Answers a request on worker thread number `worker` (0 .. workers-1): resources the worker
/// owns (a store connection) are indexed by it. A response with `stream_cursor` set opens a
/// server-sent event stream: its body is sent first, then every hub event after the cursor.
using RequestHandler = std::function<HttpResponse(const HttpRequest&, size_t worker)>;

/// Listens on construction; run() serves until stop() or SIGINT/SIGTERM (when asked for).
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler, StreamHub& hub,
             HttpMetrics& metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port listened on (the chosen one when the options asked for 0).
  uint16_t port() const;
  std::string host() const;
  /// Serves until stop(), or SIGINT/SIGTERM when `stop_on_signals`; then joins the workers.
  void run(bool stop_on_signals = false);
  /// Makes run() return; callable from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tw::net
