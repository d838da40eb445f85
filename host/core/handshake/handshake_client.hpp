// The client half of the opening handshake (RFC 6455 section 4.1), sans-I/O:
// build the request bytes, then validate the server's response bytes. Used
// by tests, the load tool and anything in wsx that dials out.
//
//   ClientRequest request = build_client_request(options, factories, nonce);
//   write request.bytes; then, with everything read so far:
//   ClientHandshake hs = client_handshake(received, request, factories);
//   need_more -> read more; accepted -> bytes after hs.consumed are frames.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/extensions/extension_chain.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/extensions/extension_params.hpp"
#include "core/handshake/handshake.hpp"
#include "core/handshake/http_head.hpp"

namespace wsx::core {

struct ClientHandshakeOptions {
  // The Host field: "example.com" or "127.0.0.1:9001" (RFC 6455 section 4.1
  // item 4). Required.
  std::string host;
  // The request target, origin-form: "/chat?room=1".
  std::string target = "/";
  // Sent as Origin when set (browsers always send it; other clients may).
  std::optional<std::string> origin;
  // Subprotocols offered, most preferred first; each must be a token.
  std::vector<std::string> subprotocols;
  // More fields to send as they are (e.g. Authorization).
  HttpHeaders extra_headers;
};

// Fills its argument with 16 bytes from a cryptographically strong source
// (RFC 6455 section 4.1 item 7 and section 10.3: the key must be
// unpredictable). Injected so the core stays free of I/O and tests can be
// deterministic.
using NonceSource = std::function<void(std::span<std::uint8_t, 16>)>;

struct ClientRequest {
  std::string bytes;                            // the request to write
  std::string key;                              // Sec-WebSocket-Key sent
  std::vector<ExtensionItem> extension_offers;  // offered, in order
  std::vector<std::string> subprotocols;        // offered, in order
  // Set when no request could be built (bad option, a factory failed).
  std::optional<std::string> error;
  [[nodiscard]] bool ok() const noexcept { return !error.has_value(); }
};

// `factories` are the client-role factories; each may add one offer.
[[nodiscard]] ClientRequest build_client_request(const ClientHandshakeOptions& options,
                                                 const FactoryList& factories,
                                                 const NonceSource& nonce_source);

struct ClientHandshake {
  HandshakeState state = HandshakeState::need_more;
  // Bytes of the response head (set once it was complete).
  std::size_t consumed = 0;
  // The server's status code (0 while need_more or if unreadable).
  unsigned status = 0;
  // Why the handshake failed (rejected only).
  std::string reason;
  HttpHeaders headers;                     // the response's fields
  std::optional<std::string> subprotocol;  // the server's choice
  ExtensionChain extensions;               // accepted, in the server's order
};

// Validates the server's response (RFC 6455 section 4.1, "the client MUST
// validate the server's response as follows") against `request`.
[[nodiscard]] ClientHandshake client_handshake(std::span<const std::uint8_t> received,
                                               const ClientRequest& request,
                                               const FactoryList& factories,
                                               std::size_t max_head_bytes = kDefaultMaxHeadBytes);
[[nodiscard]] ClientHandshake client_handshake(std::string_view received,
                                               const ClientRequest& request,
                                               const FactoryList& factories,
                                               std::size_t max_head_bytes = kDefaultMaxHeadBytes);

}  // namespace wsx::core
