#include "net/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace tw::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Most events waiting to be written to one stream.
constexpr size_t kMaxQueuedFrames = 10'000;

/// Threads that run jobs in arrival order; each job is told which thread runs it.
class WorkerPool {
 public:
  using Job = std::function<void(size_t worker)>;

  explicit WorkerPool(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { work(i); });
  }
  ~WorkerPool() { stop(); }

  void post(Job job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  void work(size_t worker) {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job(worker);
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

struct Shared {
  HttpServerOptions options;
  RequestHandler handler;
  StreamHub& hub;
  HttpMetrics& metrics;
  WorkerPool pool;
};

HttpRequest to_request(const http::request<http::string_body>& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  std::string_view target(message.target().data(), message.target().size());
  size_t question = target.find('?');
  request.path = percent_decode(target.substr(0, question), false).value_or("");
  if (question != std::string_view::npos) {
    // A bad escape leaves a marker parameter the router refuses by name.
    request.query = parse_query(target.substr(question + 1))
                        .value_or(QueryParams{{"", "bad percent-escape in the query"}});
  }
  request.body = message.body();
  auto last_id = message.find("Last-Event-ID");
  if (last_id != message.end()) request.last_event_id = std::string(last_id->value());
  return request;
}

http::response<http::string_body> to_message(const HttpResponse& response, unsigned version,
                                             bool keep_alive) {
  http::response<http::string_body> message{static_cast<http::status>(response.status), version};
  message.set(http::field::server, "tapewatch");
  message.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.body() = response.body;
  message.keep_alive(keep_alive);
  message.prepare_payload();
  return message;
}

std::string stream_head(const HttpResponse& response) {
  std::string head =
      "HTTP/1.1 200 OK\r\nServer: tapewatch\r\nContent-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\nConnection: close\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  return head + "\r\n" + response.body;
}

/// One connection: reads requests, hands each to the workers, writes the answers in order;
/// becomes a one-way event stream when a handler opens one.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {}
  ~Session() {
    if (stream_client_) shared_.hub.unsubscribe(*stream_client_);
  }

  void start() { read_request(); }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(shared_.options.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(shared_.options.max_header_bytes));
    stream_.expires_after(shared_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code error, size_t) {
    if (error == http::error::body_limit || error == http::error::header_limit) {
      HttpResponse too_big = json_response(413, R"({"error":"request too large: at most )" +
                                                    std::to_string(shared_.options.max_body_bytes) +
                                                    R"( bytes of body"})");
      write(to_message(too_big, 11, false), /*drain=*/true);
      return;
    }
    if (error) return close();  // end of stream, timeout, reset: nothing more to answer
    auto message = parser_->release();
    auto self = shared_from_this();
    Clock::time_point received = Clock::now();
    shared_.pool.post([self, message = std::move(message), received](size_t worker) {
      self->answer(message, worker, received);
    });
  }

  void answer(const http::request<http::string_body>& message, size_t worker,
              Clock::time_point received) {
    HttpResponse response = call_handler(message, worker);
    double seconds = std::chrono::duration<double>(Clock::now() - received).count();
    shared_.metrics.record(response.route.empty() ? "other" : response.route, response.status,
                           seconds);
    if (response.stream_cursor) {
      asio::post(stream_.get_executor(),
                 [self = shared_from_this(), response] { self->open_stream(response); });
      return;
    }
    auto reply = to_message(response, message.version(), message.keep_alive());
    asio::post(stream_.get_executor(), [self = shared_from_this(), reply = std::move(reply)] {
      self->write(std::move(reply));
    });
  }

  HttpResponse call_handler(const http::request<http::string_body>& message, size_t worker) {
    try {
      return shared_.handler(to_request(message), worker);
    } catch (const std::exception& e) {
      spdlog::warn("request {} failed: {}", std::string(message.target()), e.what());
      HttpResponse failed = json_response(500, R"({"error":"internal error"})");
      return failed;
    }
  }

  // With `drain`, the rest of an unread request is read and dropped before closing: closing
  // with unread bytes would reset the connection before the client reads the answer.
  void write(http::response<http::string_body> reply, bool drain = false) {
    auto shared_reply = std::make_shared<http::response<http::string_body>>(std::move(reply));
    http::async_write(
        stream_, *shared_reply,
        [self = shared_from_this(), shared_reply, drain](beast::error_code error, size_t) {
          if (drain && !error) return self->drain_then_close();
          if (error || !shared_reply->keep_alive()) return self->close();
          self->read_request();
        });
  }

  void drain_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(5));
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code error, size_t) {
                              if (error) return self->close();
                              self->drain_then_close();
                            });
  }

  void open_stream(const HttpResponse& response) {
    stream_.expires_never();
    std::weak_ptr<Session> weak = shared_from_this();
    auto executor = stream_.get_executor();
    outbox_.push_back(std::make_shared<const std::string>(stream_head(response)));
    stream_client_ = shared_.hub.subscribe(
        *response.stream_cursor, [weak, executor](std::shared_ptr<const std::string> frame) {
          asio::post(executor, [weak, frame] {
            if (auto self = weak.lock()) self->queue_frame(frame);
          });
        });
    write_next_frame();
    watch_for_close();
  }

  void queue_frame(std::shared_ptr<const std::string> frame) {
    // A client that stopped reading is let go rather than buffered for without end.
    if (outbox_.size() >= kMaxQueuedFrames) return close();
    outbox_.push_back(std::move(frame));
    if (outbox_.size() == 1) write_next_frame();
  }

  void write_next_frame() {
    if (outbox_.empty()) return;
    asio::async_write(stream_.socket(), asio::buffer(*outbox_.front()),
                      [self = shared_from_this()](beast::error_code error, size_t) {
                        if (error) return self->close();
                        self->outbox_.pop_front();
                        self->write_next_frame();
                      });
  }

  // A stream's client sends nothing more: a read ending means it went away.
  void watch_for_close() {
    stream_.socket().async_read_some(asio::buffer(discard_),
                                     [self = shared_from_this()](beast::error_code error, size_t) {
                                       if (error) return self->close();
                                       self->watch_for_close();
                                     });
  }

  void close() {
    if (stream_client_) {
      shared_.hub.unsubscribe(*stream_client_);
      stream_client_.reset();
    }
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<uint64_t> stream_client_;
  std::deque<std::shared_ptr<const std::string>> outbox_;
  std::array<char, 256> discard_{};
};

}  // namespace

struct HttpServer::Impl {
  Impl(HttpServerOptions options, RequestHandler handler, StreamHub& hub, HttpMetrics& metrics)
      : shared{options, std::move(handler), hub, metrics, WorkerPool(options.workers)},
        acceptor(io) {
    tcp::endpoint endpoint(asio::ip::make_address(options.address), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    accept();
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(io),
                          [this](beast::error_code error, tcp::socket socket) {
                            if (error) {
                              if (error != asio::error::operation_aborted)
                                spdlog::warn("accept: {}", error.message());
                              if (!acceptor.is_open()) return;
                            } else {
                              std::make_shared<Session>(std::move(socket), shared)->start();
                            }
                            accept();
                          });
  }

  asio::io_context io;
  Shared shared;
  tcp::acceptor acceptor;
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler, StreamHub& hub,
                       HttpMetrics& metrics) {
  try {
    impl_ = std::make_unique<Impl>(options, std::move(handler), hub, metrics);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + options.address + ":" +
                             std::to_string(options.port) + ": " + e.code().message());
  }
}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string HttpServer::host() const {
  return impl_->acceptor.local_endpoint().address().to_string();
}

void HttpServer::run(bool stop_on_signals) {
  asio::signal_set signals(impl_->io);
  if (stop_on_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](beast::error_code error, int) {
      if (!error) stop();
    });
  }
  impl_->io.run();
  impl_->shared.pool.stop();
}

void HttpServer::stop() {
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
}

}  // namespace tw::net
