#include "app/echo_app.hpp"

#include "net/current_connection.hpp"

namespace wsx::app {

ServerHandlers make_echo_handlers() {
  ServerHandlers handlers;
  handlers.on_message_here = [](CurrentConnection& connection, MessageType type,
                                std::span<const std::uint8_t> payload) {
    // Runs on the connection's own thread, inside its receive batch: the
    // reply goes to the connection at hand (no handle lookup) and, if the
    // peer stops reading, back-pressure pauses reading from it rather than
    // queueing without bound.
    connection.send(type, payload);
  };
  return handlers;
}

}  // namespace wsx::app
