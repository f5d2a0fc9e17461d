// The `tapewatch` subcommands, each registered on the CLI11 app by its own function.
#pragma once

namespace CLI {
class App;
}

namespace tw::cli {

void add_run_command(CLI::App& app);
void add_generate_command(CLI::App& app);
void add_rules_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_verify_book_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_serve_command(CLI::App& app);

}  // namespace tw::cli
