// Session: carrying out what the timeout policy (session_timeout_policy.hpp)
// decides when the timer-wheel entry fires, and scheduling the next firing.
#include "net/session_internal.hpp"

#include "net/io_thread.hpp"

namespace wsx::net {

// --- Timers -------------------------------------------------------------------

TimeoutInputs Session::timeout_inputs() const noexcept {
  const TimerWheel& wheel = thread_.wheel();
  const ServerLimits& limits = thread_.settings()->limits;
  auto span = [&](std::chrono::milliseconds limit) -> std::uint32_t {
    return limit.count() > 0 ? wheel.to_ticks(limit) : 0;
  };
  TimeoutInputs in;
  in.phase = phase_;
  // The core left OPEN without telling us (no close record): treat it as
  // closing, bounded by the phase deadline, rather than as open.
  if (phase_ == SessionPhase::open && connection_->state() != core::State::open)
    in.phase = SessionPhase::closing;
  in.now = wheel.now_tick();
  in.last_input = last_input_tick_;
  in.phase_deadline = phase_deadline_tick_;
  in.idle_ticks = span(limits.idle_timeout);
  in.ping_ticks = span(limits.ping_interval);
  in.shrink_ticks = span(kShrinkDelay);
  in.close_ticks = span(limits.close_timeout);
  in.output_progress = output_progress_tick_;
  in.backed_up = backed_up_;
  in.ping_sent = ping_sent_;
  in.shrunk = shrunk_;
  in.output_empty = pending_bytes() == 0;
  return in;
}

void Session::on_timer() {
  // send_ping and shrink leave the session as it was and may both be due at
  // once; every other action ends or reschedules the session itself.
  for (int step = 0; step < 3; ++step) {
    switch (due_timeout_action(timeout_inputs())) {
      case TimeoutAction::none:
        schedule_next_timeout();
        return;
      case TimeoutAction::expire_handshake:
        if (awaiting_upstream_) {
          // Proxy: the upstream's connect or 101 took too long: 504.
          upstream_->drop();
          upstream_failed(UpstreamFailure::timed_out, 0, "the upstream did not answer in time");
          return;
        }
        thread_.metrics().count_handshake(metrics::HandshakeOutcome::timeout);
        server_.logger().write_lazy(LogLevel::info,
                                    [&] { return "handshake timeout peer=" + peer_text(); });
        close_socket();
        maybe_reap();
        return;
      case TimeoutAction::expire_phase:
        close_socket();
        maybe_reap();
        return;
      case TimeoutAction::drop_slow_peer:
        drop_slow_peer();
        return;
      case TimeoutAction::close_idle:
        start_closing(core::close_code::normal, "idle timeout");
        return;
      case TimeoutAction::close_unanswered_ping:
        start_closing(core::close_code::going_away, "ping timeout");
        return;
      case TimeoutAction::send_ping: {
        TimerWheel& wheel = thread_.wheel();
        connection_->send_ping();
        ping_sent_ = true;
        phase_deadline_tick_ =
            wheel.now_tick() + wheel.to_ticks(thread_.settings()->limits.ping_interval);
        flush();
        if (phase_ != SessionPhase::open) return;
        break;
      }
      case TimeoutAction::shrink:
        connection_->shrink_when_idle();
        if (tls_) tls_->shrink_when_idle();
        shrunk_ = true;
        break;
    }
  }
  schedule_next_timeout();
}

void Session::schedule_next_timeout() {
  const TimeoutInputs in = timeout_inputs();
  const std::optional<std::uint32_t> next = next_timeout_tick(in);
  if (!next) {
    TimerWheel::cancel(*this);
    return;
  }
  const auto distance = static_cast<std::int32_t>(*next - in.now);
  thread_.wheel().schedule_ticks(*this, distance > 0 ? static_cast<std::uint32_t>(distance) : 1u);
}

}  // namespace wsx::net
