// The HTTP layer: query decoding, the dashboard's static files (content types, traversal
// refused), keep-alive and request size limits, over real HTTP on 127.0.0.1.
#include <gtest/gtest.h>

#include <filesystem>

#include "http_test_client.hpp"
#include "net/http_message.hpp"
#include "net/static_files.hpp"
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

}  // namespace
}  // namespace tw::testing
