// Renders a MetricsSnapshot and HostReport in the Prometheus text exposition
// format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/):
// names wsx_*, counters ending in _total, base units (bytes, seconds), a
// # HELP and # TYPE line for every family, histograms as cumulative _bucket
// series with le labels plus _sum and _count.
#pragma once

#include <string>
#include <string_view>

#include "metrics/host_report.hpp"
#include "metrics/metrics_snapshot.hpp"

namespace wsx::metrics {

// The Content-Type of render_prometheus()'s output.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

[[nodiscard]] std::string render_prometheus(const MetricsSnapshot& snapshot,
                                            const HostReport& host);

// `text` as a label value: backslash, double quote and newline escaped.
[[nodiscard]] std::string escape_label_value(std::string_view text);

// A plugin's metric name made safe for a Prometheus name: [a-zA-Z0-9_],
// anything else becomes '_'.
[[nodiscard]] std::string sanitize_metric_name(std::string_view name);

}  // namespace wsx::metrics
