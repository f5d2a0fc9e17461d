#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cli/batch_job.hpp"
#include "evidence_test_util.hpp"
#include "sim/order_csv_writer.hpp"
#include "sim/order_market.hpp"
#include "store/alert_store.hpp"
#include "temp_dir.hpp"

using namespace tw;
using tw::testing::EvidenceDoc;

namespace {

/// A generated order-level market with spoofing, layering and self-trades injected, run by
/// `tapewatch run`'s job into SQLite.
struct StoredRun {
  StoredRun() {
    sim::OrderMarketOptions options;
    options.symbols = 2;
    options.hours = 1;
    options.seed = 3;
    options.inject = {sim::ManipulationKind::kSpoofing, sim::ManipulationKind::kLayering,
                      sim::ManipulationKind::kSelfTrade};
    options.episodes_per_hour = 6;
    options.warmup = Duration::minutes(1);
    options.gap = Duration::minutes(1);
    const std::string orders = dir.file("orders.csv");
    sim::write_order_market(options, orders, dir.file("owners.toml"), dir.file("labels.jsonl"));
    cli::BatchJob job;
    job.inputs = {orders};
    job.config = default_config();
    job.config.owners = load_config(dir.file("owners.toml")).owners;
    job.db = dir.file("run.db");
    result = cli::run_batch_job(job);
    store = open_store(job.db, StoreOpen::kExisting);
  }

  /// The stored alerts of the rules `rules`.
  std::vector<Alert> alerts_of(const std::set<std::string>& rules) {
    std::vector<Alert> out;
    store->for_each_alert(AlertQuery{}, [&](const StoredAlert& a) {
      if (rules.count(a.alert.rule)) out.push_back(a.alert);
    });
    return out;
  }

  tw::testing::TempDir dir;
  cli::BatchJobResult result;
  std::unique_ptr<AlertStore> store;
};

std::string_view after_kind(std::string_view evidence_id) {
  return evidence_id.substr(evidence_id.find(':') + 1);
}

}  // namespace

// Every alert's evidence is stored; a spoofing or layering alert's names the orders it was
// raised on, with when each was placed and pulled; a wash alert's trades name both accounts.
TEST(EvidenceEndToEnd, StoresWhatEachAlertWasRaisedOn) {
  StoredRun run;
  ASSERT_GT(run.result.alerts->total(), 0u);
  uint64_t with_evidence = 0;
  run.store->for_each_alert(AlertQuery{}, [&](const StoredAlert& a) {
    with_evidence += run.store->find_evidence(a.alert.id).has_value() ? 1 : 0;
  });
  EXPECT_EQ(with_evidence, run.store->count_alerts(AlertQuery{}));

  const std::vector<Alert> pulled = run.alerts_of({"spoofing", "layering"});
  ASSERT_FALSE(pulled.empty());
  for (const Alert& alert : pulled) {
    auto json = run.store->find_evidence(alert.id);
    ASSERT_TRUE(json) << alert.id;
    EvidenceDoc doc(*json);
    EXPECT_EQ(doc.size_of("missing"), 0u) << alert.rule << " " << doc.text();
    size_t cancelled = 0;
    for (const std::string& id : alert.evidence) {
      if (!id.starts_with("order:")) continue;
      auto order = doc.find("orders", after_kind(id));
      ASSERT_TRUE(order) << id << " in " << doc.text();
      ASSERT_FALSE((*order)["placed_ns"].is_null()) << id;
      EXPECT_FALSE(std::string_view((*order)["account"]).empty()) << id;
      if (std::string_view((*order)["end"]) != "cancel") continue;
      ++cancelled;
      const int64_t placed = (*order)["placed_ns"];
      const int64_t ended = (*order)["ended_ns"];
      EXPECT_LE(placed, ended) << id;
      EXPECT_LE(ended, alert.end.nanos()) << id;
    }
    EXPECT_GE(cancelled, 1u) << alert.rule << " " << doc.text();
    EXPECT_GT(doc.size_of("depth"), 0u) << alert.rule;
    EXPECT_GT(doc.size_of("tape"), 0u) << alert.rule;
  }

  const std::vector<Alert> washes = run.alerts_of({"wash.round_trip"});
  ASSERT_FALSE(washes.empty());
  for (const Alert& alert : washes) {
    EvidenceDoc doc(run.store->find_evidence(alert.id).value_or("{}"));
    ASSERT_GT(doc.size_of("trades"), 0u) << doc.text();
    for (simdjson::dom::element trade : simdjson::dom::array(doc["trades"])) {
      EXPECT_FALSE(std::string_view(trade["buyer"]).empty()) << doc.text();
      EXPECT_FALSE(std::string_view(trade["seller"]).empty()) << doc.text();
    }
  }
}

// With [evidence] off, the run stores alerts and no evidence.
TEST(EvidenceEndToEnd, NothingIsRecordedWhenDisabled) {
  tw::testing::TempDir dir;
  const std::string trades = dir.write("trades.csv",
                                       "timestamp,symbol,price,quantity,buyer,seller\n"
                                       "2025-01-06T12:00:00Z,ACME,10,5,A,A\n"
                                       "2025-01-06T12:00:01Z,ACME,10,5,A,A\n"
                                       "2025-01-06T12:00:02Z,ACME,10,5,A,A\n");
  cli::BatchJob job;
  job.inputs = {trades};
  job.config = parse_config("[evidence]\nenabled = false\n", "off.toml");
  job.db = dir.file("run.db");
  cli::BatchJobResult result = cli::run_batch_job(job);
  ASSERT_GT(result.alerts->total(), 0u);
  auto store = open_store(job.db, StoreOpen::kExisting);
  store->for_each_alert(AlertQuery{}, [&](const StoredAlert& a) {
    EXPECT_FALSE(store->find_evidence(a.alert.id)) << a.alert.rule;
  });
}
