// The HTTP layer: query decoding, the dashboard's static files (content types, traversal
// refused), keep-alive and request size limits, over real HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include <filesystem>

#include "http_test_client.hpp"
#include "net/http_message.hpp"
#include "net/metrics.hpp"
#include "net/static_files.hpp"
#include "net/stream_hub.hpp"
#include "temp_dir.hpp"

namespace tw::testing {
namespace {

TEST(HttpQuery, DecodesPercentEscapesAndPlus) {
  auto params = net::parse_query("q=wash+trade%21&rule=wash.%2A&&empty=&flag");
  ASSERT_TRUE(params);
  ASSERT_EQ(params->size(), 4u);
  EXPECT_EQ((*params)[0], (std::pair<std::string, std::string>{"q", "wash trade!"}));
  EXPECT_EQ((*params)[1].second, "wash.*");
  EXPECT_EQ((*params)[2].second, "");
  EXPECT_EQ((*params)[3].first, "flag");
  EXPECT_FALSE(net::parse_query("q=%G1"));
  EXPECT_FALSE(net::parse_query("q=%4"));
  EXPECT_EQ(net::percent_decode("/a+b%20c", false), "/a+b c");
}

class HttpStaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.path() / "web" / "assets");
    dir_.write("web/index.html", "<!doctype html><title>tapewatch</title>");
    dir_.write("web/assets/app.js", "console.log(1)");
    dir_.write("web/assets/app.css", "body{}");
    dir_.write("secret.txt", "not to be served");
    std::filesystem::create_symlink(dir_.path() / "secret.txt", dir_.path() / "web" / "link.txt");
    server_.emplace("sqlite:" + dir_.file("static.db"), dir_.path() / "web");
  }

  HttpResult get(const std::string& target) { return http_get(server_->port(), target); }

  TempDir dir_;
  std::optional<TestServer> server_;
};

TEST_F(HttpStaticFiles, ServesFilesWithTheirContentTypes) {
  HttpResult index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>tapewatch</title>");
  EXPECT_EQ(get("/index.html").body, index.body);
  HttpResult js = get("/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(get("/assets/app.css").header("content-type"), "text/css; charset=utf-8");
}

TEST_F(HttpStaticFiles, RefusesPathsOutsideTheRoot) {
  for (std::string target : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                             "/assets/%2E%2E/%2E%2E/secret.txt", "/link.txt", "/..%5csecret.txt",
                             "/missing.html", "/assets"}) {
    HttpResult r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.find("not to be served"), std::string::npos) << target;
    EXPECT_NE(r.body.find("\"error\""), std::string::npos) << target << ": " << r.body;
  }
}

TEST(HttpStaticFilesMissing, ExplainsHowToBuildTheDashboard) {
  net::StaticFiles files("/nonexistent/tapewatch-web");
  EXPECT_FALSE(files.available());
  net::HttpResponse root = files.serve("/");
  EXPECT_EQ(root.status, 200);
  EXPECT_NE(root.body.find("not built"), std::string::npos);
  EXPECT_NE(root.body.find("/nonexistent/tapewatch-web"), std::string::npos);
  EXPECT_EQ(files.serve("/app.js").status, 404);
}

TEST(HttpServer, KeepsTheConnectionAliveAndRefusesOversizedBodies) {
  TempDir dir;
  TestServer server("sqlite:" + dir.file("keepalive.db"));
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::request<http::empty_body> request{http::verb::get, "/healthz", 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    EXPECT_EQ(response.result_int(), 200u) << "request " << i << " on one connection";
    EXPECT_TRUE(response.keep_alive());
  }

  std::string huge(200 * 1024, 'x');
  HttpResult r = http_request(server.port(), "POST", "/api/alerts/x/status", huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("too large"), std::string::npos);
}

TEST(HttpStreamHub, SendsEachEventAfterTheCursorOnceInOrder) {
  net::StreamHub hub(/*replay_events=*/3);
  std::vector<std::string> late;
  std::vector<std::string> early;
  auto collect = [](std::vector<std::string>& into) {
    return [&into](std::shared_ptr<const std::string> frame) { into.push_back(*frame); };
  };
  uint64_t first = hub.subscribe(0, collect(early));
  for (uint64_t seq = 1; seq <= 4; ++seq) hub.publish(seq, "e" + std::to_string(seq));
  hub.publish(2, "stale");  // at or below every cursor: nobody gets it
  // Subscribing after event 4 with a cursor read before it (2) still gets 3 and 4, from the
  // events kept for replay.
  hub.subscribe(2, collect(late));
  hub.publish(5, "e5");
  EXPECT_EQ(early, (std::vector<std::string>{"e1", "e2", "e3", "e4", "e5"}));
  EXPECT_EQ(late, (std::vector<std::string>{"e3", "e4", "e5"}));
  EXPECT_EQ(hub.clients(), 2u);
  hub.unsubscribe(first);
  hub.heartbeat();
  EXPECT_EQ(early.size(), 5u);
  EXPECT_EQ(late.back(), ": keep-alive\n\n");
}

TEST(HttpMetricsText, CountsByRouteAndCodeWithCumulativeBuckets) {
  net::HttpMetrics metrics;
  metrics.record("/api/alerts", 200, 0.0007);
  metrics.record("/api/alerts", 200, 0.2);
  metrics.record("/api/alerts", 400, 0.0001);
  metrics.record("a\"b", 200, 10);
  std::string text;
  metrics.append_prometheus(text);
  for (std::string line : {
           "tapewatch_http_requests_total{route=\"/api/alerts\",code=\"200\"} 2\n",
           "tapewatch_http_requests_total{route=\"/api/alerts\",code=\"400\"} 1\n",
           "tapewatch_http_request_duration_seconds_bucket{route=\"/api/alerts\",le=\"0.0005\"} "
           "1\n",
           "tapewatch_http_request_duration_seconds_bucket{route=\"/api/alerts\",le=\"0.001\"} 2\n",
           "tapewatch_http_request_duration_seconds_bucket{route=\"/api/alerts\",le=\"0.25\"} 3\n",
           "tapewatch_http_request_duration_seconds_count{route=\"/api/alerts\"} 3\n",
           "tapewatch_http_request_duration_seconds_bucket{route=\"a\\\"b\",le=\"5\"} 0\n",
           "tapewatch_http_request_duration_seconds_bucket{route=\"a\\\"b\",le=\"+Inf\"} 1\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
}

}  // namespace
}  // namespace tw::testing
