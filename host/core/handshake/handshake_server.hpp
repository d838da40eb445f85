// The server half of the opening handshake (RFC 6455 sections 4.2.1 and
// 4.2.2), sans-I/O: bytes received so far in, the response bytes to write
// and the negotiated connection state out.
//
//   auto hs = server_handshake(received, factories, options);
//   switch (hs.state) {
//     case HandshakeState::need_more: read more, call again with all bytes
//     case HandshakeState::accepted:  write hs.response; received bytes after
//                                     hs.consumed are the first frames
//     case HandshakeState::rejected:  write hs.response, then close
//   }
//
// The application may still refuse an accepted handshake (by path, Origin,
// load): it sends build_error_response(403 / 404 / 503, ...) instead of
// hs.response, and dropping `hs` destroys the negotiated extensions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/extensions/extension_chain.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/extensions/extension_params.hpp"
#include "core/extensions/negotiation.hpp"
#include "core/handshake/handshake.hpp"
#include "core/handshake/http_head.hpp"

namespace wsx::core {

struct ServerHandshakeOptions {
  // Subprotocols this server speaks, most preferred first. The first one the
  // client also offered is selected (RFC 6455 section 4.2.2 step 5.2).
  std::vector<std::string> subprotocols;
  // Upper bound on the request head; a larger one is refused with 431.
  std::size_t max_head_bytes = kDefaultMaxHeadBytes;
};

// What the client asked for, for the application (routing by path,
// checking Origin, ...). Filled as far as the request could be read.
struct HandshakeRequest {
  std::string method;
  std::string target;  // as sent: "/chat?room=1"
  unsigned http_version = 0;
  std::string host;
  std::optional<std::string> origin;            // absent for non-browser clients
  std::string key;                              // Sec-WebSocket-Key
  std::vector<std::string> subprotocols;        // offered, client order
  std::vector<ExtensionItem> extension_offers;  // offered, client order
  HttpHeaders headers;                          // every field as received

  // The path of the target without the query: "/chat". For an absolute-form
  // target ("http://h/chat?x") the path after the authority.
  [[nodiscard]] std::string_view path() const noexcept;
};

struct ServerHandshake {
  HandshakeState state = HandshakeState::need_more;
  // Bytes of the request head (set once it was complete).
  std::size_t consumed = 0;
  // 101, or the error status of `response`; 0 while need_more.
  unsigned status = 0;
  // Why the handshake was rejected (also the body of `response`).
  std::string reason;
  // The bytes to write: the 101 response or an error response.
  std::string response;
  HandshakeRequest request;
  // The selected subprotocol, if any (accepted only).
  std::optional<std::string> subprotocol;
  // The negotiated extensions (accepted only), in acceptance order.
  ExtensionChain extensions;
  // One entry per extension offer, also when negotiation failed.
  std::vector<NegotiationTraceEntry> negotiation_trace;
};

// Parses and validates the request in `received`, negotiates extensions with
// `factories` (server role, config order) and builds the response.
[[nodiscard]] ServerHandshake server_handshake(std::span<const std::uint8_t> received,
                                               const FactoryList& factories,
                                               const ServerHandshakeOptions& options);
[[nodiscard]] ServerHandshake server_handshake(std::string_view received,
                                               const FactoryList& factories,
                                               const ServerHandshakeOptions& options);

// The server's choice among the client's offers: the first of `supported`
// (server preference order) that the client offered; names compare exactly.
[[nodiscard]] std::optional<std::string> select_subprotocol(std::span<const std::string> offered,
                                                            std::span<const std::string> supported);

// "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection,
// Sec-WebSocket-Accept, and Sec-WebSocket-Protocol / Sec-WebSocket-Extensions
// when `subprotocol` is set / `extensions` is not empty.
[[nodiscard]] std::string build_switching_protocols_response(
    std::string_view accept_key, const std::optional<std::string>& subprotocol,
    std::string_view extensions);

}  // namespace wsx::core
