// Field formatting shared by the connection log lines
// ("close peer=... code=1000 reason="bye" duration=1.234s").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace wsx::net {

// "text" with quotes and backslashes escaped, for key="value" fields.
[[nodiscard]] std::string log_quoted(std::string_view text);

// Seconds with milliseconds: "12.345s".
[[nodiscard]] std::string duration_text(std::chrono::steady_clock::duration elapsed);

}  // namespace wsx::net
