#include "eval/combined.hpp"

#include <algorithm>
#include <string>

namespace tw::eval {
namespace {

RuleScore& score_of(std::vector<RuleScore>& scores, const std::string& rule) {
  auto found = std::find_if(scores.begin(), scores.end(),
                            [&](const RuleScore& s) { return s.rule == rule; });
  if (found != scores.end()) return *found;
  RuleScore& added = scores.emplace_back();
  added.rule = rule;
  return added;
}

void add_score(RuleScore& sum, const RuleScore& s) {
  sum.episodes += s.episodes;
  sum.true_positives += s.true_positives;
  sum.false_negatives += s.false_negatives;
  sum.alerts += s.alerts;
  sum.matching_alerts += s.matching_alerts;
  sum.false_positives += s.false_positives;
  sum.delays.insert(sum.delays.end(), s.delays.begin(), s.delays.end());
}

size_t column_of(Confusion& c, const std::string& rule) {
  auto found = std::find(c.rules.begin(), c.rules.end(), rule);
  if (found != c.rules.end()) return static_cast<size_t>(found - c.rules.begin());
  c.rules.push_back(rule);
  for (ConfusionRow& row : c.rows) row.fired.push_back(0);
  return c.rules.size() - 1;
}

void add_confusion(Confusion& sum, const Confusion& c) {
  for (const std::string& rule : c.rules) column_of(sum, rule);
  for (const ConfusionRow& row : c.rows) {
    ConfusionRow& into = confusion_row(sum, row.rule, row.kind);
    into.episodes += row.episodes;
    into.none += row.none;
    for (size_t r = 0; r < c.rules.size(); ++r)
      into.fired[column_of(sum, c.rules[r])] += row.fired[r];
  }
}

}  // namespace

Evaluation combine(const std::vector<Evaluation>& runs) {
  Evaluation all;
  uint64_t events = 0;
  bool events_known = !runs.empty();
  for (const Evaluation& run : runs) {
    all.episodes += run.episodes;
    all.alerts += run.alerts;
    all.slack = run.slack;
    events_known = events_known && run.events.has_value();
    events += run.events.value_or(0);
    for (const RuleScore& s : run.rules) add_score(score_of(all.rules, s.rule), s);
    add_confusion(all.confusion, run.confusion);
  }
  if (events_known) all.events = events;
  for (RuleScore& s : all.rules) finish_score(s, all.events);
  return all;
}

}  // namespace tw::eval
