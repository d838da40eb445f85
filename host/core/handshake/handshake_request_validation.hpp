// The checks a server makes on an opening-handshake request (RFC 6455
// section 4.2.1), each with the status it answers when the check fails.
// Used by server_handshake(); separate so each rule reads next to its RFC
// text.
#pragma once

#include <optional>
#include <string>

#include "core/handshake/handshake_server.hpp"
#include "core/handshake/http_head.hpp"

namespace wsx::core {

struct HandshakeRejection {
  unsigned status = 400;
  std::string reason;
  // Fields the error response must carry (Allow for 405, Sec-WebSocket-
  // Version for 426).
  HttpHeaders headers;
};

// Fills `request` from `head` and returns why the request is not a valid
// WebSocket opening handshake, if it is not.
[[nodiscard]] std::optional<HandshakeRejection> validate_handshake_request(
    RequestHead head, HandshakeRequest& request);

}  // namespace wsx::core
