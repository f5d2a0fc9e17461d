#include "eval/stored_alerts.hpp"

#include <set>

namespace tw::eval {

ScoredAlerts read_scored_alerts(AlertStore& store, const std::optional<std::string>& run_id) {
  ScoredAlerts result;
  std::set<std::string> runs;
  AlertQuery query;
  query.run_id = run_id;
  store.for_each_alert(query, [&](const StoredAlert& stored) {
    result.alerts.push_back(stored.alert);
    runs.insert(stored.run_id);
  });
  if (run_id) runs = {*run_id};
  if (runs.size() != 1) return result;
  if (auto run = store.find_run(*runs.begin())) result.events = run->events;
  return result;
}

}  // namespace tw::eval
