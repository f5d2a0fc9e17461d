#include "eval/calibration_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "eval/eval_report.hpp"
#include "util/format.hpp"

namespace tw::eval {
namespace {

/// The last column, with its two spaces of separation; empty for an unmarked value, so that no
/// row ends in blanks.
std::string marks(const SweepPoint& p) {
  std::string out;
  auto add = [&](bool on, const char* mark) {
    if (on) out += (out.empty() ? "  " : ", ") + std::string(mark);
  };
  add(p.best_f1, "best F1");
  add(p.is_default, "default");
  add(p.in_force && !p.is_default, "--config");
  return out;
}

size_t value_width(const Calibration& c) {
  size_t width = c.spec.name.size();
  for (const SweepPoint& p : c.points) width = std::max(width, format_param(p.value).size());
  return width;
}

void print_header(std::FILE* out, const Calibration& c) {
  fmt::print(out, "{}.{} ({}, default {}): {} values over {} events ({} rejected), ", c.rule,
             c.spec.name, to_string(c.spec.type), c.spec.default_text, c.points.size(), c.events,
             c.rejects);
  if (c.labelled) {
    fmt::print(out, "{} episodes of {}, slack {}\n", c.episodes, c.rule, c.slack.to_string());
  } else {
    fmt::print(out, "no labels\n");
  }
}

void print_labelled(std::FILE* out, const Calibration& c, size_t width) {
  fmt::print(out, "  {:>{}} {:>7} {:>6} {:>6} {:>6} {:>9} {:>6} {:>6} {:>9}  {}\n", c.spec.name,
             width, "alerts", "TP", "FP", "FN", "precision", "recall", "F1", "alerts/M", "marks");
  for (const SweepPoint& p : c.points) {
    const RuleScore& s = p.score;
    fmt::print(out, "  {:>{}} {:>7} {:>6} {:>6} {:>6} {:>9} {:>6} {:>6} {:>9}{}\n",
               format_param(p.value), width, s.alerts, s.true_positives, s.false_positives,
               s.false_negatives, figure(s.precision, 3), figure(s.recall, 3), figure(s.f1, 3),
               figure(s.alerts_per_million_events, 1), marks(p));
  }
}

void print_unlabelled(std::FILE* out, const Calibration& c, size_t width) {
  fmt::print(out, "  {:>{}} {:>7} {:>9} {:>8} {:>7}  {}\n", c.spec.name, width, "alerts",
             "alerts/M", "accounts", "symbols", "marks");
  for (const SweepPoint& p : c.points) {
    fmt::print(out, "  {:>{}} {:>7} {:>9} {:>8} {:>7}{}\n", format_param(p.value), width,
               p.score.alerts, figure(p.score.alerts_per_million_events, 1), p.accounts, p.symbols,
               marks(p));
  }
}

/// Numbers as JSON numbers; durations in config syntax ("5s"), as the configuration takes them.
void value_field(JsonObjectWriter& w, std::string_view key, const ParamValue& value) {
  if (const double* v = std::get_if<double>(&value)) {
    w.field(key, *v);
  } else if (const int64_t* i = std::get_if<int64_t>(&value)) {
    w.field(key, *i);
  } else {
    w.field(key, format_param(value));
  }
}

std::string point_json(const Calibration& c, const SweepPoint& p) {
  const RuleScore& s = p.score;
  JsonObjectWriter w;
  value_field(w, "value", p.value);
  w.field("alerts", s.alerts);
  if (c.labelled) {
    w.field("true_positives", s.true_positives)
        .field("false_positives", s.false_positives)
        .field("false_negatives", s.false_negatives);
    optional_field(w, "precision", s.precision);
    optional_field(w, "recall", s.recall);
    optional_field(w, "f1", s.f1);
  }
  optional_field(w, "alerts_per_million_events", s.alerts_per_million_events);
  w.field("accounts", p.accounts).field("symbols", p.symbols).field("events", p.events);
  w.field("default", p.is_default).field("in_force", p.in_force);
  if (c.labelled) w.field("best_f1", p.best_f1);
  return std::move(w).finish();
}

}  // namespace

void print_calibration(std::FILE* out, const Calibration& c) {
  print_header(out, c);
  const size_t width = value_width(c);
  if (c.labelled) {
    print_labelled(out, c, width);
  } else {
    print_unlabelled(out, c, width);
  }
}

std::string calibration_json(const Calibration& c) {
  JsonObjectWriter w;
  w.field("rule", c.rule)
      .field("param", c.spec.name)
      .field("type", to_string(c.spec.type))
      .field("default", c.spec.default_text)
      .field("labelled", c.labelled)
      .field("events", c.events)
      .field("rejects", c.rejects);
  if (c.labelled) w.field("episodes", c.episodes).field("slack_seconds", c.slack.to_seconds());
  std::string values = "[";
  for (const SweepPoint& p : c.points) {
    if (values.size() > 1) values += ',';
    values += point_json(c, p);
  }
  w.raw("values", values + "]");
  return std::move(w).finish();
}

}  // namespace tw::eval
