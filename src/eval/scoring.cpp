#include "eval/scoring.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "detect/detector.hpp"
#include "eval/matching.hpp"

namespace tw::eval {
namespace {

/// The rules whose alerts matched one episode, each with its earliest matching alert's end.
using EpisodeHits = std::map<std::string, Timestamp, std::less<>>;

struct Matches {
  std::vector<EpisodeHits> by_episode;
  std::vector<bool> alert_covers_own_rule;  // per alert: matches an episode its rule is right on
};

std::map<std::string_view, std::vector<size_t>> alerts_by_symbol(const std::vector<Alert>& alerts) {
  std::map<std::string_view, std::vector<size_t>> index;
  for (size_t j = 0; j < alerts.size(); ++j) index[alerts[j].symbol].push_back(j);
  return index;
}

bool right_to_fire(std::string_view rule, const Episode& e) {
  return rule == e.rule || std::find(e.also.begin(), e.also.end(), rule) != e.also.end();
}

Matches match_all(const std::vector<Episode>& episodes, const std::vector<Alert>& alerts,
                  EpisodeMatcher& matcher) {
  Matches m;
  m.by_episode.resize(episodes.size());
  m.alert_covers_own_rule.assign(alerts.size(), false);
  auto index = alerts_by_symbol(alerts);
  for (size_t i = 0; i < episodes.size(); ++i) {
    auto same_symbol = index.find(episodes[i].symbol);
    if (same_symbol == index.end()) continue;
    for (size_t j : same_symbol->second) {
      if (!matcher.matches(alerts[j], episodes[i])) continue;
      auto [hit, first] = m.by_episode[i].try_emplace(alerts[j].rule, alerts[j].end);
      if (!first) hit->second = std::min(hit->second, alerts[j].end);
      if (right_to_fire(alerts[j].rule, episodes[i])) m.alert_covers_own_rule[j] = true;
    }
  }
  return m;
}

/// Registered rules in the registry's order (that of `tapewatch rules` and the run summary),
/// then any others by name.
std::vector<std::string> rules_in_order(const std::vector<Episode>& episodes,
                                        const std::vector<Alert>& alerts) {
  std::set<std::string, std::less<>> seen;
  for (const Episode& e : episodes) seen.insert(e.rule);
  for (const Alert& a : alerts) seen.insert(a.rule);
  std::vector<std::string> ordered;
  for (const RuleInfo& info : rule_registry()) {
    auto it = seen.find(info.name);
    if (it == seen.end()) continue;
    ordered.push_back(*it);
    seen.erase(it);
  }
  ordered.insert(ordered.end(), seen.begin(), seen.end());
  return ordered;
}

std::optional<double> ratio(uint64_t part, uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> harmonic_mean(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a + *b > 0 ? 2 * *a * *b / (*a + *b) : 0;
}

void count_episodes(RuleScore& s, const std::vector<Episode>& episodes, const Matches& m) {
  std::vector<Duration> delays;
  for (size_t i = 0; i < episodes.size(); ++i) {
    if (episodes[i].rule != s.rule) continue;
    ++s.episodes;
    auto hit = m.by_episode[i].find(s.rule);
    if (hit == m.by_episode[i].end()) continue;
    ++s.true_positives;
    delays.push_back(hit->second - episodes[i].start);
  }
  s.false_negatives = s.episodes - s.true_positives;
  s.delays = std::move(delays);
}

void count_alerts(RuleScore& s, const std::vector<Alert>& alerts, const Matches& m) {
  for (size_t j = 0; j < alerts.size(); ++j) {
    if (alerts[j].rule != s.rule) continue;
    ++s.alerts;
    if (m.alert_covers_own_rule[j]) ++s.matching_alerts;
  }
  s.false_positives = s.alerts - s.matching_alerts;
}

RuleScore score_rule(const std::string& rule, const std::vector<Episode>& episodes,
                     const std::vector<Alert>& alerts, const Matches& m,
                     std::optional<uint64_t> events) {
  RuleScore s;
  s.rule = rule;
  count_episodes(s, episodes, m);
  count_alerts(s, alerts, m);
  finish_score(s, events);
  return s;
}

/// Rows in the order of the columns' rules, then by kind.
void sort_rows(Confusion& c) {
  auto column = [&](const std::string& rule) {
    return std::find(c.rules.begin(), c.rules.end(), rule) - c.rules.begin();
  };
  std::sort(c.rows.begin(), c.rows.end(), [&](const ConfusionRow& a, const ConfusionRow& b) {
    auto ca = column(a.rule), cb = column(b.rule);
    return ca != cb ? ca < cb : a.kind < b.kind;
  });
}

Confusion build_confusion(std::vector<std::string> rules, const std::vector<Episode>& episodes,
                          const Matches& m) {
  Confusion c;
  c.rules = std::move(rules);
  for (size_t i = 0; i < episodes.size(); ++i) {
    ConfusionRow& row = confusion_row(c, episodes[i].rule, episodes[i].kind);
    ++row.episodes;
    if (m.by_episode[i].empty()) ++row.none;
    for (size_t r = 0; r < c.rules.size(); ++r) row.fired[r] += m.by_episode[i].count(c.rules[r]);
  }
  sort_rows(c);
  return c;
}

template <class Item>
std::vector<Item> of_rules(const std::vector<Item>& items, const std::vector<std::string>& rules) {
  std::vector<Item> kept;
  for (const Item& item : items) {
    if (std::find(rules.begin(), rules.end(), item.rule) != rules.end()) kept.push_back(item);
  }
  return kept;
}

Evaluation evaluate_all(const std::vector<Episode>& episodes, const std::vector<Alert>& alerts,
                        const EvalOptions& options) {
  EpisodeMatcher matcher(options.owners, options.slack);
  Matches m = match_all(episodes, alerts, matcher);
  Evaluation result;
  result.episodes = episodes.size();
  result.alerts = alerts.size();
  result.events = options.events;
  result.slack = options.slack;
  std::vector<std::string> rules = rules_in_order(episodes, alerts);
  for (const std::string& rule : rules) {
    result.rules.push_back(score_rule(rule, episodes, alerts, m, options.events));
  }
  result.confusion = build_confusion(std::move(rules), episodes, m);
  return result;
}

}  // namespace

Duration parse_slack(const std::string& text) {
  auto slack = Duration::parse(text);
  if (!slack || *slack < Duration()) {
    throw std::runtime_error("--slack '" + text + "': expected a duration >= 0, e.g. 2s or 500ms");
  }
  return *slack;
}

Duration quantile(std::vector<Duration>& values, double q) {
  std::sort(values.begin(), values.end());
  double position = q * static_cast<double>(values.size() - 1);
  size_t below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, values.size() - 1);
  double fraction = position - static_cast<double>(below);
  double low = static_cast<double>(values[below].count());
  double high = static_cast<double>(values[above].count());
  return Duration::nanos(std::llround(low + fraction * (high - low)));
}

ConfusionRow& confusion_row(Confusion& c, const std::string& rule, const std::string& kind) {
  for (ConfusionRow& row : c.rows) {
    if (row.rule == rule && row.kind == kind) return row;
  }
  ConfusionRow& row = c.rows.emplace_back();
  row.rule = rule;
  row.kind = kind;
  row.fired.assign(c.rules.size(), 0);
  return row;
}

void finish_score(RuleScore& s, std::optional<uint64_t> events) {
  s.precision = ratio(s.matching_alerts, s.alerts);
  s.recall = ratio(s.true_positives, s.episodes);
  s.f1 = harmonic_mean(s.precision, s.recall);
  if (events && *events > 0) s.alerts_per_million_events = *ratio(s.alerts, *events) * 1e6;
  if (s.delays.empty()) return;
  std::vector<Duration> delays = s.delays;
  s.median_delay = quantile(delays, 0.5);
  s.p95_delay = quantile(delays, 0.95);
}

Evaluation evaluate(const std::vector<Episode>& episodes, const std::vector<Alert>& alerts,
                    const EvalOptions& options) {
  if (options.only_rules.empty()) return evaluate_all(episodes, alerts, options);
  return evaluate_all(of_rules(episodes, options.only_rules), of_rules(alerts, options.only_rules),
                      options);
}

}  // namespace tw::eval
