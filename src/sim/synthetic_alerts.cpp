#include "sim/synthetic_alerts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "detect/detector.hpp"
#include "sim/alias_sampler.hpp"
#include "sim/random.hpp"
#include "util/format.hpp"

namespace tw::sim {
namespace {

// How one rule's alerts look. {0} symbol, {1} first account, {2} and {3} the two metrics.
struct RuleShape {
  std::string_view rule;
  double weight;  // relative frequency
  int64_t min_window_s, max_window_s;
  uint32_t min_accounts, max_accounts;
  std::string_view metric_a, metric_b;
  double max_a, max_b;
  std::string_view why;
};

constexpr RuleShape kShapes[] = {
    {"wash.round_trip", 30, 5, 600, 1, 2, "volume", "round_trips", 500, 40,
     "{1} traded {2:.1f} {0} with itself in {3:.0f} round trips"},
    {"wash.volume_anomaly", 12, 300, 3600, 1, 3, "volume_ratio", "self_share", 20, 1,
     "{0} volume ran {2:.1f}x its baseline, a {3:.2f} share between related accounts"},
    {"pump_and_dump", 4, 300, 1800, 1, 4, "rise_pct", "fall_pct", 30, 25,
     "{0} rose {2:.1f}% then fell {3:.1f}% on heavy volume led by {1}"},
    {"spoofing", 10, 1, 120, 1, 1, "size_multiple", "cancel_ms", 40, 2000,
     "{1} showed {2:.0f}x the usual size on {0} and cancelled within {3:.0f} ms"},
    {"layering", 8, 5, 300, 1, 2, "levels", "cancel_ratio", 12, 1,
     "{1} layered {2:.0f} price levels on {0} and cancelled a {3:.2f} share of them"},
    {"quote_stuffing", 9, 1, 60, 1, 1, "messages_per_s", "fill_ratio", 5000, 0.01,
     "{1} sent {2:.0f} messages/s on {0} with a fill ratio of {3:.3f}"},
    {"momentum_ignition", 5, 10, 600, 1, 2, "move_bps", "initiator_share", 300, 1,
     "{1} started a {2:.0f} bps run on {0} with a {3:.2f} share of the early volume"},
    {"excessive_spread", 9, 30, 1800, 1, 1, "peak_spread_bps", "minutes", 500, 30,
     "{0} spread peaked at {2:.0f} bps for {3:.0f} minutes while {1} quoted"},
    {"marking_the_close", 3, 60, 900, 1, 2, "close_move_bps", "close_share", 200, 1,
     "{1} moved the {0} close by {2:.0f} bps with a {3:.2f} share of the closing volume"},
    {"order_to_trade_ratio", 8, 600, 3600, 1, 1, "ratio", "orders", 2000, 50000,
     "{1} sent {3:.0f} orders on {0}, {2:.0f} per trade"},
    {"wash.collusive_ring", 2, 600, 7200, 3, 4, "ring_volume", "members", 2000, 4,
     "a ring around {1} traded {2:.0f} {0} among {3:.0f} accounts"},
};

const RuleShape& shape_of(std::string_view rule) {
  for (const RuleShape& s : kShapes) {
    if (s.rule == rule) return s;
  }
  throw std::logic_error(fmt::format("no synthetic alert shape for rule '{}'", rule));
}

// Severity by rank, about 50% LOW, 30% MEDIUM, 15% HIGH, 5% CRITICAL; scores in its band.
constexpr double kSeverityWeights[] = {50, 30, 15, 5};

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kDay = 86'400 * kSecond;

std::vector<double> zipf_weights(uint32_t n) {
  std::vector<double> weights(n);
  for (uint32_t i = 0; i < n; ++i) weights[i] = 1.0 / (i + 1);
  return weights;
}

}  // namespace

std::string synthetic_symbol(uint32_t index) {
  return fmt::format("S{:03}USDT", index);
}

std::string synthetic_account(uint32_t index) {
  return fmt::format("acct-{:05}", index);
}

struct SyntheticAlerts::State {
  SyntheticAlertOptions options;
  Rng rng;
  std::vector<const RuleShape*> shapes;  // in the registry's order
  AliasSampler rules;
  AliasSampler symbols;
  AliasSampler severities;
  std::vector<std::string> symbol_names;
  uint64_t index = 0;

  explicit State(const SyntheticAlertOptions& o)
      : options(o),
        rng(o.seed, 7),
        shapes(registry_shapes()),
        rules(shape_weights(shapes)),
        symbols(zipf_weights(o.symbols)),
        severities({std::begin(kSeverityWeights), std::end(kSeverityWeights)}) {
    for (uint32_t i = 0; i < o.symbols; ++i) symbol_names.push_back(synthetic_symbol(i));
  }

  static std::vector<const RuleShape*> registry_shapes() {
    std::vector<const RuleShape*> out;
    for (const RuleInfo& info : rule_registry()) out.push_back(&shape_of(info.name));
    return out;
  }

  static std::vector<double> shape_weights(const std::vector<const RuleShape*>& shapes) {
    std::vector<double> weights;
    for (const RuleShape* s : shapes) weights.push_back(s->weight);
    return weights;
  }

  int64_t uniform_int(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng.below(static_cast<uint32_t>(hi - lo + 1)));
  }

  // Windows start in order over the span, jittered by up to five minutes.
  Timestamp window_start() {
    int64_t span = static_cast<int64_t>(options.days) * kDay;
    double position = (static_cast<double>(index) + rng.uniform()) /
                      static_cast<double>(std::max<uint64_t>(options.alerts, 1));
    int64_t offset = static_cast<int64_t>(position * static_cast<double>(span));
    offset += uniform_int(-300, 300) * kSecond;
    return options.start + Duration::nanos(std::clamp<int64_t>(offset, 0, span - 1));
  }

  Alert make() {
    const RuleShape& shape = *shapes[rules.sample(rng)];
    Alert a;
    a.rule = shape.rule;
    a.symbol = symbol_names[symbols.sample(rng)];
    a.severity = static_cast<Severity>(severities.sample(rng));
    a.score = std::round((25.0 * static_cast<double>(a.severity) + rng.uniform(0, 25)) * 10) / 10;
    a.start = window_start();
    a.end = a.start + Duration::seconds(uniform_int(shape.min_window_s, shape.max_window_s));
    auto accounts = static_cast<uint32_t>(uniform_int(shape.min_accounts, shape.max_accounts));
    for (uint32_t i = 0; i < accounts; ++i) {
      a.accounts.push_back(synthetic_account(rng.below(options.accounts)));
    }
    double metric_a = rng.uniform(0.1, 1.0) * shape.max_a;
    double metric_b = rng.uniform(0.1, 1.0) * shape.max_b;
    JsonObjectWriter metrics;
    metrics.field(shape.metric_a, metric_a)
        .field(shape.metric_b, metric_b)
        .field("trades", uniform_int(2, 400));
    a.metrics_json = std::move(metrics).finish();
    a.why = fmt::format(fmt::runtime(shape.why), a.symbol, a.accounts.front(), metric_a, metric_b);
    auto evidence = uniform_int(2, 120);
    for (int64_t i = 0; i < evidence; ++i) {
      a.add_evidence(i % 3 == 0 ? "order" : "trade", std::to_string(index * 200 + i));
    }
    a.id = make_alert_id(a.rule, a.symbol, a.start, a.end, std::to_string(index));
    ++index;
    return a;
  }
};

SyntheticAlerts::SyntheticAlerts(const SyntheticAlertOptions& options)
    : state_(std::make_unique<State>(options)) {
  if (options.symbols == 0 || options.accounts == 0 || options.days == 0) {
    throw std::invalid_argument("synthetic alerts need symbols, accounts and days above 0");
  }
}

SyntheticAlerts::~SyntheticAlerts() = default;

Alert SyntheticAlerts::next() {
  return state_->make();
}

namespace {

// A random walk of 1-minute bars per symbol; volumes split between the aggressor sides.
uint64_t write_bars(AlertStore& store, const SyntheticAlertOptions& o) {
  Rng rng(o.seed, 11);
  int64_t minutes = static_cast<int64_t>(o.days) * 1440;
  uint64_t written = 0;
  for (uint32_t s = 0; s < o.symbols; ++s) {
    std::string symbol = synthetic_symbol(s);
    double price = rng.uniform(1, 1000);
    double activity = 1000.0 / (s + 1);  // the busiest symbols trade the most
    for (int64_t m = 0; m < minutes; ++m) {
      double next = price * (1 + 0.001 * rng.normal());
      Bar bar;
      bar.start = o.start + Duration::minutes(m);
      bar.open = Price::from_double(price);
      bar.close = Price::from_double(next);
      bar.high = Price::from_double(std::max(price, next) * (1 + 0.0005 * rng.uniform()));
      bar.low = Price::from_double(std::min(price, next) * (1 - 0.0005 * rng.uniform()));
      double buy = std::round(activity * rng.exponential() * 1000) / 1000;
      double sell = std::round(activity * rng.exponential() * 1000) / 1000;
      bar.buy_volume = Quantity::from_double(buy);
      bar.sell_volume = Quantity::from_double(sell);
      bar.volume = Quantity::from_double(buy + sell);
      bar.value = (buy + sell) * (price + next) / 2;
      bar.trades = 1 + static_cast<uint64_t>(activity * rng.exponential() / 10);
      store.write_bar(symbol, Duration::minutes(1), bar);
      price = next;
      ++written;
    }
  }
  return written;
}

// Reviews every k-th alert, cycling through the statuses other than open.
uint64_t review(AlertStore& store, const std::vector<std::string>& ids) {
  constexpr AlertStatus kReviews[] = {AlertStatus::kReviewing, AlertStatus::kEscalated,
                                      AlertStatus::kDismissed, AlertStatus::kConfirmed};
  uint64_t n = 0;
  for (const std::string& id : ids) {
    AlertStatus status = kReviews[n % std::size(kReviews)];
    if (store.set_status(id, status, "synthetic review")) ++n;
  }
  return n;
}

}  // namespace

SyntheticAlertSummary fill_synthetic_alerts(AlertStore& store, const SyntheticAlertOptions& options,
                                            const std::function<void(uint64_t)>& progress) {
  SyntheticAlerts alerts(options);
  RunRecord run;
  run.run_id = fmt::format("synthetic-{}-seed{}", options.alerts, options.seed);
  run.inputs = {"synthetic"};
  store.begin_run(run);
  Rng pick(options.seed, 13);
  std::vector<std::string> to_review;
  SyntheticAlertSummary summary;
  auto started = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < options.alerts; ++i) {
    Alert a = alerts.next();
    if (pick.chance(options.reviewed_share)) to_review.push_back(a.id);
    store.emit(std::move(a));
    if (progress && (i + 1) % 100'000 == 0) progress(i + 1);
  }
  store.flush();
  summary.alerts_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary.alerts = options.alerts;
  summary.reviewed = review(store, to_review);
  if (options.bars) summary.bars = write_bars(store, options);
  run.alerts = options.alerts;
  run.events = summary.bars;
  run.status = "ok";
  store.finish_run(run);
  summary.from = options.start;
  summary.to = options.start + Duration::nanos(static_cast<int64_t>(options.days) * kDay);
  summary.busiest_symbol = synthetic_symbol(0);
  summary.some_account = synthetic_account(options.accounts / 2);
  return summary;
}

}  // namespace tw::sim
