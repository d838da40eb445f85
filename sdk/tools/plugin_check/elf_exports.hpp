// The symbols a shared library exports (defined, global or weak, in its
// dynamic symbol table), read from the ELF file itself: ABI rule 3 says a
// plugin exports its entry symbol and nothing else.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wsx::plugin_check {

// nullopt if `path` is not a 64-bit little-endian ELF file this can read.
[[nodiscard]] std::optional<std::vector<std::string>> exported_symbols(const std::string& path);

}  // namespace wsx::plugin_check
