// TOML -> Config. Every rule of the file format lives here; every error is a
// ConfigError naming file:line:col and what would have been valid.
#pragma once

#include <filesystem>
#include <string_view>

#include "config.hpp"
#include "config_error.hpp"

namespace wsx::config {

// Reads and validates the config file at `file` (as the user named it; it is
// shown as given in messages). Relative [[plugin]] paths are resolved against
// the folder of `file`. Throws ConfigError.
[[nodiscard]] Config load_config(const std::filesystem::path& file);

// Same rules for TOML text already in memory; `file` names it in messages and
// anchors relative plugin paths (it need not exist). Throws ConfigError.
[[nodiscard]] Config parse_config(std::string_view toml_text, const std::filesystem::path& file);

}  // namespace wsx::config
