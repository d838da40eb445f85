// Shared pieces of the WebSocket opening handshake (RFC 6455 section 4), for
// both roles: the handshake state, the accept-key computation and the limits.
// handshake_server.hpp and handshake_client.hpp hold each role's half.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wsx::core {

// Where a handshake stands after looking at the bytes received so far.
enum class HandshakeState {
  need_more,  // the HTTP head is incomplete: call again once more bytes arrived
  accepted,   // the connection is a WebSocket from the byte after `consumed`
  rejected,   // the handshake failed: see `status` and `reason`
};

// RFC 6455 section 1.3: the GUID a server appends to the client's key.
inline constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// The only protocol version RFC 6455 defines (section 4.1, item 9).
inline constexpr std::string_view kWebSocketVersion = "13";

// A handshake head larger than this is refused (431 on the server). 8 KiB is
// what common servers allow and far above what a browser sends.
inline constexpr std::size_t kDefaultMaxHeadBytes = 8 * 1024;

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2 step
// 5.4): base64(SHA-1(key + GUID)). The key is used as sent, not decoded.
[[nodiscard]] std::string compute_accept_key(std::string_view client_key);

// RFC 6455 section 4.1 item 7: the key is the base64 of 16 bytes.
[[nodiscard]] bool is_valid_client_key(std::string_view key);

// The key for a nonce of 16 random bytes.
[[nodiscard]] std::string make_client_key(std::span<const std::uint8_t, 16> nonce);

}  // namespace wsx::core
