// Session: what its timer-wheel entry does when it fires (handshake, idle,
// ping and close timeouts, giving idle buffers back) and when it fires next.
#include "net/session_internal.hpp"

#include <optional>

#include "net/io_thread.hpp"

namespace wsx::net {

// --- Timers -------------------------------------------------------------------

void Session::on_timer() {
  TimerWheel& wheel = thread_.wheel();
  const ServerLimits& limits = thread_.settings()->limits;
  const std::uint32_t now = wheel.now_tick();
  auto passed = [&](std::uint32_t tick) { return static_cast<std::int32_t>(tick - now) <= 0; };
  auto idle_for = [&](std::chrono::milliseconds span) {
    return span.count() > 0 && now - last_input_tick_ >= wheel.to_ticks(span);
  };

  switch (phase_) {
    case Phase::handshake:
    case Phase::rejecting:
    case Phase::lingering:
      if (passed(phase_deadline_tick_)) {
        if (phase_ == Phase::handshake) {
          server_.logger().write_lazy(LogLevel::info,
                                      [&] { return "handshake timeout peer=" + peer_text(); });
        }
        close_socket();
        maybe_reap();
        return;
      }
      break;
    case Phase::open:
      if (connection_->state() != core::State::open) {
        // We sent Close and the peer has not answered within close_timeout.
        if (passed(phase_deadline_tick_)) {
          close_socket();
          maybe_reap();
          return;
        }
        break;
      }
      if (paused_ && idle_for(limits.idle_timeout)) {
        // Reading has been paused for back-pressure all this time: the peer
        // does not read what we send. Its queue is full, so a Close frame
        // would never arrive either: drop it as too slow (1008).
        drop_slow_peer();
        return;
      }
      if (idle_for(limits.idle_timeout)) {
        start_closing(core::close_code::normal, "idle timeout");
        return;
      }
      if (ping_sent_ && limits.idle_timeout.count() == 0 && passed(phase_deadline_tick_)) {
        // Keepalive without an idle timeout: a Ping unanswered for one more
        // ping_interval means the peer is gone.
        start_closing(core::close_code::going_away, "ping timeout");
        return;
      }
      if (!ping_sent_ && idle_for(limits.ping_interval)) {
        // RFC 6455 section 5.5.2: a Ping as a keepalive; any byte from the
        // peer (its Pong included) proves it alive and resets the count.
        connection_->send_ping();
        ping_sent_ = true;
        phase_deadline_tick_ = now + wheel.to_ticks(limits.ping_interval);
        flush();
        if (phase_ != Phase::open) return;
      }
      if (!shrunk_ && now - last_input_tick_ >= wheel.to_ticks(kShrinkDelay) &&
          pending_bytes() == 0) {
        connection_->shrink_when_idle();
        shrunk_ = true;
      }
      break;
    case Phase::closed:
      return;
  }
  schedule_next_timeout();
}

void Session::schedule_next_timeout() {
  TimerWheel& wheel = thread_.wheel();
  const ServerLimits& limits = thread_.settings()->limits;
  const std::uint32_t now = wheel.now_tick();
  std::optional<std::uint32_t> next;
  auto consider = [&](std::uint32_t tick) {
    if (!next || static_cast<std::int32_t>(tick - *next) < 0) next = tick;
  };

  switch (phase_) {
    case Phase::handshake:
    case Phase::rejecting:
    case Phase::lingering:
      consider(phase_deadline_tick_);
      break;
    case Phase::open:
      if (connection_->state() != core::State::open) {
        consider(phase_deadline_tick_);
        break;
      }
      if (limits.idle_timeout.count() > 0)
        consider(last_input_tick_ + wheel.to_ticks(limits.idle_timeout));
      if (limits.ping_interval.count() > 0) {
        consider(ping_sent_ ? phase_deadline_tick_
                            : last_input_tick_ + wheel.to_ticks(limits.ping_interval));
      }
      if (!shrunk_) consider(last_input_tick_ + wheel.to_ticks(kShrinkDelay));
      break;
    case Phase::closed:
      break;
  }
  if (!next) {
    TimerWheel::cancel(*this);
    return;
  }
  const auto distance = static_cast<std::int32_t>(*next - now);
  wheel.schedule_ticks(*this, distance > 0 ? static_cast<std::uint32_t>(distance) : 1u);
}

}  // namespace wsx::net
