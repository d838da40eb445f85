// What a Connection reports while it reads a peer's bytes. The callbacks run
// inside Connection::receive(), synchronously, on the connection's thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wsx::core {

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;

  // A complete text (opcode 0x1, valid UTF-8) or binary (0x2) message, after
  // the extension chain decoded it. `payload` is borrowed: valid during the
  // call only (it may point into the caller's read buffer). The handler may
  // call send_*() or close() on the connection from here, but not receive().
  virtual void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) = 0;

  // Streaming connections only (Connection::stream_messages): one decoded
  // data frame of a message, handed on as it arrives instead of being
  // assembled. `message_opcode` is the message's TEXT or BINARY on every
  // frame of it; `first` marks its first frame, `fin` its last (RFC 6455
  // section 5.4). Text is UTF-8 checked so far; the size limit counts the
  // message's frames together. `payload` is borrowed as in on_message.
  virtual void on_fragment(std::uint8_t /*message_opcode*/, bool /*first*/, bool /*fin*/,
                           std::span<const std::uint8_t> /*payload*/) {}

  // A Ping arrived (RFC 6455 section 5.5.2). The Pong answering it is
  // already queued (section 5.5.3) unless we have sent a Close frame.
  virtual void on_ping(std::span<const std::uint8_t> /*payload*/) {}

  // A Pong arrived (section 5.5.3): solicited or not, it proves the peer is
  // alive (keepalive timers).
  virtual void on_pong(std::span<const std::uint8_t> /*payload*/) {}

  // The peer's Close frame arrived (section 5.5.1). `code` is 1005 if it
  // carried none. If we had not sent a Close yet, the echo is queued and the
  // connection is now CLOSED; otherwise this completes our closing handshake.
  virtual void on_close(std::uint16_t /*code*/, std::string_view /*reason*/) {}

  // The peer broke the protocol (or an extension failed). A Close frame with
  // `code` (1002, 1007, 1009, 1010 or 1011) is queued if we had not sent one,
  // the connection is CLOSED, and should_close_transport() is true: flush the
  // pending output, then close the socket (section 7.1.7, "Fail the WebSocket
  // Connection"). Reported once per connection.
  virtual void on_protocol_error(std::uint16_t /*code*/, std::string_view /*reason*/) {}
};

}  // namespace wsx::core
