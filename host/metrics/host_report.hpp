// What the metrics endpoints report beside the I/O threads' counters: the
// host's state (ready, draining), the loaded plugins and their load
// history, and the metrics plugins publish themselves (wsx/extension.h,
// host service metric_set). Filled by wsx-host (host/app), plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wsx::metrics {

struct PluginReport {
  std::string name;
  std::string version;
  // How many times this plugin was loaded (startup, then every reload
  // that kept it), and its ABI version.
  std::uint64_t loads = 0;
  std::uint32_t abi_version = 0;
};

// One value a plugin published (host service metric_set).
struct PluginMetricSample {
  std::string plugin;  // the publishing plugin's name (a label)
  std::string name;    // the plugin's metric name, [a-z0-9_]
  std::string help;
  bool counter = false;  // a counter (monotonic) or a gauge
  double value = 0;
};

struct HostReport {
  std::string version;  // wsx's own
  bool ready = false;
  bool draining = false;
  double uptime_seconds = 0;
  std::vector<PluginReport> plugins;  // loaded now, config order
  std::uint64_t reloads_succeeded = 0;
  std::uint64_t reloads_failed = 0;
  std::vector<PluginMetricSample> plugin_metrics;
};

}  // namespace wsx::metrics
