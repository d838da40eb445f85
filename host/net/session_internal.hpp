// Pieces shared by the files that implement Session (session*.cpp):
// the handshake and close records, small log helpers, and the wrapper that
// keeps an application's exception from escaping into the event loop.
// Internal to host/net.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/error.hpp>

#include <sys/socket.h>

#include "core/close/close_status.hpp"
#include "core/handshake/handshake_server.hpp"
#include "net/log_fields.hpp"
#include "net/server_context.hpp"
#include "net/session.hpp"

namespace wsx::net {

// Reads per readiness event before yielding to the thread's other
// connections: a peer that keeps its socket full cannot starve them.
inline constexpr int kMaxReadsPerWakeup = 4;

// How long a connection must be quiet before its buffers are given back.
// Long enough that a busy connection keeps its warm buffers (DESIGN.md: no
// allocation per frame once warm), short enough that idle memory stays low.
inline constexpr std::chrono::milliseconds kShrinkDelay{1000};

[[nodiscard]] inline bool would_block(const boost::system::error_code& error) noexcept {
  return error == boost::asio::error::would_block || error == boost::asio::error::try_again;
}

// Flags for a write after which we shut the sending side down at once (the
// last Close frame, an HTTP error response). MSG_MORE holds the bytes in the
// kernel for a moment, so the FIN that shutdown() sends rides in the same
// TCP segment: one segment (and one ACK from the peer) less per connection
// closed, which a connect storm feels. Linux only; elsewhere no flag.
#ifdef MSG_MORE
inline constexpr int kLastWriteFlags = MSG_MORE;
#else
inline constexpr int kLastWriteFlags = 0;
#endif

struct Session::HandshakeData {
  // Everything received so far (the core parses the head from its start).
  std::string received;
  // The 101 or error response, and how much of it was written.
  std::string response;
  std::size_t written = 0;
  bool over_limit = false;
  // Proxy: the accepted client handshake and the bytes after its head,
  // kept while the upstream answers (session_proxy.cpp).
  std::optional<core::ServerHandshake> upgrade;
  std::string leftover;
};

struct Session::CloseRecord {
  std::uint16_t code = core::close_code::abnormal_closure;
  std::string reason;
};

template <class Fn>
void Session::call_application(const char* what, Fn&& fn) {
  try {
    std::forward<Fn>(fn)();
  } catch (const std::exception& error) {
    server_.logger().error(std::string("application error in ") + what + " peer=" + peer_text() +
                           ": " + error.what());
    start_closing(core::close_code::internal_error, "internal error");
  } catch (...) {
    server_.logger().error(std::string("application error in ") + what + " peer=" + peer_text());
    start_closing(core::close_code::internal_error, "internal error");
  }
}

}  // namespace wsx::net
