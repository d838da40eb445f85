// Validation of what a plugin's entry symbol handed back. The plugin's
// structs are copied with min(struct_size, sizeof) into zeroed host structs
// (ABI rule 2) and every field the host relies on is checked once, at load
// time, so the hot path never tests a pointer for NULL.
#pragma once

#include <wsx/extension.h>

#include <string>
#include <vector>

namespace wsx::loader {

struct CheckedDescriptor {
  // Normalised copy. `extensions` still points into the plugin: use
  // `definitions` instead.
  wsx_plugin_descriptor descriptor{};
  // Normalised copies of every extension definition, in declaration order.
  std::vector<wsx_extension_def> definitions;
};

// Copies and validates `raw`. `who` starts every message (e.g. `plugin
// "/x/y.so"`). Throws PluginError naming the problem and the fix.
[[nodiscard]] CheckedDescriptor check_descriptor(const wsx_plugin_descriptor* raw,
                                                 const std::string& who);

// Upper bounds that catch a garbage count before the host walks an array.
inline constexpr std::size_t kMaxExtensionsPerPlugin = 64;
inline constexpr std::size_t kMaxParamsPerPlugin = 256;

}  // namespace wsx::loader
