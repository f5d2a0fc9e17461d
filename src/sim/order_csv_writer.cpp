#include "sim/order_csv_writer.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "sim/order_itch_writer.hpp"
#include "sim/order_lobster_writer.hpp"
#include "util/format.hpp"
#include "util/json_array.hpp"

namespace tw::sim {
namespace {

std::string_view event_word(EventKind kind) {
  switch (kind) {
    case EventKind::kOrderAdd:
      return "ADD";
    case EventKind::kOrderCancel:
      return "CANCEL";
    case EventKind::kOrderDelete:
      return "DELETE";
    case EventKind::kOrderReplace:
      return "REPLACE";
    case EventKind::kOrderExecute:
      return "EXECUTE";
    default:
      return "TRADE";
  }
}

std::string_view side_word(Side side) {
  return side == Side::kBuy ? "BUY" : side == Side::kSell ? "SELL" : "";
}

// The market's ids are numbers: written without a string of their own.
void append_id(std::string& row, const ExternalId& id) {
  if (id.kind() == ExternalId::Kind::kNumber) {
    row += fmt::format_int(id.as_number()).str();
  } else if (!id.empty()) {
    row += id.to_string();
  }
}

}  // namespace

OrderCsvWriter::OrderCsvWriter(const std::string& path, const Universe& universe)
    : path_(path), out_(path, "order flow"), universe_(universe) {
  out_.buffer() += kOrderCsvHeader;
}

std::vector<std::string> OrderCsvWriter::close() {
  out_.close();
  return {path_};
}

void OrderCsvWriter::write(const Event& e) {
  std::string& row = out_.buffer();
  append_tape_time(row, e.ts);
  row += ',';
  row += universe_.symbol_name(e.symbol);
  row += ',';
  row += event_word(e.kind);
  row += ',';
  if (e.kind != EventKind::kTrade) append_id(row, e.id);
  row += ',';
  row += side_word(e.side);
  row += ',';
  if (e.kind != EventKind::kOrderDelete && e.kind != EventKind::kOrderCancel) {
    append_scaled_decimal(row, e.price.raw());
  }
  row += ',';
  if (e.kind != EventKind::kOrderDelete) append_scaled_decimal(row, e.qty.raw());
  for (AccountId account : {e.account, e.buyer, e.seller}) {
    row += ',';
    if (account) row += universe_.account_name(account);
  }
  row += ',';
  if (e.kind == EventKind::kOrderExecute) append_id(row, e.ref);
  if (e.kind == EventKind::kTrade) append_id(row, e.id);
  row += '\n';
  out_.maybe_flush();
}

namespace {

// (name, owner) for the linked accounts, then for each alias the owner of its account (the
// account itself when it is linked to none).
std::vector<std::pair<std::string, std::string>> owned_names(
    const OrderMarket& market, const std::vector<std::pair<std::string, std::string>>& aliases) {
  std::vector<std::pair<std::string, std::string>> names = market.owners();
  const std::map<std::string, std::string> owner_of(names.begin(), names.end());
  for (const auto& [alias, account] : aliases) {
    const auto owner = owner_of.find(account);
    names.emplace_back(alias, owner == owner_of.end() ? account : owner->second);
  }
  return names;
}

// One line per owner, in the order owners first appear, its names in their order.
void write_owners(const std::string& path, const OrderMarket& market,
                  const OrderMarketOptions& options,
                  const std::vector<std::pair<std::string, std::string>>& aliases) {
  std::vector<std::string> owners;
  std::map<std::string, std::vector<std::string>> names_of;
  for (auto& [name, owner] : owned_names(market, aliases)) {
    std::vector<std::string>& names = names_of[owner];
    if (names.empty()) owners.push_back(owner);
    names.push_back(std::move(name));
  }
  OutputFile out(path, "owners");
  std::string& text = out.buffer();
  text += fmt::format(
      "# Beneficial owners of linked accounts{} (tapewatch generate --mode orders, "
      "seed {}).\n[owners]\n",
      aliases.empty() ? "" : " and of the MPIDs in the ITCH file", options.seed);
  for (const std::string& owner : owners) {
    text += fmt::format("{} = [", owner);
    const std::vector<std::string>& names = names_of[owner];
    for (size_t i = 0; i < names.size(); ++i) {
      text += fmt::format("{}\"{}\"", i == 0 ? "" : ",", names[i]);
    }
    text += "]\n";
  }
  out.close();
}

// One JSON line per episode: the fields every label has (episode, rule, kind, symbol, accounts,
// start, end), as tapewatch eval reads them.
size_t write_labels(const std::string& path, OrderMarket& market) {
  OutputFile out(path, "labels");
  const Universe& universe = market.universe();
  const std::vector<InjectedLabel> labels = market.take_labels();
  for (const InjectedLabel& label : labels) {
    std::vector<std::string> accounts;
    for (AccountId a : label.accounts) accounts.emplace_back(universe.account_name(a));
    std::string start, end;
    append_tape_time(start, label.start);
    append_tape_time(end, label.end);
    const ManipulationInfo& kind = manipulation_info(label.kind);
    JsonObjectWriter json;
    json.field("episode", label.episode)
        .field("rule", kind.rule)
        .field("kind", kind.name)
        .field("symbol", universe.symbol_name(label.symbol))
        .raw("accounts", json_string_array(accounts));
    if (!kind.also.empty()) json.raw("also", json_string_array({std::string(kind.also)}));
    json.field("start", start).field("end", end);
    out.buffer() += std::move(json).finish();
    out.buffer() += '\n';
  }
  out.close();
  return labels.size();
}

void count(const Event& e, OrderMarketSummary& summary) {
  if (summary.events++ == 0) summary.first = e.ts;
  summary.last = e.ts;
  summary.adds += e.kind == EventKind::kOrderAdd;
  summary.cancels += e.kind == EventKind::kOrderCancel || e.kind == EventKind::kOrderDelete;
  summary.executions += e.kind == EventKind::kOrderExecute;
}

// Runs the market into `writer`, then writes its owners and labels.
OrderMarketSummary write_market_with(OrderMarket& market, OrderFlowWriter& writer,
                                     const OrderMarketOptions& options,
                                     const std::string& owners_path,
                                     const std::string& labels_path) {
  OrderMarketSummary summary;
  std::vector<Event> events;
  while (market.step(events)) {
    for (const Event& e : events) {
      writer.write(e);
      count(e, summary);
    }
    events.clear();
  }
  summary.files = writer.close();
  write_owners(owners_path, market, options, writer.account_aliases());
  summary.episodes = write_labels(labels_path, market);
  return summary;
}

std::unique_ptr<OrderFlowWriter> make_writer(const OrderFileOptions& files, const std::string& dir,
                                             const OrderMarket& market,
                                             const OrderMarketOptions& options) {
  if (files.format == OrderFileFormat::kCsv) {
    return std::make_unique<OrderCsvWriter>((std::filesystem::path(dir) / "orders.csv").string(),
                                            market.universe());
  }
  const MarketDay day = MarketDay::of(options.date, market.start(), market.end());
  if (files.format == OrderFileFormat::kItch) {
    return std::make_unique<OrderItchWriter>(dir, market.universe(), day);
  }
  return std::make_unique<OrderLobsterWriter>(dir, market.universe(), day, files.lobster_levels);
}

}  // namespace

OrderMarketSummary write_order_market(const OrderMarketOptions& options,
                                      const std::string& orders_path,
                                      const std::string& owners_path,
                                      const std::string& labels_path) {
  OrderMarket market(options);
  OrderCsvWriter writer(orders_path, market.universe());
  return write_market_with(market, writer, options, owners_path, labels_path);
}

OrderMarketSummary write_order_market(const OrderMarketOptions& options,
                                      const OrderFileOptions& files, const std::string& dir,
                                      const std::string& owners_path,
                                      const std::string& labels_path) {
  OrderMarket market(options);
  std::unique_ptr<OrderFlowWriter> writer = make_writer(files, dir, market, options);
  return write_market_with(market, *writer, options, owners_path, labels_path);
}

}  // namespace tw::sim
