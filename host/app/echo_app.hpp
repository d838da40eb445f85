// The echo application (wsx-host's default): every message goes back to its
// sender as it came, text as text and binary as binary. The reply goes
// through the same extension chain as any message, so a client can check
// that what it sent survived the round trip (Autobahn-style testing).
#pragma once

#include "net/server.hpp"

namespace wsx::app {

// Handlers that echo every message to the connection it came from.
[[nodiscard]] ServerHandlers make_echo_handlers();

}  // namespace wsx::app
