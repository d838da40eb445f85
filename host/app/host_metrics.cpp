#include "app/host_metrics.hpp"

#include <algorithm>

namespace wsx::app {

HostMetrics::HostMetrics() : started_(std::chrono::steady_clock::now()) {}

void HostMetrics::plugins_loaded(const loader::PluginSet& plugins) {
  const std::lock_guard guard(lock_);
  plugins_.clear();
  for (const loader::PluginManifest& manifest : plugins.manifests()) {
    auto count = std::find_if(loads_.begin(), loads_.end(),
                              [&](const LoadCount& c) { return c.name == manifest.name; });
    if (count == loads_.end()) count = loads_.insert(loads_.end(), LoadCount{manifest.name, 0});
    ++count->loads;
    plugins_.push_back(
        metrics::PluginReport{manifest.name, manifest.version, count->loads, manifest.abi_version});
  }
}

void HostMetrics::reload_done(bool ok) {
  const std::lock_guard guard(lock_);
  ++(ok ? reloads_ok_ : reloads_failed_);
}

metrics::HostReport HostMetrics::report(bool draining) const {
  metrics::HostReport report;
  report.version = WSX_VERSION;
  report.draining = draining;
  report.ready = listening() && !draining;
  report.uptime_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::lock_guard guard(lock_);
  report.plugins = plugins_;
  report.reloads_succeeded = reloads_ok_;
  report.reloads_failed = reloads_failed_;
  return report;
}

}  // namespace wsx::app
