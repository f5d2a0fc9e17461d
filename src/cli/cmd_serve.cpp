// `tapewatch serve`: the REST API, the live alert stream and the dashboard over one store.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "api/alert_poller.hpp"
#include "api/api_service.hpp"
#include "cli/commands.hpp"
#include "net/http_server.hpp"

namespace tw::cli {
namespace {

struct ServeSettings {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string config_path;
  std::string web_root;
  size_t threads = 0;  // 0: one per core, at least 2
};

// "HOST:PORT" (an IPv6 host in brackets); throws naming --listen when malformed.
std::pair<std::string, uint16_t> parse_listen(const std::string& text) {
  size_t colon = text.rfind(':');
  auto bad = [&] {
    return std::runtime_error("--listen '" + text + "': expected HOST:PORT, e.g. 127.0.0.1:8080");
  };
  if (colon == std::string::npos || colon == 0) throw bad();
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(text.data() + colon + 1, text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port > 65535) throw bad();
  return {host, static_cast<uint16_t>(port)};
}

// The dashboard's build output: the folder `web` beside the executable.
std::filesystem::path default_web_root() {
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path("web") : exe.parent_path() / "web";
}

size_t worker_count(size_t asked) {
  if (asked > 0) return asked;
  return std::max<size_t>(2, std::thread::hardware_concurrency());
}

void serve_command(const ServeSettings& s) {
  auto [host, port] = parse_listen(s.listen);
  Config config = s.config_path.empty() ? default_config() : load_config(s.config_path);
  net::HttpServerOptions options{.address = host, .port = port, .workers = worker_count(s.threads)};
  std::vector<std::unique_ptr<AlertStore>> stores;
  for (size_t i = 0; i < options.workers; ++i)
    stores.push_back(open_store(s.db, StoreOpen::kExisting));
  std::string described = stores.front()->describe();

  net::StreamHub hub;
  net::HttpMetrics metrics;
  api::AlertPoller poller(open_store(s.db, StoreOpen::kExisting), hub);
  net::StaticFiles files(s.web_root.empty() ? default_web_root()
                                            : std::filesystem::path(s.web_root));
  api::ApiService service(std::move(stores), std::move(config), std::move(files), metrics, hub);
  net::HttpServer server(
      options,
      [&service](const net::HttpRequest& request, size_t worker) {
        return service.handle(request, worker);
      },
      hub, metrics);
  std::string shown_host =
      server.host().find(':') == std::string::npos ? server.host() : "[" + server.host() + "]";
  fmt::print("tapewatch serve: http://{}:{}/ (store: {})\n", shown_host, server.port(), described);
  std::fflush(stdout);
  server.run(/*stop_on_signals=*/true);
  fmt::print(stderr, "tapewatch serve: stopped\n");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto settings = std::make_shared<ServeSettings>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the REST API, alert stream and dashboard");
  cmd->add_option("--db", settings->db, "Alert store: a SQLite file or a postgresql:// URL")
      ->required();
  cmd->add_option("--listen", settings->listen, "HOST:PORT to listen on (port 0: any free one)")
      ->capture_default_str();
  cmd->add_option("-c,--config", settings->config_path,
                  "Rules configuration whose parameters /api/rules reports");
  cmd->add_option("--web-root", settings->web_root,
                  "Dashboard folder (default: web beside the executable)");
  cmd->add_option("--threads", settings->threads,
                  "Worker threads answering requests, each with its own store connection "
                  "(default: one per core, at least 2)");
  cmd->callback([settings] { serve_command(*settings); });
}

}  // namespace tw::cli
