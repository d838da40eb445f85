// Text that comes from a plugin (names, messages) is untrusted bytes. Before it
// reaches a log line or an error message it is made printable and bounded, so
// a plugin cannot split a log line or flood the terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wsx::loader {

// Control bytes become "\xNN"; text longer than `max_bytes` is cut and ends
// with "...".
[[nodiscard]] std::string printable(std::string_view text, std::size_t max_bytes = 1024);

// printable() of a NUL-terminated C string; "(null)" for NULL.
[[nodiscard]] std::string printable(const char* text, std::size_t max_bytes = 1024);

// Extension tokens compare case-insensitively (RFC 6455 section 9.1 uses
// RFC 7230 tokens, which are case-insensitive).
[[nodiscard]] bool tokens_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace wsx::loader
