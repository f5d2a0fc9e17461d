// The handlers of the alert, statistics, bar and run routes, each over one store.
#pragma once

#include "api/route.hpp"

namespace tw::api {

/// The bars an alert's detail shows: the stored 1-minute bars this long before and after.
inline constexpr Duration kBarsAroundAlert = Duration::minutes(30);
/// Most points a timeline answers; more is a 400 asking for a wider bucket.
inline constexpr size_t kMaxTimelinePoints = 10'000;

net::HttpResponse list_alerts(const RouteCall& call);
net::HttpResponse get_alert(const RouteCall& call);
net::HttpResponse set_alert_status(const RouteCall& call);
net::HttpResponse stats_summary(const RouteCall& call);
net::HttpResponse stats_timeline(const RouteCall& call);
net::HttpResponse stats_rules(const RouteCall& call);
net::HttpResponse stats_symbols(const RouteCall& call);
net::HttpResponse stats_volume(const RouteCall& call);
net::HttpResponse get_bars(const RouteCall& call);
net::HttpResponse list_runs(const RouteCall& call);
net::HttpResponse open_stream(const RouteCall& call);

}  // namespace tw::api
