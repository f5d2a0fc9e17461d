#include "sim/order_csv_writer.hpp"

#include "util/format.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

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

}  // namespace

OrderCsvWriter::OrderCsvWriter(const std::string& path, const Universe& universe)
    : out_(path, "order flow"), universe_(universe) {
  out_.buffer() += kOrderCsvHeader;
}

// The market's ids are numbers: written without a string of their own.
void append_id(std::string& row, const ExternalId& id) {
  if (id.kind() == ExternalId::Kind::kNumber) {
    row += fmt::format_int(id.as_number()).str();
  } else if (!id.empty()) {
    row += id.to_string();
  }
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

void write_owners(const std::string& path, const OrderMarket& market,
                  const OrderMarketOptions& options) {
  OutputFile out(path, "owners");
  std::string& text = out.buffer();
  text += fmt::format(
      "# Beneficial owners of linked accounts (tapewatch generate --mode orders, "
      "seed {}).\n[owners]\n",
      options.seed);
  const auto& owners = market.owners();
  for (size_t i = 0; i < owners.size();) {
    const std::string& owner = owners[i].second;
    text += fmt::format("{} = [", owner);
    for (size_t first = i; i < owners.size() && owners[i].second == owner; ++i) {
      text += fmt::format("{}\"{}\"", i == first ? "" : ",", owners[i].first);
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
    std::string accounts = "[";
    for (AccountId a : label.accounts) {
      if (accounts.size() > 1) accounts += ',';
      append_json_string(accounts, universe.account_name(a));
    }
    accounts += ']';
    std::string start, end;
    append_tape_time(start, label.start);
    append_tape_time(end, label.end);
    const ManipulationInfo& kind = manipulation_info(label.kind);
    JsonObjectWriter json;
    json.field("episode", label.episode)
        .field("rule", kind.rule)
        .field("kind", kind.name)
        .field("symbol", universe.symbol_name(label.symbol))
        .raw("accounts", accounts)
        .field("start", start)
        .field("end", end);
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

}  // namespace

OrderMarketSummary write_order_market(const OrderMarketOptions& options,
                                      const std::string& orders_path,
                                      const std::string& owners_path,
                                      const std::string& labels_path) {
  OrderMarket market(options);
  OrderCsvWriter writer(orders_path, market.universe());
  OrderMarketSummary summary;
  std::vector<Event> events;
  while (market.step(events)) {
    for (const Event& e : events) {
      writer.write(e);
      count(e, summary);
    }
    events.clear();
  }
  writer.close();
  write_owners(owners_path, market, options);
  summary.episodes = write_labels(labels_path, market);
  return summary;
}

}  // namespace tw::sim
