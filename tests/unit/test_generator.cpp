// Tests of the market generator: format, determinism, ground truth and the injected patterns.
#include <gtest/gtest.h>
#include <unistd.h>

#include <simdjson.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "config/config.hpp"
#include "model/fixed_point.hpp"
#include "model/timestamp.hpp"
#include "sim/market_spec.hpp"
#include "sim/trade_generator.hpp"

using namespace tw;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("tw_gen_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == sep) {
      parts.push_back(line.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  return parts;
}

struct Row {
  std::string trade_id, time_text, symbol, side, trader, order_id, type;
  Timestamp ts;
  Price price;
  Quantity qty;
  bool buy() const { return side == "BUY"; }
};

// Reads the tape, failing the test on any malformed row.
std::vector<Row> read_tape(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "trade_id,timestamp,symbol,price,quantity,side,trader_id,order_id,event_type");
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f = split(line, ',');
    if (f.size() != 9) {
      ADD_FAILURE() << "row " << rows.size() + 1 << " has " << f.size() << " fields: " << line;
      continue;
    }
    Row r{f[0], f[1], f[2], f[5], f[6], f[7], f[8], {}, {}, {}};
    auto ts = Timestamp::parse_iso8601(f[1]);
    auto price = Price::parse(f[3]);
    auto qty = Quantity::parse(f[4]);
    if (!ts || !price || !qty) {
      ADD_FAILURE() << "unreadable row " << rows.size() + 1 << ": " << line;
      continue;
    }
    r.ts = *ts;
    r.price = *price;
    r.qty = *qty;
    rows.push_back(std::move(r));
  }
  return rows;
}

bool is_uuid4(const std::string& s) {
  if (s.size() != 36 || s[14] != '4') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return std::string("89ab").find(s[19]) != std::string::npos;
}

struct Label {
  int64_t episode = 0;
  std::string rule, kind, symbol, side, owner;
  std::vector<std::string> accounts;
  Timestamp start, end, peak_time, pump_end;
  int64_t rows = 0;
  bool truncated = false;
  Price price, price2, base_price, peak_price, low_price;
  Quantity quantity;
  double rise_pct = 0, giveback_pct = 0;
};

Timestamp json_time(simdjson::dom::element e, const char* key) {
  std::string_view text = e[key].get_string().value();
  auto ts = Timestamp::parse_iso8601(text);
  EXPECT_TRUE(ts.has_value()) << key << ": " << text;
  return ts.value_or(Timestamp());
}

std::vector<Label> read_labels(const std::string& path) {
  std::vector<Label> labels;
  std::ifstream in(path);
  std::string line;
  simdjson::dom::parser parser;
  while (std::getline(in, line)) {
    simdjson::dom::element e = parser.parse(line);
    Label l;
    l.episode = e["episode"].get_int64();
    l.rule = std::string(e["rule"].get_string().value());
    l.kind = std::string(e["kind"].get_string().value());
    l.symbol = std::string(e["symbol"].get_string().value());
    for (auto a : e["accounts"].get_array()) l.accounts.emplace_back(a.get_string().value());
    l.start = json_time(e, "start");
    l.end = json_time(e, "end");
    l.rows = e["rows"].get_int64();
    l.truncated = e["truncated"].get_bool();
    if (l.kind == "pump_and_dump") {
      l.peak_time = json_time(e, "peak_time");
      l.pump_end = json_time(e, "pump_end");
      l.base_price = Price::from_double(e["base_price"].get_double());
      l.peak_price = Price::from_double(e["peak_price"].get_double());
      l.low_price = Price::from_double(e["low_price"].get_double());
      l.rise_pct = e["rise_pct"].get_double();
      l.giveback_pct = e["giveback_pct"].get_double();
    } else {
      l.side = std::string(e["side"].get_string().value());
      l.price = Price::from_double(e["price"].get_double());
      l.price2 = Price::from_double(e["price2"].get_double());
      l.quantity = Quantity::from_double(e["quantity"].get_double());
      if (e["owner"].error() == simdjson::SUCCESS)
        l.owner = std::string(e["owner"].get_string().value());
    }
    labels.push_back(std::move(l));
  }
  return labels;
}

struct Run {
  TempDir dir;
  GeneratorSummary summary;
  std::string trades, labels, owners;
};

std::unique_ptr<Run> run(const GeneratorOptions& options, bool owners = true) {
  auto r = std::make_unique<Run>();
  r->trades = r->dir.file("trades.csv");
  r->labels = r->dir.file("labels.jsonl");
  r->owners = owners ? r->dir.file("owners.toml") : "";
  r->summary = generate_market(options, r->trades, r->labels, r->owners);
  return r;
}

// One-minute bars of one symbol, as a pump detector sees them.
struct MinuteBar {
  int64_t minute = 0;
  double open = 0, high = 0, low = 0, close = 0, volume = 0, buy_volume = 0;
};

std::vector<MinuteBar> minute_bars(const std::vector<Row>& rows, const std::string& symbol) {
  std::vector<MinuteBar> bars;
  for (const Row& r : rows) {
    if (r.symbol != symbol) continue;
    int64_t minute = r.ts.floor_to(Duration::minutes(1)).nanos() / Duration::minutes(1).count();
    double p = r.price.to_double();
    if (bars.empty() || bars.back().minute != minute) bars.push_back({minute, p, p, p, p, 0, 0});
    MinuteBar& b = bars.back();
    b.high = std::max(b.high, p);
    b.low = std::min(b.low, p);
    b.close = p;
    b.volume += r.qty.to_double();
    if (r.buy()) b.buy_volume += r.qty.to_double();
  }
  return bars;
}

// Bars that look like the pump leg: volume >= 3x the median of up to 60 earlier bars, buys
// >= 60 % of it, and the close >= 3 % above the lowest low of the last five bars.
std::vector<int64_t> pump_like_minutes(const std::vector<MinuteBar>& bars) {
  std::vector<int64_t> minutes;
  for (size_t i = 10; i < bars.size(); ++i) {
    std::vector<double> history;
    for (size_t j = i >= 60 ? i - 60 : 0; j < i; ++j) history.push_back(bars[j].volume);
    std::nth_element(history.begin(), history.begin() + history.size() / 2, history.end());
    double median = history[history.size() / 2];
    double low = bars[i].low;
    for (size_t j = i >= 4 ? i - 4 : 0; j < i; ++j) low = std::min(low, bars[j].low);
    if (bars[i].volume >= 3 * median && bars[i].buy_volume >= 0.6 * bars[i].volume &&
        bars[i].close >= 1.03 * low) {
      minutes.push_back(bars[i].minute);
    }
  }
  return minutes;
}

GeneratorOptions demo_options() {
  GeneratorOptions o;  // the defaults: 3 symbols, 500 accounts, one hour
  o.seed = 1;
  return o;
}

}  // namespace

TEST(Generator, SameSeedGivesIdenticalFilesAndAnotherSeedDoesNot) {
  GeneratorOptions o = demo_options();
  o.hours = 0.5;
  o.seed = 7;
  auto a = run(o);
  auto b = run(o);
  EXPECT_EQ(read_all(a->trades), read_all(b->trades));
  EXPECT_EQ(read_all(a->labels), read_all(b->labels));
  EXPECT_EQ(read_all(a->owners), read_all(b->owners));
  EXPECT_GT(a->summary.rows, 10'000u);
  o.seed = 8;
  auto c = run(o);
  EXPECT_NE(read_all(a->trades), read_all(c->trades));
  EXPECT_NE(read_all(a->labels), read_all(c->labels));
}

TEST(Generator, EveryRowIsWellFormedAndInTimeOrder) {
  GeneratorOptions o = demo_options();
  auto r = run(o);
  std::vector<Row> rows = read_tape(r->trades);
  ASSERT_EQ(rows.size(), r->summary.rows);
  const Timestamp start = *Timestamp::parse_iso8601(o.start);
  const std::set<std::string> symbols = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
  const std::set<std::string> types = {"TRADE", "WASH", "SELF_TRADE", "PUMP", "DUMP"};
  std::unordered_set<std::string> ids;
  Timestamp previous = start;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.trade_id);
    EXPECT_TRUE(is_uuid4(row.trade_id));
    EXPECT_TRUE(is_uuid4(row.order_id));
    EXPECT_TRUE(ids.insert(row.trade_id).second);
    EXPECT_TRUE(ids.insert(row.order_id).second);
    EXPECT_EQ(row.time_text.size(), 27u);  // 2025-01-06T12:00:00.091000Z
    EXPECT_EQ(row.time_text.back(), 'Z');
    EXPECT_GE(row.ts, previous);
    EXPECT_LT(row.ts, start + Duration::hours(1));
    previous = row.ts;
    EXPECT_TRUE(symbols.count(row.symbol));
    EXPECT_TRUE(row.price.is_positive());
    EXPECT_EQ(row.price.raw() % Price::parse("0.01")->raw(), 0) << "off the 0.01 tick";
    EXPECT_TRUE(row.qty.is_positive());
    EXPECT_TRUE(row.side == "BUY" || row.side == "SELL");
    ASSERT_EQ(row.trader.size(), 5u);
    int trader = std::stoi(row.trader.substr(1));
    EXPECT_TRUE(row.trader[0] == 'T' && trader >= 1 && trader <= 500);
    EXPECT_TRUE(types.count(row.type)) << row.type;
  }
}

TEST(Generator, OrdinaryFlowLooksLikeAMarket) {
  GeneratorOptions o = demo_options();
  o.hours = 4;
  o.pump_dumps_per_hour = 0;
  auto r = run(o);
  std::vector<Row> rows = read_tape(r->trades);
  std::map<std::string, int> per_trader;
  std::map<std::string, std::vector<double>> sizes;
  size_t trades = 0, buys = 0;
  for (const Row& row : rows) {
    if (row.type != "TRADE") continue;
    ++trades;
    buys += row.buy();
    ++per_trader[row.trader];
    sizes[row.symbol].push_back(row.qty.to_double());
  }
  // Balanced sides, a few very active accounts, heavy-tailed sizes, distinct price levels.
  EXPECT_NEAR(static_cast<double>(buys) / static_cast<double>(trades), 0.5, 0.03);
  std::vector<int> counts;
  for (const auto& [trader, n] : per_trader) counts.push_back(n);
  std::sort(counts.rbegin(), counts.rend());
  EXPECT_GT(counts[0] + counts[1] + counts[2] + counts[3] + counts[4],
            static_cast<int>(trades / 5));
  for (auto& [symbol, v] : sizes) {
    std::sort(v.begin(), v.end());
    EXPECT_GT(v.back() / v[v.size() / 2], 30) << symbol << ": sizes should be heavy-tailed";
  }
  std::map<std::string, double> last_price;
  for (const Row& row : rows) last_price[row.symbol] = row.price.to_double();
  EXPECT_GT(last_price["BTCUSDT"], 30000);
  EXPECT_LT(last_price["SOLUSDT"], 200);
}

TEST(Generator, LabelsMatchTheInjectedRows) {
  auto r = run(demo_options());
  std::vector<Row> rows = read_tape(r->trades);
  std::vector<Label> labels = read_labels(r->labels);
  Config owners = load_config(r->owners);
  std::map<std::string, std::string> owner_of(owners.owners.begin(), owners.owners.end());
  const Duration max_delay = demo_options().wash_max_delay;

  std::multimap<int64_t, const Row*> injected_at;  // wash and self-trade rows by time
  size_t injected = 0;
  for (const Row& row : rows) {
    if (row.type == "TRADE") continue;
    ++injected;
    if (row.type == "WASH" || row.type == "SELF_TRADE") injected_at.emplace(row.ts.nanos(), &row);
  }
  // Finds the injected row of `type` at `ts` by `trader` on `side`.
  auto find = [&](const std::string& type, Timestamp ts, const std::string& symbol,
                  const std::string& trader, const std::string& side) -> const Row* {
    auto [lo, hi] = injected_at.equal_range(ts.nanos());
    for (auto it = lo; it != hi; ++it) {
      const Row* row = it->second;
      if (row->type == type && row->symbol == symbol && row->trader == trader && row->side == side)
        return row;
    }
    return nullptr;
  };

  std::map<std::string, int> kinds;
  int linked = 0;
  int64_t labelled_rows = 0;
  for (const Label& l : labels) {
    SCOPED_TRACE("episode " + std::to_string(l.episode));
    ++kinds[l.kind];
    labelled_rows += l.rows;
    EXPECT_FALSE(l.truncated);
    if (l.kind == "round_trip" || l.kind == "self_trade") {
      EXPECT_EQ(l.rule, "wash.round_trip");
      EXPECT_EQ(l.rows, 2);
      std::string type = l.kind == "round_trip" ? "WASH" : "SELF_TRADE";
      std::string other = l.side == "BUY" ? "SELL" : "BUY";
      const Row* first = find(type, l.start, l.symbol, l.accounts.front(), l.side);
      const Row* second = find(type, l.end, l.symbol, l.accounts.back(), other);
      ASSERT_TRUE(first && second);
      // Same quantity, opposite sides, (nearly) the same price, within the stated time.
      EXPECT_EQ(first->qty, l.quantity);
      EXPECT_EQ(second->qty, first->qty);
      EXPECT_EQ(first->price, l.price);
      EXPECT_EQ(second->price, l.price2);
      EXPECT_LE(std::abs(first->price.raw() - second->price.raw()), Price::parse("0.01")->raw());
      EXPECT_LE(l.end - l.start, max_delay);
      if (l.kind == "self_trade") {
        EXPECT_EQ(l.start, l.end);
        EXPECT_EQ(first->price, second->price);
      }
      if (l.accounts.size() == 2) {
        ++linked;
        EXPECT_NE(l.accounts[0], l.accounts[1]);
        EXPECT_EQ(owner_of[l.accounts[0]], l.owner);
        EXPECT_EQ(owner_of[l.accounts[1]], l.owner);
      } else {
        EXPECT_EQ(l.accounts.size(), 1u);
        EXPECT_TRUE(l.owner.empty());
      }
    } else {
      EXPECT_EQ(l.rule, "pump_and_dump");
      int64_t count = 0;
      for (const Row& row : rows) {
        if (row.symbol != l.symbol || (row.type != "PUMP" && row.type != "DUMP")) continue;
        if (row.ts < l.start || row.ts > l.end) continue;
        ++count;
        EXPECT_TRUE(std::count(l.accounts.begin(), l.accounts.end(), row.trader)) << row.trader;
        // Buys until the peak, sells after it.
        EXPECT_EQ(row.type == "PUMP", row.ts < l.pump_end);
        EXPECT_EQ(row.buy(), row.type == "PUMP");
      }
      EXPECT_EQ(count, l.rows);
    }
  }
  EXPECT_EQ(labelled_rows, static_cast<int64_t>(injected)) << "every injected row is labelled";
  EXPECT_EQ(r->summary.injected_rows, injected);
  // The default hour holds several episodes of each kind.
  EXPECT_GE(kinds["round_trip"], 10);
  EXPECT_GE(kinds["self_trade"], 5);
  EXPECT_GE(kinds["pump_and_dump"], 2);
  EXPECT_GE(linked, 1);
  EXPECT_EQ(r->summary.wash_pairs, static_cast<uint64_t>(kinds["round_trip"]));
  EXPECT_EQ(r->summary.self_trades, static_cast<uint64_t>(kinds["self_trade"]));
  EXPECT_EQ(r->summary.pump_dumps, static_cast<uint64_t>(kinds["pump_and_dump"]));
}

TEST(Generator, PumpEpisodesRiseAndGiveBackOnOneMinuteBars) {
  GeneratorOptions o = demo_options();
  o.hours = 3;
  auto r = run(o);
  std::vector<Row> rows = read_tape(r->trades);
  std::vector<Label> labels = read_labels(r->labels);
  int pumps = 0;
  for (const Label& l : labels) {
    if (l.kind != "pump_and_dump") continue;
    ++pumps;
    SCOPED_TRACE("episode " + std::to_string(l.episode) + " on " + l.symbol);
    // Measured from the rows: last price before the start, highest price, lowest after it.
    Price base, peak, low;
    Timestamp peak_at;
    double sold = 0, bought = 0;
    for (const Row& row : rows) {
      if (row.symbol != l.symbol || row.ts > l.end) continue;
      if (row.ts < l.start) {
        base = row.price;
        continue;
      }
      if (row.price > peak) {
        peak = low = row.price;
        peak_at = row.ts;
      } else if (row.price < low) {
        low = row.price;
      }
      if (row.ts >= l.pump_end) (row.buy() ? bought : sold) += row.qty.to_double();
    }
    double rise = peak.to_double() / base.to_double() - 1;
    double giveback = (peak.to_double() - low.to_double()) / (peak.to_double() - base.to_double());
    EXPECT_GE(rise, 0.05);
    EXPECT_GE(giveback, 0.5);
    EXPECT_LE(l.end - peak_at, Duration::minutes(30));
    EXPECT_GE(sold / (sold + bought), 0.6) << "the dump is sell-dominated";
    EXPECT_EQ(base, l.base_price);
    EXPECT_EQ(peak, l.peak_price);
    EXPECT_EQ(low, l.low_price);
    EXPECT_NEAR(l.rise_pct, 100 * rise, 0.01);
    // On 1-minute bars the pump leg stands out: 3x the volume, 60 % buys, 3 % up.
    std::vector<int64_t> hits = pump_like_minutes(minute_bars(rows, l.symbol));
    int64_t first = l.start.floor_to(Duration::minutes(1)).nanos() / Duration::minutes(1).count();
    int64_t last = l.pump_end.floor_to(Duration::minutes(1)).nanos() / Duration::minutes(1).count();
    EXPECT_TRUE(std::any_of(hits.begin(), hits.end(),
                            [&](int64_t m) { return m >= first && m <= last + 1; }));
  }
  EXPECT_GE(pumps, 5);
}

TEST(Generator, OrdinaryFlowHasNoPumpsOrRoundTrips) {
  GeneratorOptions o = demo_options();
  o.symbols = 5;
  o.hours = 8;
  o.seed = 3;
  o.pump_dumps_per_hour = 0;
  auto r = run(o);
  std::vector<Row> rows = read_tape(r->trades);
  for (const sim::SymbolSpec& spec : sim::make_symbol_specs(o.symbols)) {
    std::vector<int64_t> hits = pump_like_minutes(minute_bars(rows, spec.name));
    EXPECT_TRUE(hits.empty()) << spec.name << " has " << hits.size() << " pump-like minutes";
  }
  // No account mirrors its own ordinary fill (same size, other side) within 30 s.
  std::map<std::tuple<std::string, std::string, int64_t, bool>, Timestamp> last_fill;
  int mirrored = 0;
  for (const Row& row : rows) {
    if (row.type != "TRADE") continue;
    auto other = last_fill.find({row.trader, row.symbol, row.qty.raw(), !row.buy()});
    if (other != last_fill.end() && row.ts - other->second <= Duration::seconds(30)) ++mirrored;
    last_fill[{row.trader, row.symbol, row.qty.raw(), row.buy()}] = row.ts;
  }
  EXPECT_EQ(mirrored, 0);
}

TEST(Generator, RowCapStopsAtExactlyThatManyRows) {
  GeneratorOptions o = demo_options();
  o.rows = 1234;
  auto capped = run(o);
  EXPECT_EQ(capped->summary.rows, 1234u);
  EXPECT_EQ(read_tape(capped->trades).size(), 1234u);

  o.hours = 0;  // no time limit: the cap alone ends the run
  o.rows = 150'000;
  auto r = run(o);
  std::vector<Row> rows = read_tape(r->trades);
  EXPECT_EQ(rows.size(), 150'000u);
  EXPECT_GT(rows.back().ts - rows.front().ts, Duration::hours(1));
  // Episodes cut by the cap are labelled truncated, with the rows that made it onto the tape.
  int64_t labelled = 0, injected = 0;
  for (const Label& l : read_labels(r->labels)) labelled += l.rows;
  for (const Row& row : rows) injected += row.type != "TRADE";
  EXPECT_EQ(labelled, injected);
}

TEST(Generator, OwnersFileLoadsAsConfigAndIsOptional) {
  auto r = run(demo_options());
  Config config = load_config(r->owners);
  EXPECT_GE(config.owners.size(), 2 * r->summary.owner_groups);
  std::set<std::string> accounts;
  for (const auto& [account, owner] : config.owners) {
    EXPECT_TRUE(accounts.insert(account).second) << account << " has two owners";
  }
  auto without = run(demo_options(), /*owners=*/false);
  EXPECT_EQ(without->summary.linked_wash_pairs, 0u);
  EXPECT_EQ(without->summary.owner_groups, 0u);
}

TEST(Generator, MoreSymbolsGetInventedNamesAndTheirOwnLevels) {
  std::vector<sim::SymbolSpec> specs = sim::make_symbol_specs(40);
  std::set<std::string> names;
  for (const sim::SymbolSpec& s : specs) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_TRUE(s.start_price.is_positive() && s.tick.is_positive() && s.lot.is_positive());
    EXPECT_EQ(s.start_price.raw() % s.tick.raw(), 0) << s.name;
  }
  EXPECT_EQ(specs[0].name, "BTCUSDT");
  EXPECT_EQ(specs[3].name, sim::make_symbol_specs(4)[3].name);
  EXPECT_EQ(sim::make_account_names(12000)[41], "T00042");
}

TEST(Generator, RejectsBadOptionsAndPathsByName) {
  auto expect_error = [](GeneratorOptions o, const std::string& name) {
    try {
      validate(o);
      ADD_FAILURE() << "accepted a bad '" << name << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("'" + name + "'"), std::string::npos) << e.what();
    }
  };
  GeneratorOptions o;
  o.symbols = 0;
  expect_error(o, "symbols");
  o = {};
  o.accounts = 0;
  expect_error(o, "accounts");
  o = {};
  o.hours = -1;
  expect_error(o, "hours");
  o = {};
  o.hours = 0;
  expect_error(o, "hours");
  o = {};
  o.start = "yesterday";
  expect_error(o, "start");
  o = {};
  o.activity = 0;
  expect_error(o, "activity");
  o = {};
  o.linked_wash_share = 1.5;
  expect_error(o, "linked_wash_share");
  o = {};
  o.wash_per_hour = -2;
  expect_error(o, "wash_per_hour");

  TempDir dir;
  const std::string missing = dir.file("no/such/dir/trades.csv");
  try {
    generate_market({}, missing, "", "");
    ADD_FAILURE() << "wrote into a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  GeneratorOptions bad;
  bad.symbols = 0;
  EXPECT_THROW(generate_market(bad, dir.file("t.csv"), "", ""), std::invalid_argument);
}

TEST(Generator, ReportsItsSpeed) {
  GeneratorOptions o = demo_options();
  o.hours = 0;
  o.rows = 500'000;
  TempDir dir;
  auto begin = std::chrono::steady_clock::now();
  GeneratorSummary s = generate_market(o, dir.file("t.csv"), dir.file("l.jsonl"), "");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(s.rows, 500'000u);
  std::printf("[ info ] generator: %llu rows in %.3f s = %.2f M rows/s\n",
              static_cast<unsigned long long>(s.rows), seconds, s.rows / seconds / 1e6);
}
