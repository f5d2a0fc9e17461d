// tapewatch: market-surveillance engine command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"tapewatch: market surveillance for trades and order flow"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tapewatch 0.1.0");
  tw::cli::add_run_command(app);
  tw::cli::add_generate_command(app);
  tw::cli::add_rules_command(app);
  tw::cli::add_export_command(app);
  tw::cli::add_bench_command(app);
  tw::cli::add_verify_book_command(app);
  tw::cli::add_eval_command(app);
  tw::cli::add_calibrate_command(app);
  tw::cli::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tapewatch: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
