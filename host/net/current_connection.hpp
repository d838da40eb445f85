// The connection a message callback is running for. on_message_here
// receives it so that an application answering the sender (echo, request /
// response) talks to that connection directly, without the handle lookup
// that Server::send does for a connection named from elsewhere. Part of the
// public embedding API.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "net/connection_handle.hpp"
#include "net/server_handlers.hpp"

namespace wsx {

namespace net {
class Session;
}

// Valid only during the callback it is passed to, on the connection's own
// I/O thread: keep handle() to reach the connection later (Server::send).
class CurrentConnection {
 public:
  explicit CurrentConnection(net::Session& session) noexcept : session_(session) {}
  CurrentConnection(const CurrentConnection&) = delete;
  CurrentConnection& operator=(const CurrentConnection&) = delete;

  // The handle Server::send and Server::close take for this connection.
  [[nodiscard]] ConnectionHandle handle() const noexcept;
  // As Server::send from the connection's own thread: framed through the
  // extension chain and queued behind what this callback's batch wrote.
  SendResult send(MessageType type, std::span<const std::uint8_t> payload);
  SendResult send_text(std::string_view text);
  // As Server::close: throws std::invalid_argument for a code that RFC 6455
  // section 7.4 does not allow in a Close frame.
  SendResult close(std::uint16_t code, std::string_view reason = {});

 private:
  net::Session& session_;
};

}  // namespace wsx
