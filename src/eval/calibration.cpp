#include "eval/calibration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "detect/detector.hpp"
#include "engine/batch_run.hpp"
#include "engine/engine.hpp"
#include "feed/reject.hpp"

namespace tw::eval {
namespace {

// ---- the range -------------------------------------------------------------------------------

struct RangeParts {
  std::string from, to, step;
};

[[noreturn]] void bad_range(const std::string& range, const std::string& why) {
  throw SweepError("--range '" + range + "': " + why);
}

RangeParts split_range(const std::string& range) {
  const size_t first = range.find(':');
  const size_t second = first == std::string::npos ? first : range.find(':', first + 1);
  if (second == std::string::npos || range.find(':', second + 1) != std::string::npos) {
    bad_range(range, "expected FROM:TO:STEP, e.g. 5:30:5, 0.1:0.5:0.1 or 5s:30s:5s");
  }
  return {range.substr(0, first), range.substr(first + 1, second - first - 1),
          range.substr(second + 1)};
}

/// Where a sweep's values come from, as numbers of one kind: whole numbers (integers, and
/// durations in nanoseconds) or doubles.
template <class T>
struct Steps {
  T from, to, step;
};

/// How many values FROM, FROM+STEP, ... up to TO holds; a double step that lands on TO but for
/// rounding (0.1:0.3:0.1) still reaches it.
template <class T>
size_t count_steps(const Steps<T>& s, const std::string& range) {
  if (!(s.step > 0)) bad_range(range, "STEP must be above 0");
  if (s.from > s.to) bad_range(range, "FROM must not be above TO");
  const double span =
      (static_cast<double>(s.to) - static_cast<double>(s.from)) / static_cast<double>(s.step);
  const double count = std::floor(span * (1 + 1e-12) + 1e-9) + 1;
  if (count > static_cast<double>(kMaxSweepValues)) {
    bad_range(range, fmt::format("{} values, at most {}: a larger STEP or a narrower range", count,
                                 kMaxSweepValues));
  }
  return static_cast<size_t>(count);
}

template <class T, class ToText>
std::vector<std::string> step_texts(const Steps<T>& s, const std::string& range, ToText to_text) {
  const size_t count = count_steps(s, range);
  std::vector<std::string> texts;
  for (size_t i = 0; i < count; ++i) texts.push_back(to_text(s.from + static_cast<T>(i) * s.step));
  return texts;
}

template <class T>
T parse_part(const std::string& text, const std::string& range, const char* part,
             const ParamSpec& spec, const char* expected) {
  T v{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    bad_range(range,
              fmt::format("{} '{}' is not {} ({} is {} parameter)", part, text, expected, spec.name,
                          spec.type == ParamType::kInteger ? "an integer" : "a number"));
  }
  return v;
}

int64_t parse_nanos(const std::string& text, const std::string& range, const char* part,
                    const ParamSpec& spec) {
  auto d = Duration::parse(text);
  if (!d) {
    bad_range(range, fmt::format("{} '{}' is not a duration such as 5s or 500ms ({} is a duration "
                                 "parameter)",
                                 part, text, spec.name));
  }
  return d->count();
}

template <class T, class Parse>
Steps<T> parse_steps(const RangeParts& p, Parse parse) {
  return {parse(p.from, "FROM"), parse(p.to, "TO"), parse(p.step, "STEP")};
}

/// The values' texts in config syntax, before their bounds are checked.
std::vector<std::string> range_texts(const ParamSpec& spec, const std::string& range) {
  const RangeParts p = split_range(range);
  switch (spec.type) {
    case ParamType::kInteger: {
      auto whole = [&](const std::string& t, const char* part) {
        return parse_part<int64_t>(t, range, part, spec, "a whole number");
      };
      return step_texts(parse_steps<int64_t>(p, whole), range,
                        [](int64_t v) { return std::to_string(v); });
    }
    case ParamType::kDuration: {
      auto nanos = [&](const std::string& t, const char* part) {
        return parse_nanos(t, range, part, spec);
      };
      return step_texts(parse_steps<int64_t>(p, nanos), range,
                        [](int64_t v) { return Duration::nanos(v).to_string(); });
    }
    case ParamType::kNumber: {
      auto number = [&](const std::string& t, const char* part) {
        return parse_part<double>(t, range, part, spec, "a number");
      };
      // 12 significant digits drop the rounding of FROM + i x STEP: 0.3, not 0.30000000000000004.
      return step_texts(parse_steps<double>(p, number), range,
                        [](double v) { return fmt::format("{:.12g}", v); });
    }
    case ParamType::kBool:
      break;
  }
  throw SweepError("--param '" + spec.name + "' is true or false: there is no range to sweep");
}

std::vector<ParamValue> sweep_values(const std::string& rule, const ParamSpec& spec,
                                     const std::string& range) {
  std::vector<ParamValue> values;
  const std::string key_path = fmt::format("--range '{}' ({}.{})", range, rule, spec.name);
  for (const std::string& text : range_texts(spec, range)) {
    try {
      values.push_back(parse_param(spec, text, key_path));
    } catch (const ConfigError& e) {
      throw SweepError(e.what());
    }
  }
  return values;
}

// ---- the rule and its parameter --------------------------------------------------------------

const RuleInfo& rule_to_sweep(const std::string& rule) {
  const RuleInfo* info = find_rule(rule);
  if (!info) throw SweepError("--rule '" + rule + "': no such rule (`tapewatch rules` lists them)");
  return *info;
}

const ParamSpec& param_to_sweep(const RuleInfo& info, const std::string& param) {
  std::string known;
  for (const ParamSpec& spec : info.params) {
    if (spec.name == param) return spec;
    known += (known.empty() ? "" : ", ") + spec.name;
  }
  throw SweepError(fmt::format("--param '{}': {} has no such parameter (its parameters: {})", param,
                               info.name, known));
}

// ---- the runs --------------------------------------------------------------------------------

/// Keeps the last alert of each id, as the store does when a rule raises an id again.
class LatestAlerts final : public AlertSink {
 public:
  void emit(Alert&& alert) override {
    auto [at, fresh] = index_.try_emplace(alert.id, alerts_.size());
    if (fresh) {
      alerts_.push_back(std::move(alert));
    } else {
      alerts_[at->second] = std::move(alert);
    }
  }
  std::vector<Alert> take() && { return std::move(alerts_); }

 private:
  std::vector<Alert> alerts_;
  std::map<std::string, size_t, std::less<>> index_;
};

struct ValueRun {
  std::vector<Alert> alerts;
  uint64_t events = 0;
};

ValueRun run_value(const Sweep& sweep, const ParamValue& value, RecordedInputs& inputs) {
  const Config config = config_for_value(sweep, value);
  LatestAlerts alerts;
  DeadLetter rejects;  // the readers' rejects were counted when the inputs were read
  std::unique_ptr<Engine> engine;
  try {
    engine = std::make_unique<Engine>(config, inputs.universe(), alerts, rejects);
  } catch (const ConfigError& e) {
    throw SweepError(
        fmt::format("--range: {} = {}: {}", sweep.spec.name, format_param(value), e.what()));
  }
  engine->set_source_names(inputs.names());
  std::vector<std::unique_ptr<Feed>> feeds = inputs.replay();
  run_feeds(feeds, *engine);
  return {std::move(alerts).take(), engine->counters().processed};
}

RuleScore score_of(const std::string& rule, const std::vector<Episode>& episodes,
                   const ValueRun& run, EvalOptions options) {
  options.only_rules = {rule};
  options.events = run.events;
  Evaluation evaluation = evaluate(episodes, run.alerts, options);
  for (RuleScore& s : evaluation.rules) {
    if (s.rule == rule) return s;
  }
  RuleScore none;  // no episodes and no alerts
  none.rule = rule;
  if (run.events > 0) none.alerts_per_million_events = 0;
  return none;
}

template <class Name>
uint64_t distinct(const std::vector<Alert>& alerts, Name name_of) {
  std::set<std::string, std::less<>> names;
  for (const Alert& a : alerts) name_of(a, names);
  return names.size();
}

SweepPoint point_of(const Sweep& sweep, const ParamValue& value, const ValueRun& run,
                    const std::vector<Episode>& episodes, const EvalOptions& options) {
  SweepPoint p;
  p.value = value;
  p.score = score_of(sweep.rule, episodes, run, options);
  p.events = run.events;
  p.accounts = distinct(run.alerts, [](const Alert& a, auto& names) {
    names.insert(a.accounts.begin(), a.accounts.end());
  });
  p.symbols = distinct(run.alerts, [](const Alert& a, auto& names) { names.insert(a.symbol); });
  p.is_default = value == sweep.default_value;
  p.in_force = value == sweep.in_force;
  return p;
}

void mark_best_f1(std::vector<SweepPoint>& points) {
  std::optional<double> best;
  for (const SweepPoint& p : points) {
    if (p.score.f1 && (!best || *p.score.f1 > *best)) best = p.score.f1;
  }
  if (!best) return;
  for (SweepPoint& p : points) p.best_f1 = p.score.f1 && *p.score.f1 == *best;
}

uint64_t episodes_of(const std::string& rule, const std::vector<Episode>& episodes) {
  return static_cast<uint64_t>(std::count_if(episodes.begin(), episodes.end(),
                                             [&](const Episode& e) { return e.rule == rule; }));
}

}  // namespace

Sweep plan_sweep(const SweepRequest& request) {
  const RuleInfo& info = rule_to_sweep(request.rule);
  Sweep sweep;
  sweep.rule = request.rule;
  sweep.spec = param_to_sweep(info, request.param);
  sweep.values = sweep_values(request.rule, sweep.spec, request.range);
  sweep.default_value = parse_param(sweep.spec, sweep.spec.default_text, request.param);
  sweep.in_force = request.base.rule(request.rule).values.all().at(request.param);
  sweep.base = request.base;
  return sweep;
}

Config config_for_value(const Sweep& sweep, const ParamValue& value) {
  Config config = sweep.base;
  for (auto& [name, rule] : config.rules) rule.enabled = name == sweep.rule;
  RuleConfig& rule = config.rules.at(sweep.rule);
  rule.values.set(sweep.spec.name, value);
  for (auto& [symbol, values] : rule.per_symbol) values.set(sweep.spec.name, value);
  return config;
}

Calibration run_sweep(const Sweep& sweep, RecordedInputs& inputs,
                      const std::optional<std::vector<Episode>>& episodes,
                      const EvalOptions& options) {
  Calibration c;
  c.rule = sweep.rule;
  c.spec = sweep.spec;
  c.labelled = episodes.has_value();
  c.episodes = episodes ? episodes_of(sweep.rule, *episodes) : 0;
  c.events = inputs.events();
  c.rejects = inputs.rejects();
  c.slack = options.slack;
  const std::vector<Episode> no_episodes;
  for (const ParamValue& value : sweep.values) {
    c.points.push_back(point_of(sweep, value, run_value(sweep, value, inputs),
                                episodes ? *episodes : no_episodes, options));
  }
  if (c.labelled) mark_best_f1(c.points);
  return c;
}

}  // namespace tw::eval
