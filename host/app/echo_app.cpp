#include "app/echo_app.hpp"

namespace wsx::app {

ServerHandlers make_echo_handlers(Server& server) {
  ServerHandlers handlers;
  handlers.on_message = [&server](ConnectionHandle connection, MessageType type,
                                  std::span<const std::uint8_t> payload) {
    // Runs on the connection's own thread, inside its receive batch: the
    // send is immediate and, if the peer stops reading, back-pressure pauses
    // reading from it rather than queueing without bound.
    server.send(connection, type, payload);
  };
  return handlers;
}

}  // namespace wsx::app
