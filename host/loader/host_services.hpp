// One plugin's table of host services (wsx_host_api, ABI rule 3): the buffer
// functions of the core plus a log function that tags each line with the
// plugin's name. The plugin keeps the table's address until it is destroyed,
// so the object never moves.
#pragma once

#include <wsx/extension.h>

#include <string>
#include <string_view>

#include "log/log.hpp"

namespace wsx::loader {

class HostServices {
 public:
  // `logger` must outlive this object (and so every extension of the plugin).
  HostServices(const Logger& logger, std::string_view plugin_name);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  [[nodiscard]] const wsx_host_api* api() const noexcept { return &api_; }

  // The name is known only after ABI negotiation; until then lines are
  // tagged with the file name. Call before create(), while no other thread
  // can use the table.
  void rename(std::string_view plugin_name);

 private:
  static void log(void* context, std::int32_t level, wsx_str message);

  const Logger& logger_;
  std::string tag_;
  wsx_host_api api_{};
};

// Maps a wsx_log_level (possibly an unknown number) onto the host's levels.
[[nodiscard]] LogLevel to_log_level(std::int32_t plugin_level) noexcept;

}  // namespace wsx::loader
