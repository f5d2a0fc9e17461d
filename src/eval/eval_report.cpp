#include "eval/eval_report.hpp"

#include <fmt/format.h>

#include "util/format.hpp"
#include "util/json_array.hpp"

namespace tw::eval {

std::string figure(std::optional<double> v, int decimals) {
  return v ? fmt::format("{:.{}f}", *v, decimals) : "-";
}

void optional_field(JsonObjectWriter& w, std::string_view key, std::optional<double> v) {
  if (v) {
    w.field(key, *v);
  } else {
    w.raw(key, "null");
  }
}

namespace {

std::string seconds(std::optional<Duration> d) {
  return d ? fmt::format("{:.3f}s", d->to_seconds()) : "-";
}

std::optional<double> seconds_value(std::optional<Duration> d) {
  if (!d) return std::nullopt;
  return d->to_seconds();
}

void print_header(std::FILE* out, const Evaluation& e) {
  fmt::print(out, "episodes {}, alerts {}, events {}, slack {}\n", e.episodes, e.alerts,
             e.events ? std::to_string(*e.events) : "unknown", e.slack.to_string());
}

void print_rules(std::FILE* out, const Evaluation& e) {
  fmt::print(out, "  {:<22} {:>8} {:>6} {:>6} {:>7} {:>6} {:>9} {:>6} {:>6} {:>10} {:>10} {:>9}\n",
             "rule", "episodes", "TP", "FN", "alerts", "FP", "precision", "recall", "F1",
             "delay p50", "delay p95", "alerts/M");
  for (const RuleScore& s : e.rules) {
    fmt::print(
        out, "  {:<22} {:>8} {:>6} {:>6} {:>7} {:>6} {:>9} {:>6} {:>6} {:>10} {:>10} {:>9}\n",
        s.rule, s.episodes, s.true_positives, s.false_negatives, s.alerts, s.false_positives,
        figure(s.precision, 3), figure(s.recall, 3), figure(s.f1, 3), seconds(s.median_delay),
        seconds(s.p95_delay), figure(s.alerts_per_million_events, 1));
  }
}

void print_confusion(std::FILE* out, const Confusion& c) {
  fmt::print(out, "episodes by kind, and the rules that fired on them\n");
  fmt::print(out, "  {:<16} {:<22} {:>8}", "kind", "should fire", "episodes");
  for (const std::string& rule : c.rules) fmt::print(out, " {:>{}}", rule, rule.size());
  fmt::print(out, " {:>6}\n", "none");
  for (const ConfusionRow& row : c.rows) {
    fmt::print(out, "  {:<16} {:<22} {:>8}", row.kind, row.rule, row.episodes);
    for (size_t r = 0; r < c.rules.size(); ++r) {
      fmt::print(out, " {:>{}}", row.fired[r], c.rules[r].size());
    }
    fmt::print(out, " {:>6}\n", row.none);
  }
}

std::string rule_json(const RuleScore& s) {
  JsonObjectWriter w;
  w.field("rule", s.rule)
      .field("episodes", s.episodes)
      .field("true_positives", s.true_positives)
      .field("false_negatives", s.false_negatives)
      .field("alerts", s.alerts)
      .field("matching_alerts", s.matching_alerts)
      .field("false_positives", s.false_positives);
  optional_field(w, "precision", s.precision);
  optional_field(w, "recall", s.recall);
  optional_field(w, "f1", s.f1);
  optional_field(w, "median_delay_seconds", seconds_value(s.median_delay));
  optional_field(w, "p95_delay_seconds", seconds_value(s.p95_delay));
  optional_field(w, "alerts_per_million_events", s.alerts_per_million_events);
  return std::move(w).finish();
}

std::string confusion_row_json(const Confusion& c, const ConfusionRow& row) {
  JsonObjectWriter fired;
  for (size_t r = 0; r < c.rules.size(); ++r) fired.field(c.rules[r], row.fired[r]);
  JsonObjectWriter w;
  w.field("kind", row.kind).field("rule", row.rule).field("episodes", row.episodes);
  w.raw("fired", std::move(fired).finish()).field("none", row.none);
  return std::move(w).finish();
}

/// [a,b,...] of JSON texts.
template <class Item, class ToJson>
std::string json_list(const std::vector<Item>& items, ToJson&& to_json) {
  std::string out = "[";
  for (const Item& item : items) {
    if (out.size() > 1) out += ',';
    out += to_json(item);
  }
  return out + "]";
}

}  // namespace

void print_evaluation(std::FILE* out, const Evaluation& evaluation) {
  print_header(out, evaluation);
  print_rules(out, evaluation);
  print_confusion(out, evaluation.confusion);
}

std::string evaluation_json(const Evaluation& e) {
  JsonObjectWriter w;
  w.field("episodes", e.episodes).field("alerts", e.alerts);
  if (e.events) {
    w.field("events", *e.events);
  } else {
    w.raw("events", "null");
  }
  w.field("slack_seconds", e.slack.to_seconds());
  w.raw("rules", json_list(e.rules, rule_json));
  JsonObjectWriter confusion;
  confusion.raw("rules", json_string_array(e.confusion.rules));
  confusion.raw("rows", json_list(e.confusion.rows, [&](const ConfusionRow& row) {
                  return confusion_row_json(e.confusion, row);
                }));
  w.raw("confusion", std::move(confusion).finish());
  return std::move(w).finish();
}

}  // namespace tw::eval
