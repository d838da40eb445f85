// The application's side of a wsx::Server: the callbacks it installs and
// the small value types they receive. Part of the public embedding API
// (see server.hpp for the threading rules).
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "net/connection_handle.hpp"

namespace wsx {

class CurrentConnection;  // net/current_connection.hpp

// The two kinds of WebSocket data message (RFC 6455 section 5.6). The values
// are the frame opcodes.
enum class MessageType : std::uint8_t { text = WSX_OPCODE_TEXT, binary = WSX_OPCODE_BINARY };

// What the opening handshake settled, handed to on_open. Every view is
// borrowed for the duration of the callback: copy what you keep.
struct ConnectionInfo {
  // The client's address, "127.0.0.1:5555" or "[::1]:5555".
  std::string_view peer;
  // The request target as sent ("/chat?room=1") and its path ("/chat").
  std::string_view target;
  std::string_view path;
  // The selected subprotocol (RFC 6455 section 4.2.2); empty if none.
  std::string_view subprotocol;
  // The Sec-WebSocket-Extensions response value, in acceptance order, e.g.
  // "permessage-deflate; client_max_window_bits=15"; empty if none.
  std::string_view extensions;
};

// What became of a send() or close().
enum class SendResult : std::uint8_t {
  // Framed (through the extension chain) and queued or written.
  sent,
  // Called from a thread other than the connection's: handed to its I/O
  // thread, which sends it (or drops it if the connection is gone by then).
  posted,
  // No such connection any more, or it is closing (RFC 6455 section 5.5.1:
  // no data after a Close frame).
  not_open,
  // The peer does not read fast enough: more than limits.max_send_queue
  // bytes are waiting for it. The message was dropped and the connection is
  // being closed with 1008 (policy violation); on_close follows.
  too_slow,
};

struct ServerHandlers {
  // A client completed the opening handshake; the connection is open.
  std::function<void(ConnectionHandle, const ConnectionInfo&)> on_open;
  // A complete message, after the extension chain decoded it and (for text)
  // its UTF-8 was checked. `payload` is borrowed for the call only.
  std::function<void(ConnectionHandle, MessageType, std::span<const std::uint8_t> payload)>
      on_message;
  // Instead of on_message when set: the same message, with the connection it
  // came from to answer on directly (see CurrentConnection). The echo app
  // uses it.
  std::function<void(CurrentConnection&, MessageType, std::span<const std::uint8_t> payload)>
      on_message_here;
  // The connection is gone; called exactly once for every connection that
  // had on_open. `code` is the peer's close code (1005 if its Close carried
  // none), ours if the server closed it (1001 on shutdown, 1008 too slow,
  // 1002/1007/1009 on a protocol error), or 1006 when TCP ended without a
  // closing handshake. The handle is invalid once this returns.
  std::function<void(ConnectionHandle, std::uint16_t code, std::string_view reason)> on_close;
};

}  // namespace wsx
