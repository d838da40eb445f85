// What wsx-host adds to the server's counters for the metrics endpoints
// (metrics::HostReport): which plugins are loaded and how often, the
// reloads and their results, readiness, and the metrics plugins publish.
//
// Threading: plugins_loaded() and the reload counts are written by the
// thread that loads (main, then I/O thread 0 on SIGHUP) and read by the
// metrics listener's thread: everything is behind one mutex (none of this
// is on a per-message path).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "loader/plugin_set.hpp"
#include "metrics/host_report.hpp"

namespace wsx::app {

class HostMetrics {
 public:
  HostMetrics();

  // `plugins` was loaded (startup, or a reload about to be applied): its
  // manifests become the reported set, each plugin's load count goes up.
  void plugins_loaded(const loader::PluginSet& plugins);
  void reload_done(bool ok);

  // Ready: listening, with the plugins loaded (set by run_host once
  // Server::start() returned).
  void set_listening() noexcept { listening_.store(true, std::memory_order_release); }
  [[nodiscard]] bool listening() const noexcept {
    return listening_.load(std::memory_order_acquire);
  }

  // The report at this moment; `draining` from Server::stopping().
  [[nodiscard]] metrics::HostReport report(bool draining) const;

 private:
  struct LoadCount {
    std::string name;
    std::uint64_t loads = 0;
  };
  const std::chrono::steady_clock::time_point started_;
  std::atomic<bool> listening_{false};
  mutable std::mutex lock_;
  std::vector<metrics::PluginReport> plugins_;
  // Load counts by plugin name, kept across reloads that drop a plugin.
  std::vector<LoadCount> loads_;
  std::uint64_t reloads_ok_ = 0;
  std::uint64_t reloads_failed_ = 0;
};

}  // namespace wsx::app
