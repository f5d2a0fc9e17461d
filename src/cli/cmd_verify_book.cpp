// `tapewatch verify-book`: replays a LOBSTER message file through the order book and compares
// the book with the provider's orderbook file after every message.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "book/lobster_book_check.hpp"
#include "cli/commands.hpp"
#include "feed/reject.hpp"

namespace tw::cli {
namespace {

struct VerifySettings {
  std::string messages;
  std::string orderbook;
  std::string dead_letter;
};

void print_check(const BookCheck& c) {
  fmt::print("messages          {}\n", c.messages);
  fmt::print("rows compared     {} (the first row seeds the book)\n", c.rows);
  fmt::print("rows matched      {} ({:.4f}%)\n", c.matched,
             c.rows == 0 ? 100.0 : 100.0 * static_cast<double>(c.matched) / c.rows);
  fmt::print("revealed levels   {} taken from the rows as they came into view ({} of them gone)\n",
             c.revealed_levels, c.revealed_gone);
  fmt::print("mismatched levels {}, {} of them at prices whose orders the book inferred\n",
             c.mismatched_levels(), c.mismatches_inferred);
  for (const auto& [kind, n] : c.mismatches) fmt::print("  {:<15} {}\n", kind, n);
  if (c.first_mismatch_line != 0) {
    fmt::print("first mismatch    orderbook line {}: {}\n", c.first_mismatch_line,
               c.first_mismatch);
  }
  const BookDiagnostics& d = c.diagnostics;
  fmt::print(
      "book diagnostics  unknown orders {} ({} taken off seeded sizes), duplicate adds {}, "
      "overfills {}, crossed {}, locked {}, levels set from rows {}, orders dropped by them {}, "
      "stale levels dropped {} ({} orders)\n",
      d.unknown_order, d.seeded_reduced, d.duplicate_add, d.overfill, d.crossed, d.locked,
      d.levels_adopted, d.orders_dropped, d.stale_levels, d.stale_orders);
}

}  // namespace

void add_verify_book_command(CLI::App& app) {
  auto settings = std::make_shared<VerifySettings>();
  CLI::App* cmd = app.add_subcommand(
      "verify-book",
      "Rebuild the book from a LOBSTER message file and compare it with the provider's "
      "orderbook file after every message");
  cmd->add_option("messages", settings->messages, "LOBSTER message file (..._message_N.csv)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("orderbook", settings->orderbook, "its orderbook file (..._orderbook_N.csv)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--dead-letter", settings->dead_letter,
                  "Write rejected message rows here (JSONL)");
  cmd->callback([settings] {
    DeadLetter rejects(settings->dead_letter);
    BookCheck check = check_lobster_book(settings->messages, settings->orderbook, rejects);
    print_check(check);
    if (rejects.total() != 0) fmt::print("rejected messages {}\n", rejects.total());
    // Non-zero when a level differed at a price whose orders the book never had to infer:
    // there the files leave nothing unknown, so a difference is a fault.
    if (check.mismatched_levels() != check.mismatches_inferred) std::exit(1);
  });
}

}  // namespace tw::cli
