// The [plugin.params] table checked against the parameters a plugin declares
// (wsx_plugin_descriptor's params, wsx/extension.h): unknown keys and wrong
// TOML types are refused before create().
#pragma once

#include <wsx/extension.h>

#include <span>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace wsx::loader {

// C views of `params` for wsx_plugin_create_args, in config order. They
// borrow the strings of `params`, which must outlive the returned vector.
// `who` names the plugin in messages; each message starts with the config
// position of the offending key. Throws PluginError.
[[nodiscard]] std::vector<wsx_config_param> check_params(
    std::span<const config::PluginParam> params, std::span<const wsx_param_spec> specs,
    const std::string& who);

}  // namespace wsx::loader
