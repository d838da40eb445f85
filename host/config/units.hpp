// Human-friendly sizes and durations for the config file.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wsx::config {

// Parses "512", "512 B", "16 KiB", "1 MiB", "2 GiB" (binary, powers of 1024)
// or "10 KB", "1 MB", "1 GB" (decimal, powers of 1000). Units are matched
// case-insensitively; spaces around the number and unit are allowed.
// nullopt on anything else, or on overflow of 64 bits.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text) noexcept;

// Parses "250ms", "5s", "2m", "1h" or a bare number of seconds ("30").
// nullopt on anything else or on overflow.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_duration(
    std::string_view text) noexcept;

// What parse_size/parse_duration accept, for error messages.
inline constexpr std::string_view kSizeHelp =
    R"(use bytes or a number with B, KiB, MiB, GiB, KB, MB, GB (e.g. "16 MiB"))";
inline constexpr std::string_view kDurationHelp =
    R"(use whole seconds or a number with ms, s, m, h (e.g. "250ms", "5s", "2m"))";

}  // namespace wsx::config
