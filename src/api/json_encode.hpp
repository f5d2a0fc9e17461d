// JSON forms of stored alerts, bars, statistics and runs as docs/API.md defines them.
#pragma once

#include <string>
#include <vector>

#include "model/bar.hpp"
#include "store/alert_store.hpp"

namespace tw::api {

/// ALERT: the alert, its review state and the runs behind it.
std::string alert_json(const StoredAlert& stored);
/// One server-sent event carrying a stored alert: "id: SEQ\nevent: alert\ndata: ALERT\n\n".
std::string alert_event_frame(const StoredAlert& stored);
/// BAR: prices and volumes as numbers.
std::string bar_json(const Bar& bar);

std::string summary_json(const AlertSummary& summary, const RunTotals& runs);
std::string timeline_json(const std::vector<TimeBucket>& buckets, std::string_view bucket_name);
std::string rule_counts_json(const std::vector<RuleCount>& rules);
std::string symbol_risk_json(const std::vector<SymbolRisk>& symbols);
std::string volume_json(Duration interval, const std::vector<SymbolVolume>& by_symbol,
                        const std::vector<VolumeBucket>& over_time);
std::string run_json(const RunRecord& run);

/// "[a,b,...]" of already encoded JSON values.
std::string json_array_of(const std::vector<std::string>& items);
/// {"error": message}, and "parameter" when one is named.
std::string error_json(std::string_view message, std::string_view parameter = {});

}  // namespace tw::api
