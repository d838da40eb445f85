// The TOML config a test gives wsx-host (see config/wsx.toml for every key).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace wsx::integration {

struct PluginEntry {
  std::string path;  // absolute: the config lives in a temp folder
  // [plugin.params] as key and TOML literal, e.g. {"shift", "7"}.
  std::vector<std::pair<std::string, std::string>> params;
};

struct HostConfig {
  // Size strings as the config file takes them ("64 KiB").
  std::string max_message_size = "16 MiB";
  std::string max_frame_size = "1 MiB";
  std::string max_send_queue = "4 MiB";
  std::string max_buffered_input = "256 MiB";
  // Durations as the config file takes them ("300ms"). Generous defaults:
  // no test waits on them unless it sets them, and a slow sanitizer build
  // must not trip them.
  std::string handshake_timeout = "10s";
  std::string idle_timeout = "60s";
  std::string close_timeout = "5s";
  unsigned io_threads = 1;
  std::vector<PluginEntry> plugins;

  [[nodiscard]] std::string to_toml() const;
};

}  // namespace wsx::integration
