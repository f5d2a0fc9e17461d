// Test helpers: a small HTTP/1.1 client over Beast with timeouts, an SSE reader, and a
// `tapewatch serve` stack (API, stream poller, server) on 127.0.0.1 and a free port.
#pragma once

#include <simdjson.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "api/alert_poller.hpp"
#include "api/api_service.hpp"
#include "net/http_server.hpp"

namespace tw::testing {

namespace test_net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
}  // namespace test_net

/// Longest a test waits for an answer or an event before failing.
inline constexpr std::chrono::seconds kHttpTestTimeout{20};

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // by lower-case name

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  /// The body parsed as JSON (throws when it is not); valid while this result lives.
  simdjson::dom::element json() && = delete;
  simdjson::dom::element json() & {
    parser_ = std::make_shared<simdjson::dom::parser>();
    return parser_->parse(body);
  }

 private:
  std::shared_ptr<simdjson::dom::parser> parser_;
};

/// One request on a new connection to 127.0.0.1:port; throws on a network error or timeout.
inline HttpResult http_request(uint16_t port, const std::string& method, const std::string& target,
                               const std::string& body = "",
                               const std::map<std::string, std::string>& headers = {}) {
  using namespace test_net;
  asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.prepare_payload();
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code failure;
  stream.expires_after(kHttpTestTimeout);
  stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](beast::error_code error) {
                         if (error) return void(failure = error);
                         http::async_write(stream, request, [&](beast::error_code e, size_t) {
                           if (e) return void(failure = e);
                           http::async_read(stream, buffer, response,
                                            [&](beast::error_code r, size_t) { failure = r; });
                         });
                       });
  io.run();
  if (failure) throw std::runtime_error(method + " " + target + ": " + failure.message());
  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  result.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  return result;
}

inline HttpResult http_get(uint16_t port, const std::string& target,
                           const std::map<std::string, std::string>& headers = {}) {
  return http_request(port, "GET", target, "", headers);
}

/// An open /api/stream connection whose text is read as it arrives.
class SseReader {
 public:
  explicit SseReader(uint16_t port, const std::string& last_event_id = "",
                     const std::string& target = "/api/stream")
      : socket_(io_) {
    using namespace test_net;
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!last_event_id.empty()) request += "Last-Event-ID: " + last_event_id + "\r\n";
    request += "\r\n";
    asio::write(socket_, asio::buffer(request));
  }

  /// Reads until the text received so far holds `needle`; false when the timeout passes or
  /// the server closes first.
  bool wait_for(const std::string& needle, std::chrono::seconds timeout = kHttpTestTimeout) {
    using namespace test_net;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (text_.find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() >= deadline || closed_) return false;
      std::array<char, 4096> chunk;
      bool done = false;
      socket_.async_read_some(asio::buffer(chunk), [&](beast::error_code error, size_t n) {
        if (error) closed_ = true;
        text_.append(chunk.data(), n);
        done = true;
      });
      io_.restart();
      io_.run_until(deadline);
      if (!done) {
        socket_.cancel();
        io_.restart();
        io_.run();
        return text_.find(needle) != std::string::npos;
      }
    }
    return true;
  }

  const std::string& text() const { return text_; }

 private:
  test_net::asio::io_context io_;
  test_net::tcp::socket socket_;
  std::string text_;
  bool closed_ = false;
};

/// `tapewatch serve`'s parts over the store at `url`, listening on 127.0.0.1 and a free port.
class TestServer {
 public:
  explicit TestServer(const std::string& url,
                      std::filesystem::path web_root = "/nonexistent/tapewatch-web",
                      size_t workers = 2) {
    std::vector<std::unique_ptr<AlertStore>> stores;
    for (size_t i = 0; i < workers; ++i) stores.push_back(open_store(url));
    // Polled often so a test waits little for an event; nothing asserts on how long.
    poller_ = std::make_unique<api::AlertPoller>(
        open_store(url), hub_,
        api::AlertPollerOptions{.poll_every = std::chrono::milliseconds(20)});
    service_ = std::make_unique<api::ApiService>(
        std::move(stores), default_config(), net::StaticFiles(std::move(web_root)), metrics_, hub_);
    net::HttpServerOptions options{.address = "127.0.0.1", .port = 0, .workers = workers};
    server_ = std::make_unique<net::HttpServer>(
        options,
        [this](const net::HttpRequest& request, size_t worker) {
          return service_->handle(request, worker);
        },
        hub_, metrics_);
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  uint16_t port() const { return server_->port(); }
  const api::ApiService& service() const { return *service_; }
  const net::StreamHub& hub() const { return hub_; }

 private:
  net::StreamHub hub_;
  net::HttpMetrics metrics_;
  std::unique_ptr<api::AlertPoller> poller_;
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<net::HttpServer> server_;
  std::thread thread_;
};

}  // namespace tw::testing
