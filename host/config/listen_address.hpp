// The --listen HOST:PORT command-line override.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsx::config {

struct ListenAddress {
  // Without brackets for IPv6 ("::1").
  std::string host;
  // 0 picks a free port.
  std::uint16_t port = 0;
};

// "127.0.0.1:9001", "localhost:0", "[::1]:9001". IPv6 literals must be in
// brackets (RFC 3986 section 3.2.2) because their colons are ambiguous.
[[nodiscard]] std::optional<ListenAddress> parse_listen_address(std::string_view text);

inline constexpr std::string_view kListenHelp =
    "expected HOST:PORT, e.g. 127.0.0.1:9001 or [::1]:9001 (port 0-65535; 0 picks a free port)";

}  // namespace wsx::config
