// The life of a Session as one explicit state machine: its phases, the
// events that move it between them, and the only transitions allowed.
//
//   handshake --accepted--> open --close_begun--> closing --transport_done--> lingering
//       |                    |                                                   |
//       +--rejected--> rejecting --transport_done--> lingering                   |
//   any phase --socket_closed--> closed  <-------------------------------------+
//
// `closing` is the WebSocket closing handshake (RFC 6455 section 7): a Close
// went out or came in (or the connection failed, 7.1.7) and close_timeout
// bounds the rest. `lingering` is TCP's teardown after it (7.1.1: the server
// closes TCP first): our FIN is out, input is discarded until the peer's.
// Pure and tested without sockets (tests/unit/net/session_state_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wsx::net {

enum class SessionPhase : std::uint8_t {
  handshake,  // reading the HTTP request (handshake_timeout)
  rejecting,  // writing an HTTP error response, then closing
  open,       // WebSocket data phase
  closing,    // the closing handshake is under way (close_timeout)
  lingering,  // our side shut down (FIN sent); discarding input until EOF
  closed,     // socket closed; waiting for the posted reap
};

enum class SessionEvent : std::uint8_t {
  accepted,        // the 101 is queued (RFC 6455 section 4.2.2)
  rejected,        // an HTTP error response is queued instead
  close_begun,     // the connection left OPEN: Close sent, received, or failed
  transport_done,  // nothing more to send: shut TCP's sending side down
  socket_closed,   // the descriptor is closed (any phase, any reason)
};

// The phase `event` leads to from `from`, or nothing when the event does not
// apply there (e.g. a second close_begun while closing): callers then stay
// where they are.
[[nodiscard]] constexpr std::optional<SessionPhase> next_phase(SessionPhase from,
                                                               SessionEvent event) noexcept {
  if (from == SessionPhase::closed) return std::nullopt;
  switch (event) {
    case SessionEvent::accepted:
      if (from == SessionPhase::handshake) return SessionPhase::open;
      break;
    case SessionEvent::rejected:
      if (from == SessionPhase::handshake) return SessionPhase::rejecting;
      break;
    case SessionEvent::close_begun:
      if (from == SessionPhase::open) return SessionPhase::closing;
      break;
    case SessionEvent::transport_done:
      if (from == SessionPhase::rejecting || from == SessionPhase::open ||
          from == SessionPhase::closing)
        return SessionPhase::lingering;
      break;
    case SessionEvent::socket_closed:
      return SessionPhase::closed;
  }
  return std::nullopt;
}

// The WebSocket data phases: frames are read and written.
[[nodiscard]] constexpr bool carries_frames(SessionPhase phase) noexcept {
  return phase == SessionPhase::open || phase == SessionPhase::closing;
}

[[nodiscard]] std::string_view phase_name(SessionPhase phase) noexcept;

// Whether the application has been told of the connection (on_open) and so
// is owed exactly one on_close.
enum class CloseNotice : std::uint8_t {
  not_owed,   // on_open never ran (rejected, dropped in the handshake)
  owed,       // on_open ran; on_close not yet posted
  posted,     // on_close is posted to the event loop
  delivered,  // on_close ran
};

}  // namespace wsx::net
