#include "net/session_state.hpp"

namespace wsx::net {

std::string_view phase_name(SessionPhase phase) noexcept {
  switch (phase) {
    case SessionPhase::handshake:
      return "handshake";
    case SessionPhase::rejecting:
      return "rejecting";
    case SessionPhase::open:
      return "open";
    case SessionPhase::closing:
      return "closing";
    case SessionPhase::lingering:
      return "lingering";
    case SessionPhase::closed:
      return "closed";
  }
  return "unknown";
}

}  // namespace wsx::net
