// Echo handlers that also record every callback into an EventLog, as lines
//   "open thread=0 path=/chat target=/chat?x=1 subprotocol=b extensions=x-xor; key=17"
//   "message thread=0 type=text size=5"
//   "close code=1000 reason=bye"
// so tests can wait for them from the test thread.
#pragma once

#include <string>

#include "app/echo_app.hpp"
#include "net/current_connection.hpp"
#include "net/server.hpp"
#include "server_fixture.hpp"

namespace wsx::test {

// The echo app's handlers, recording every event in `events`. `Server&` is
// unused since echo answers through CurrentConnection; callers pass theirs.
inline ServerHandlers recording_echo(Server& /*server*/, EventLog& events) {
  ServerHandlers echo = app::make_echo_handlers();
  ServerHandlers handlers;
  handlers.on_open = [&events](ConnectionHandle c, const ConnectionInfo& info) {
    events.add("open thread=" + std::to_string(c.thread) + " path=" + std::string(info.path) +
               " target=" + std::string(info.target) +
               " subprotocol=" + std::string(info.subprotocol) +
               " extensions=" + std::string(info.extensions) + " peer=" + std::string(info.peer));
  };
  handlers.on_message_here = [&events, echo_message = echo.on_message_here](
                                 CurrentConnection& c, MessageType type,
                                 std::span<const std::uint8_t> payload) {
    events.add("message thread=" + std::to_string(c.handle().thread) +
               " type=" + (type == MessageType::text ? "text" : "binary") +
               " size=" + std::to_string(payload.size()));
    echo_message(c, type, payload);
  };
  handlers.on_close = [&events](ConnectionHandle, std::uint16_t code, std::string_view reason) {
    events.add("close code=" + std::to_string(code) + " reason=" + std::string(reason));
  };
  return handlers;
}

}  // namespace wsx::test
