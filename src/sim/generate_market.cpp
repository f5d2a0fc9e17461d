#include <memory>

#include "sim/tape_writer.hpp"
#include "sim/trade_generator.hpp"

namespace tw {
namespace {

void count(const EpisodeLabel& label, GeneratorSummary& summary) {
  if (label.truncated) ++summary.truncated_episodes;
  switch (label.kind) {
    case EpisodeKind::kRoundTrip:
      ++summary.wash_pairs;
      if (label.owner_group >= 0) ++summary.linked_wash_pairs;
      break;
    case EpisodeKind::kSelfTrade:
      ++summary.self_trades;
      break;
    case EpisodeKind::kPumpAndDump:
      ++summary.pump_dumps;
      break;
  }
}

}  // namespace

GeneratorSummary generate_market(const GeneratorOptions& options, const std::string& trades_path,
                                 const std::string& labels_path, const std::string& owners_path) {
  TradeGenerator market(options, !owners_path.empty());
  // Every output is created before the first row, so a bad path fails at once.
  sim::TapeWriter tape(trades_path, market, options.seed);
  std::unique_ptr<sim::LabelWriter> labels;
  if (!labels_path.empty()) labels = std::make_unique<sim::LabelWriter>(labels_path, market);
  if (!owners_path.empty()) sim::write_owners_file(owners_path, market, options.seed);

  GeneratorSummary summary;
  summary.owner_groups = market.owner_groups().size();
  EpisodeLabel label;
  auto drain_labels = [&] {
    while (market.next_label(label)) {
      count(label, summary);
      if (labels) labels->write(label);
    }
  };
  SimTrade row;
  while ((options.rows == 0 || summary.rows < options.rows) && market.next(row)) {
    tape.write(row);
    if (summary.rows++ == 0) summary.first_ts = row.ts;
    summary.last_ts = row.ts;
    if (row.kind != TradeKind::kTrade) ++summary.injected_rows;
    drain_labels();
  }
  market.close_open_episodes();
  drain_labels();
  tape.close();
  if (labels) labels->close();
  return summary;
}

}  // namespace tw
