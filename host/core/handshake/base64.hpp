// Base64 (RFC 4648 section 4, the standard alphabet with '=' padding), as the
// opening handshake uses it for Sec-WebSocket-Key and Sec-WebSocket-Accept
// (RFC 6455 sections 4.1 and 4.2.2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsx::core {

[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);

// Strict decoding: the length is a multiple of 4, every character is from the
// alphabet, and '=' appears only as the final one or two padding characters.
// Anything else (whitespace, URL-safe alphabet, missing padding) is nullopt:
// the handshake must not guess what a malformed key meant.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace wsx::core
