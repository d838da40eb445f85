// The status page's data (GET /status.json): the same numbers as /metrics,
// as one JSON object the page polls and turns into rates and shares.
//   {"version":"0.1.0","ready":true,"draining":false,"uptime_seconds":12.5,
//    "io_threads":2,"sockets_open":3,"connections_open":3,...,
//    "handshakes":{"101":10,"400":1,...},
//    "extensions":[{"token":"permessage-deflate","offers":{"accepted":9,...},
//                   "encode":{"frames":..,"bytes_in":..,"bytes_out":..,"seconds":..},
//                   "decode":{...}}],
//    "plugins":[{"name":..,"version":..,"loads":1}],"plugin_metrics":[...]}
#pragma once

#include <string>

#include "metrics/host_report.hpp"
#include "metrics/metrics_snapshot.hpp"

namespace wsx::metrics {

[[nodiscard]] std::string render_status_json(const MetricsSnapshot& snapshot,
                                             const HostReport& host);

}  // namespace wsx::metrics
