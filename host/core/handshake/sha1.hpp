// SHA-1 (FIPS 180-4) from OpenSSL's libcrypto, needed only to compute
// Sec-WebSocket-Accept (RFC 6455 section 4.2.2 step 5.4). Not used for
// anything that needs collision resistance: the handshake uses it to prove
// the server read the key.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace wsx::core {

using Sha1Digest = std::array<std::uint8_t, 20>;

[[nodiscard]] Sha1Digest sha1(std::span<const std::uint8_t> bytes) noexcept;
[[nodiscard]] Sha1Digest sha1(std::string_view text) noexcept;

}  // namespace wsx::core
