#include "detect/quote_stuffing.hpp"

#include <fmt/format.h>

#include <algorithm>
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

/// Most windows a baseline may hold: bounds each sender's history (4 bytes a window).
constexpr int64_t kMaxBaselineWindows = 86'400;
/// Most accounts followed per symbol that the configuration may ask for.
constexpr int64_t kMaxAccountsLimit = 65'536;
/// Order messages of each firing window kept as evidence (the first ones); an episode keeps
/// kMaxEvidenceIds of them, from its first windows.
constexpr size_t kSamplePerWindow = 10;
/// The score is 100 once the peak rate is this many times the rate that fires.
constexpr double kFullScoreExcess = 4;

struct QuoteStuffingParams {
  Duration window;
  double min_rate = 0;  // messages per second
  double rate_multiple = 0;
  int64_t baseline_windows = 0;
  int64_t min_history_windows = 0;
  double min_cancel_ratio = 0;
  double max_fill_ratio = 0;
  int64_t max_accounts = 0;

  static QuoteStuffingParams read(const ParamValues& v, std::string_view where) {
    auto fail = [&](const std::string& what) {
      throw ConfigError(std::string(where) + "." + what);
    };
    QuoteStuffingParams p;
    p.window = v.duration("window");
    p.min_rate = v.number("min_rate");
    p.rate_multiple = v.number("rate_multiple");
    p.baseline_windows = v.integer("baseline_windows");
    p.min_history_windows = v.integer("min_history_windows");
    p.min_cancel_ratio = v.number("min_cancel_ratio");
    p.max_fill_ratio = v.number("max_fill_ratio");
    p.max_accounts = v.integer("max_accounts");
    if (!(p.min_rate > 0)) fail("min_rate: must be above 0");
    if (p.min_history_windows > p.baseline_windows) {
      fail("min_history_windows: must not exceed baseline_windows");
    }
    return p;
  }

  double window_seconds() const { return window.to_seconds(); }
  /// The messages a window needs to reach min_rate.
  double min_window_messages() const { return min_rate * window_seconds(); }
};

/// What a closing window of a sender is measured against: the median messages per window of
/// its baseline, and the messages it needs to fire (infinite when it cannot).
struct Bar {
  double baseline = 0;
  double threshold = std::numeric_limits<double>::infinity();
};

/// Consecutive firing windows of one sender, and the window furthest past its threshold.
struct Episode {
  bool open = false;
  int64_t first_window = 0;
  int64_t last_window = 0;
  MessageCounts counts;  // over the firing windows
  int64_t peak_window = 0;
  int64_t peak_messages = 0;
  double peak_baseline = 0;   // median messages per window of the baseline before the peak
  double peak_threshold = 0;  // messages the peak window needed to fire
  std::vector<EventRef> evidence;
};

/// Where a window's messages came from: one account, or (account 0) the symbol's messages
/// whose order has no known owner. Each sender has its own baseline and episodes.
struct Sender {
  AccountId account;
  MessageCounts window;                  // the open window
  OrderSample<kSamplePerWindow> sample;  // the open window's first orders
  // Messages per closed window, at window mod baseline_windows. Windows after
  // `recorded_until` had no message; they are written as 0 when the next count is recorded.
  std::vector<uint32_t> history;
  int64_t recorded_until = 0;
  Episode episode;

  Sender(AccountId who, int64_t open_window, int64_t baseline_windows)
      : account(who),
        history(static_cast<size_t>(baseline_windows), 0),
        recorded_until(open_window - 1) {}

  void add(const Event& e) {
    sample.add(e);
    window.count(e.kind);
  }
  bool active() const { return window.messages() != 0 || episode.open; }

  size_t slot_index(int64_t window_index) const {
    const auto n = static_cast<int64_t>(history.size());
    return static_cast<size_t>(((window_index % n) + n) % n);
  }
  uint32_t& slot(int64_t window_index) { return history[slot_index(window_index)]; }
  /// Writes 0 for the silent windows after recorded_until and before `window_index`.
  void catch_up(int64_t window_index) {
    const int64_t from =
        std::max(recorded_until + 1, window_index - static_cast<int64_t>(history.size()));
    if (from < window_index) {
      // One division for the first slot; the others follow it round the ring, in two fills.
      const size_t at = slot_index(from);
      const auto silent = static_cast<size_t>(window_index - from);
      const size_t to_end = std::min(silent, history.size() - at);
      std::fill_n(history.begin() + static_cast<std::ptrdiff_t>(at), to_end, 0);
      std::fill_n(history.begin(), silent - to_end, 0);
    }
    recorded_until = std::max(recorded_until, window_index - 1);
  }
};

class QuoteStuffing {
 public:
  using Params = QuoteStuffingParams;
  static constexpr std::string_view kRule = "quote_stuffing";

  QuoteStuffing(const SymbolScope& scope, const Params& params)
      : scope_(scope),
        p_(params),
        anonymous_(AccountId{}, 0, params.baseline_windows),
        accounts_(static_cast<size_t>(params.max_accounts)),
        scratch_(static_cast<size_t>(params.baseline_windows)) {}

  static bool wants(const Event& e) { return e.is_order_event(); }

  [[gnu::always_inline]] void on_event(const Event& e) {
    if (!started_) start(e.ts);
    // A message behind the open window (only if event time went back) joins it.
    if (e.ts.nanos() >= window_end_) roll_to(aligned_index(e.ts, p_.window));
    const AccountId owner = order_owner(e, scope_.book());
    Sender* s = sender_of(owner);
    if (s == nullptr) return update_due();
    if (s != &anonymous_ && !s->active()) {
      active_accounts_.push_back(static_cast<uint32_t>(accounts_.position_of(*s)));
    }
    s->add(e);
    due_ = Timestamp::from_nanos(window_end_);  // s is active
  }

  // A symbol with no active sender has nothing to close: its windows roll on at its next
  // message (or a tick once one is active), which finds the same windows empty.
  void advance_to(Timestamp watermark) {
    if (started_ && watermark.nanos() >= window_end_ && any_active()) {
      roll_to(aligned_index(watermark, p_.window));
    }
    update_due();
  }

  /// The open window closes at its end, while some sender is active.
  Timestamp due() const { return due_; }

  void finish() {
    if (!started_) return;
    close_window(open_window_);  // the input ended: the open window is all it holds
    for_each_sender([&](Sender& s) {
      if (s.episode.open) emit(s);
    });
  }

 private:
  void start(Timestamp first) {
    started_ = true;
    first_window_ = aligned_index(first, p_.window);
    open(first_window_);
    anonymous_.recorded_until = first_window_ - 1;
  }

  void open(int64_t window) {
    open_window_ = window;
    window_end_ = aligned_start(window + 1, p_.window).nanos();
  }

  bool any_active() const { return anonymous_.active() || !active_accounts_.empty(); }
  // due() as the state now gives it: kept, rather than worked out after every message.
  void update_due() {
    due_ = started_ && any_active() ? Timestamp::from_nanos(window_end_) : Timestamp::max();
  }

  template <class Fn>
  void for_each_sender(Fn&& fn) {
    fn(anonymous_);
    for (Sender& s : accounts_) fn(s);
  }

  // The sender an owner's messages count for; null for an account that finds no place.
  Sender* sender_of(AccountId owner) {
    if (!owner) return &anonymous_;
    if (Sender* known = accounts_.find(owner)) return known;
    return add_account(owner);
  }

  [[gnu::noinline]] Sender* add_account(AccountId owner) {
    if (accounts_.full()) free_idle_accounts();
    return accounts_.add(Sender(owner, open_window_, p_.baseline_windows));
  }

  // An account with no message for longer than the baseline has only zeros in it, as a newcomer
  // has: its place can go to a newcomer losing nothing. Looked for at most once a window.
  void free_idle_accounts() {
    if (open_window_ < next_idle_scan_) return;
    next_idle_scan_ = open_window_ + 1;
    accounts_.remove_if([&](const Sender& s) {
      return !s.active() && open_window_ - s.recorded_until > p_.baseline_windows;
    });
    // The removal moved accounts into the places it freed.
    active_accounts_.clear();
    for (size_t at = 0; at < accounts_.size(); ++at) {
      if (accounts_.at(at).active()) active_accounts_.push_back(static_cast<uint32_t>(at));
    }
  }

  // Closes the open window and opens `window`: a silent window between them ends every
  // episode still open.
  void roll_to(int64_t window) {
    close_window(open_window_);
    if (window > open_window_ + 1) close_window(open_window_ + 1);
    open(window);
  }

  // Only the active senders are judged: the others have nothing to record or end. They are
  // judged in the order of the table, as a walk over every sender would.
  void close_window(int64_t window) {
    if (anonymous_.active()) judge(anonymous_, window);
    std::sort(active_accounts_.begin(), active_accounts_.end());
    size_t still_active = 0;
    for (uint32_t at : active_accounts_) {
      Sender& s = accounts_.at(at);
      judge(s, window);
      if (s.active()) active_accounts_[still_active++] = at;
    }
    active_accounts_.resize(still_active);
  }

  void judge(Sender& s, int64_t window) {
    const int64_t messages = s.window.messages();
    if (messages == 0) return emit(s);  // only an open episode makes a silent sender active
    s.catch_up(window);
    const Bar bar = bar_of(s, window);
    s.slot(window) = static_cast<uint32_t>(std::min<int64_t>(messages, UINT32_MAX));
    s.recorded_until = window;
    if (static_cast<double>(messages) >= bar.threshold) {
      extend_episode(s, window, bar);
    } else if (s.episode.open) {
      emit(s);
    }
    s.window = MessageCounts{};
    s.sample.clear();
  }

  // What the closing window is measured against. The baseline is only worked out for a window
  // that passes the cheaper tests (history, floor, message mix); the others cannot fire.
  Bar bar_of(Sender& s, int64_t window) {
    const MessageCounts& c = s.window;
    const auto messages = static_cast<double>(c.messages());
    if (window - first_window_ < p_.min_history_windows) return Bar{};
    if (messages < p_.min_window_messages()) return Bar{};
    if (static_cast<double>(c.cancellations()) < p_.min_cancel_ratio * messages) return Bar{};
    if (static_cast<double>(c.executions) > p_.max_fill_ratio * messages) return Bar{};
    Bar bar;
    bar.baseline = baseline_median(s, window);
    bar.threshold = std::max(p_.min_window_messages(), p_.rate_multiple * bar.baseline);
    return bar;
  }

  // The median messages per window over the closed windows before `window` (at most
  // baseline_windows of them, none before the symbol's first message).
  double baseline_median(Sender& s, int64_t window) {
    const int64_t n = std::min(p_.baseline_windows, window - first_window_);
    if (n <= 0) return 0;
    for (int64_t i = 0; i < n; ++i) scratch_[static_cast<size_t>(i)] = s.slot(window - n + i);
    auto begin = scratch_.begin();
    auto end = begin + n;
    auto upper = begin + n / 2;
    std::nth_element(begin, upper, end);
    const double high = *upper;
    if (n % 2 == 1) return high;
    return (*std::max_element(begin, upper) + high) / 2;
  }

  void extend_episode(Sender& s, int64_t window, const Bar& bar) {
    Episode& ep = s.episode;
    if (!ep.open) {
      ep.open = true;
      ep.first_window = window;
      ep.counts = MessageCounts{};
      ep.peak_messages = 0;
      ep.evidence.clear();
      ep.evidence.reserve(kMaxEvidenceIds);
    }
    ep.last_window = window;
    ep.counts += s.window;
    const int64_t messages = s.window.messages();
    if (excess(messages, bar.threshold) > excess(ep.peak_messages, ep.peak_threshold)) {
      ep.peak_window = window;
      ep.peak_messages = messages;
      ep.peak_baseline = bar.baseline;
      ep.peak_threshold = bar.threshold;
    }
    for (const EventRef& ref : s.sample) {
      if (ep.evidence.size() == kMaxEvidenceIds) break;
      ep.evidence.push_back(ref);
    }
  }

  static double excess(int64_t messages, double threshold) {
    return threshold > 0 ? static_cast<double>(messages) / threshold : 0;
  }

  void emit(Sender& s) {
    Episode& ep = s.episode;
    ep.open = false;
    const SenderName sender = SenderName::of(s.account, scope_);
    const Timestamp start = aligned_start(ep.first_window, p_.window);
    const Timestamp end = aligned_start(ep.last_window + 1, p_.window);
    const double peak_excess = excess(ep.peak_messages, ep.peak_threshold);
    Alert a =
        scope_.new_alert(start, end, sender.key(), score_between(peak_excess, 1, kFullScoreExcess));
    if (s.account) a.accounts.emplace_back(sender.account);
    a.metrics_json = metrics(ep, sender.kind());
    a.why = why(ep, sender);
    for (const EventRef& ref : ep.evidence) a.add_evidence("order", ref.text());
    a.evidence_total = static_cast<uint64_t>(ep.counts.messages());
    scope_.sink->emit(std::move(a));
  }

  std::string metrics(const Episode& ep, std::string_view sender) const {
    const double seconds = p_.window_seconds();
    const auto messages = static_cast<double>(ep.counts.messages());
    JsonObjectWriter m;
    m.field("sender", sender)
        .field("windows", ep.last_window - ep.first_window + 1)
        .field("messages", ep.counts.messages());
    ep.counts.write(m);
    m.field("cancel_ratio", static_cast<double>(ep.counts.cancellations()) / messages)
        .field("fill_ratio", static_cast<double>(ep.counts.executions) / messages)
        .field("peak_window_start", aligned_start(ep.peak_window, p_.window).to_iso8601())
        .field("peak_rate", static_cast<double>(ep.peak_messages) / seconds)
        .field("baseline_rate", ep.peak_baseline / seconds)
        .field("threshold_rate", ep.peak_threshold / seconds);
    if (ep.peak_baseline > 0) {
      m.field("multiple", static_cast<double>(ep.peak_messages) / ep.peak_baseline);
    }
    m.field("min_rate", p_.min_rate)
        .field("rate_multiple", p_.rate_multiple)
        .field("window_s", seconds)
        .field("duration_s", seconds * static_cast<double>(ep.last_window - ep.first_window + 1));
    return std::move(m).finish();
  }

  std::string why(const Episode& ep, const SenderName& sender) const {
    const double seconds = p_.window_seconds();
    const auto messages = static_cast<double>(ep.counts.messages());
    auto percent = [&](int64_t part) {
      return format_rounded(100 * static_cast<double>(part) / messages, 1) + "%";
    };
    return fmt::format(
        "{} sent {} order messages on {} in {} consecutive {} windows from {} ({} cancelled or "
        "deleted, {} executed), peaking at {} messages/s against a trailing median of {}/s "
        "(firing from {}/s).",
        sender.who(), ep.counts.messages(), scope_.name, ep.last_window - ep.first_window + 1,
        p_.window.to_string(), aligned_start(ep.first_window, p_.window).to_iso8601(),
        percent(ep.counts.cancellations()), percent(ep.counts.executions),
        format_rounded(static_cast<double>(ep.peak_messages) / seconds, 1),
        format_rounded(ep.peak_baseline / seconds, 1),
        format_rounded(ep.peak_threshold / seconds, 1));
  }

  SymbolScope scope_;
  Params p_;
  Sender anonymous_;
  AccountSlots<Sender> accounts_;
  bool started_ = false;
  int64_t first_window_ = 0;  // of the symbol's first message: history starts there
  int64_t open_window_ = 0;
  int64_t window_end_ = 0;  // ns: messages from here on belong to a later window
  Timestamp due_ = Timestamp::max();
  int64_t next_idle_scan_ = std::numeric_limits<int64_t>::min();
  // Positions in accounts_ of the accounts with a message in the open window or an episode
  // open: what a window's close judges.
  std::vector<uint32_t> active_accounts_;
  std::vector<uint32_t> scratch_;  // baseline_windows counts, for the median
};

std::vector<ParamSpec> param_specs() {
  return {
      {"window", ParamType::kDuration, "1s",
       "Width of the windows message rates are counted in, aligned to multiples of it since "
       "the epoch"},
      {"min_rate", ParamType::kNumber, "100",
       "Least order messages per second a window needs to fire, whatever the baseline", 0},
      {"rate_multiple", ParamType::kNumber, "10",
       "A window fires from this many times the sender's baseline (median messages per window "
       "of its trailing baseline_windows)",
       1},
      {"baseline_windows", ParamType::kInteger, "60",
       "Closed windows before the current one whose median is the baseline", 1,
       static_cast<double>(kMaxBaselineWindows)},
      {"min_history_windows", ParamType::kInteger, "30",
       "Windows since the symbol's first order message before anything can fire", 0,
       static_cast<double>(kMaxBaselineWindows)},
      {"min_cancel_ratio", ParamType::kNumber, "0.4",
       "Least share of a window's messages that are cancels or deletes (an add and its delete "
       "give 0.5)",
       0, 1},
      {"max_fill_ratio", ParamType::kNumber, "0.02",
       "Most share of a window's messages that are executions", 0, 1},
      {"max_accounts", ParamType::kInteger, "256",
       "Accounts followed at a time per symbol (each with its own baseline); one idle for "
       "longer than the baseline makes room for a newcomer",
       1, static_cast<double>(kMaxAccountsLimit)},
  };
}

}  // namespace

RuleInfo quote_stuffing_rule() {
  return {QuoteStuffing::kRule,
          "Bursts of order messages, mostly cancelled and rarely filled, at least min_rate per "
          "second and rate_multiple times the sender's trailing median (per account when "
          "orders carry owners, else per symbol)",
          "order events (accounts optional)", param_specs(), &make_symbol_rule<QuoteStuffing>};
}

}  // namespace tw
