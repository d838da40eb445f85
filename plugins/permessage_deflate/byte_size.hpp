// Human-friendly byte sizes for the plugin's configuration ("256 MiB").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wsx::pmd {

// Parses "512", "512 B", "16 KiB", "1 MiB", "2 GiB" (powers of 1024) or
// "10 KB", "1 MB", "1 GB" (powers of 1000); units are matched
// case-insensitively and spaces around the number and the unit are allowed.
// The same grammar as the host's own sizes, so a config file reads alike
// everywhere. nullopt on anything else and on 64-bit overflow.
[[nodiscard]] std::optional<std::uint64_t> parse_byte_size(std::string_view text) noexcept;

}  // namespace wsx::pmd
