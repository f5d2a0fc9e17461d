#include "detect/order_to_trade_ratio.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "detect/order_messages.hpp"
#include "detect/symbol_rule.hpp"
#include "util/format.hpp"

namespace tw {
namespace {

/// Most accounts per symbol and period that the configuration may ask for.
constexpr int64_t kMaxAccountsLimit = 1'000'000;
/// Evidence: the first messages a sender sent in the period, and its first executions.
constexpr size_t kSampledOrders = 20;
constexpr size_t kSampledExecutions = 5;
/// The score is 100 once the ratio is this many times the limit.
constexpr double kFullScoreMultiple = 4;

struct OrderToTradeRatioParams {
  Duration period;
  double max_ratio = 0;
  int64_t min_messages = 0;
  int64_t max_accounts = 0;

  static OrderToTradeRatioParams read(const ParamValues& v, std::string_view /*where*/) {
    OrderToTradeRatioParams p;
    p.period = v.duration("period");
    p.max_ratio = v.number("max_ratio");
    p.min_messages = v.integer("min_messages");
    p.max_accounts = v.integer("max_accounts");
    return p;
  }
};

/// What one sender did in the open period: an account, or (account 0) the symbol's messages
/// whose order has no known owner.
struct Tally {
  AccountId account;
  MessageCounts counts;
  bool any = false;  // a message in the period: counts.messages() > 0, without the sum
  Timestamp first;   // of its first and last message in the period
  Timestamp last;
  OrderSample<kSampledOrders> orders;                   // its first orders
  std::array<EventRef, kSampledExecutions> executions;  // its first executions

  explicit Tally(AccountId who = {}) : account(who) {}

  void add(const Event& e) {
    if (!any) first = e.ts;
    any = true;
    last = e.ts;
    if (e.kind == EventKind::kOrderExecute) {
      // Named as its print is: the match id, else the execution's line.
      if (counts.executions < static_cast<int64_t>(kSampledExecutions)) {
        executions[static_cast<size_t>(counts.executions)] = EventRef{e.ref, e.seq};
      }
    } else {
      orders.add(e);
    }
    counts.count(e.kind);
  }

  /// Messages per execution; with no execution, per one (a lower bound of the true ratio).
  double ratio() const {
    return static_cast<double>(counts.orders_sent()) /
           static_cast<double>(std::max<int64_t>(counts.executions, 1));
  }
};

class OrderToTradeRatio {
 public:
  using Params = OrderToTradeRatioParams;
  static constexpr std::string_view kRule = "order_to_trade_ratio";

  OrderToTradeRatio(const SymbolScope& scope, const Params& params)
      : scope_(scope), p_(params), accounts_(static_cast<size_t>(params.max_accounts)) {}

  static bool wants(const Event& e) { return e.is_order_event(); }

  [[gnu::always_inline]] void on_event(const Event& e) {
    // A message behind the open period (only if event time went back) joins it.
    if (e.ts.nanos() >= period_end_) roll_to(e.ts);
    const AccountId owner = order_owner(e, scope_.book());
    if (Tally* t = tally_of(owner)) {
      t->add(e);
    } else {
      ++untracked_messages_;
    }
  }

  void advance_to(Timestamp watermark) {
    if (started() && watermark.nanos() >= period_end_) roll_to(watermark);
  }

  /// The open period closes at its end.
  Timestamp due() const {
    return started() ? Timestamp::from_nanos(period_end_) : Timestamp::max();
  }

  void finish() {
    if (started()) close_period();  // the input ended: the open period is all it holds
  }

 private:
  // Closes the open period, if any, and opens the one holding `t`.
  // A period is open once the first message came: its end is then a time.
  bool started() const { return period_end_ != std::numeric_limits<int64_t>::min(); }

  void roll_to(Timestamp t) {
    if (started()) close_period();
    period_ = aligned_index(t, p_.period);
    period_end_ = aligned_start(period_ + 1, p_.period).nanos();
  }

  Tally* tally_of(AccountId owner) {
    if (!owner) return &anonymous_;
    return account_tally(owner);
  }

  // Out of line, so that the messages with no known owner (most, on ITCH) skip it.
  [[gnu::noinline]] Tally* account_tally(AccountId owner) {
    if (Tally* known = accounts_.find(owner)) return known;
    return accounts_.add(Tally(owner));
  }

  void close_period() {
    judge(anonymous_);
    for (const Tally& t : accounts_) judge(t);
    anonymous_ = Tally{};
    accounts_.clear();
    untracked_messages_ = 0;
  }

  void judge(const Tally& t) {
    if (t.counts.orders_sent() < p_.min_messages) return;
    if (!(t.ratio() > p_.max_ratio)) return;
    emit(t);
  }

  void emit(const Tally& t) {
    const SenderName sender = SenderName::of(t.account, scope_);
    const std::string key = sender.key() + "|period:" + std::to_string(period_);
    const double score = score_between(t.ratio(), p_.max_ratio, kFullScoreMultiple * p_.max_ratio);
    Alert a = scope_.new_alert(t.first, t.last, key, score);
    if (t.account) a.accounts.emplace_back(sender.account);
    a.metrics_json = metrics(t, sender);
    a.why = why(t, sender);
    add_evidence(t, a);
    scope_.sink->emit(std::move(a));
  }

  static void add_evidence(const Tally& t, Alert& a) {
    for (const EventRef& ref : t.orders) a.add_evidence("order", ref.text());
    const auto executions = std::min<int64_t>(t.counts.executions, kSampledExecutions);
    for (int64_t i = 0; i < executions; ++i) {
      a.add_evidence("trade", t.executions[static_cast<size_t>(i)].text());
    }
    a.evidence_total = static_cast<uint64_t>(t.counts.messages());
  }

  std::string metrics(const Tally& t, const SenderName& sender) const {
    JsonObjectWriter m;
    m.field("sender", sender.kind()).field("ratio", t.ratio()).field("max_ratio", p_.max_ratio);
    // RTS 9 Art. 3's number ratio (orders / transactions - 1), defined with an execution.
    if (t.counts.executions > 0) m.field("rts9_number_ratio", t.ratio() - 1);
    m.field("messages", t.counts.orders_sent());
    t.counts.write(m);
    m.field("min_messages", p_.min_messages)
        .field("period_start", aligned_start(period_, p_.period).to_iso8601())
        .field("period_end", aligned_start(period_ + 1, p_.period).to_iso8601())
        .field("untracked_messages", untracked_messages_);
    return std::move(m).finish();
  }

  std::string why(const Tally& t, const SenderName& sender) const {
    const MessageCounts& c = t.counts;
    return fmt::format(
        "{} sent {} order messages on {} ({} new, {} modified, {} cancelled) against {} "
        "executions in the {} period from {}: {} messages per execution, above the limit of {}.",
        sender.who(), c.orders_sent(), scope_.name, c.adds, c.replaces, c.cancellations(),
        c.executions, p_.period.to_string(), aligned_start(period_, p_.period).to_iso8601(),
        format_rounded(t.ratio(), 2), format_number(p_.max_ratio));
  }

  SymbolScope scope_;
  Params p_;
  Tally anonymous_;
  AccountSlots<Tally> accounts_;
  int64_t period_ = 0;  // the open period's index
  // ns: messages from here on belong to a later period (all of them before the first).
  int64_t period_end_ = std::numeric_limits<int64_t>::min();
  int64_t untracked_messages_ = 0;  // of accounts beyond max_accounts in the open period
};

std::vector<ParamSpec> param_specs() {
  return {
      {"period", ParamType::kDuration, "1d",
       "Length of the periods ratios are counted over, aligned to multiples of it since the "
       "epoch (1d: UTC days)"},
      {"max_ratio", ParamType::kNumber, "100",
       "Order messages (adds, modifications, cancels, deletes) per execution above which a "
       "sender's period fires",
       0},
      {"min_messages", ParamType::kInteger, "1000",
       "Order messages a sender needs in a period before its ratio is judged", 1},
      {"max_accounts", ParamType::kInteger, "1024",
       "Accounts counted per symbol and period; messages of further accounts are not judged "
       "(reported as untracked_messages)",
       1, static_cast<double>(kMaxAccountsLimit)},
  };
}

}  // namespace

RuleInfo order_to_trade_ratio_rule() {
  return {OrderToTradeRatio::kRule,
          "Order messages per execution of one sender (an account, else the symbol's "
          "unattributed orders) over an aligned period above max_ratio (MiFID II RTS 9 style)",
          "order events (accounts optional)", param_specs(), &make_symbol_rule<OrderToTradeRatio>};
}

}  // namespace tw
