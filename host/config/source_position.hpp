// Where a config value came from, for messages ("config/wsx.toml:12:9").
#pragma once

#include <cstdint>
#include <string>

namespace wsx::config {

struct SourcePosition {
  // The config file as the user named it (not made absolute: messages should
  // show what the user typed).
  std::string file;
  std::uint32_t line = 0;    // 1-based; 0 = unknown
  std::uint32_t column = 0;  // 1-based; 0 = unknown

  // "file:line:col", or just "file" when the position is unknown.
  [[nodiscard]] std::string to_string() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

}  // namespace wsx::config
