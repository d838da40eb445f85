#include "net/session_timeout_policy.hpp"

namespace wsx::net {
namespace {

[[nodiscard]] bool reached(std::uint32_t tick, std::uint32_t now) noexcept {
  return static_cast<std::int32_t>(tick - now) <= 0;
}

[[nodiscard]] bool quiet_for(const TimeoutInputs& in, std::uint32_t ticks) noexcept {
  return ticks > 0 && in.now - in.last_input >= ticks;
}

[[nodiscard]] bool stalled(const TimeoutInputs& in) noexcept {
  return in.backed_up && in.close_ticks > 0 && in.now - in.output_progress >= in.close_ticks;
}

}  // namespace

TimeoutAction due_timeout_action(const TimeoutInputs& in) noexcept {
  switch (in.phase) {
    case SessionPhase::handshake:
      return reached(in.phase_deadline, in.now) ? TimeoutAction::expire_handshake
                                                : TimeoutAction::none;
    case SessionPhase::rejecting:
    case SessionPhase::closing:
    case SessionPhase::lingering:
      return reached(in.phase_deadline, in.now) ? TimeoutAction::expire_phase : TimeoutAction::none;
    case SessionPhase::open:
      // Backed up (so reading has paused) and the peer took nothing for
      // close_timeout: it does not read. nginx's send_timeout, which counts
      // only between two successful writes, is the same rule. Checked
      // before idle_timeout, which may be off: a reader that stopped must
      // be closed either way.
      if (stalled(in)) return TimeoutAction::drop_slow_peer;
      if (quiet_for(in, in.idle_ticks)) return TimeoutAction::close_idle;
      // Keepalive without an idle timeout: a Ping unanswered for one more
      // ping_interval means the peer is gone. (With an idle timeout, that
      // timeout decides.)
      if (in.ping_sent && in.idle_ticks == 0 && reached(in.phase_deadline, in.now))
        return TimeoutAction::close_unanswered_ping;
      // RFC 6455 section 5.5.2: any byte from the peer (its Pong included)
      // proves it alive and clears ping_sent.
      if (!in.ping_sent && quiet_for(in, in.ping_ticks)) return TimeoutAction::send_ping;
      if (!in.shrunk && in.output_empty && quiet_for(in, in.shrink_ticks))
        return TimeoutAction::shrink;
      return TimeoutAction::none;
    case SessionPhase::closed:
      return TimeoutAction::none;
  }
  return TimeoutAction::none;
}

std::optional<std::uint32_t> next_timeout_tick(const TimeoutInputs& in) noexcept {
  std::optional<std::uint32_t> next;
  auto consider = [&](std::uint32_t tick) {
    if (!next || static_cast<std::int32_t>(tick - *next) < 0) next = tick;
  };
  switch (in.phase) {
    case SessionPhase::handshake:
    case SessionPhase::rejecting:
    case SessionPhase::closing:
    case SessionPhase::lingering:
      consider(in.phase_deadline);
      break;
    case SessionPhase::open:
      if (in.idle_ticks > 0) consider(in.last_input + in.idle_ticks);
      if (in.backed_up && in.close_ticks > 0) consider(in.output_progress + in.close_ticks);
      if (in.ping_ticks > 0)
        consider(in.ping_sent ? in.phase_deadline : in.last_input + in.ping_ticks);
      if (!in.shrunk && in.shrink_ticks > 0) consider(in.last_input + in.shrink_ticks);
      break;
    case SessionPhase::closed:
      break;
  }
  return next;
}

}  // namespace wsx::net
