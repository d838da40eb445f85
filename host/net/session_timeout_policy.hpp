// What a Session's timer does when it fires, and when it fires next, as pure
// functions of the session's state in timer-wheel ticks. Session::on_timer
// gathers the inputs, asks, and carries the answer out; a unit test drives
// the same decisions without a socket (tests/unit/net/session_timeout_policy_test.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "net/session_state.hpp"

namespace wsx::net {

struct TimeoutInputs {
  SessionPhase phase = SessionPhase::handshake;
  // Ticks of the thread's TimerWheel (they wrap: compared by difference).
  std::uint32_t now = 0;
  std::uint32_t last_input = 0;  // when the last byte arrived
  // The current phase's deadline: handshake_timeout, close_timeout, the
  // lingering bound, or (open, ping_sent) when the keepalive Ping expires.
  std::uint32_t phase_deadline = 0;
  // Spans in ticks; 0 means the limit is off.
  std::uint32_t idle_ticks = 0;
  std::uint32_t ping_ticks = 0;
  std::uint32_t shrink_ticks = 0;
  std::uint32_t close_ticks = 0;  // close_timeout: also the stall bound
  // When the peer last took output, or its queue last crossed half of
  // max_send_queue.
  std::uint32_t output_progress = 0;
  // At least half of max_send_queue is queued for the peer: the level at
  // which its input (or, for the proxy, its upstream) stops being read.
  bool backed_up = false;
  bool ping_sent = false;    // a keepalive Ping is out since the last input
  bool shrunk = true;        // buffers were given back since the last input
  bool output_empty = true;  // nothing queued for the peer
};

enum class TimeoutAction : std::uint8_t {
  none,
  expire_handshake,       // handshake_timeout: drop the socket, log it
  expire_phase,           // close_timeout / lingering bound / rejection: drop
  drop_slow_peer,         // backed up, nothing taken for close_timeout: 1008
  close_idle,             // idle_timeout: Close 1000
  close_unanswered_ping,  // keepalive Ping unanswered: Close 1001
  send_ping,              // ping_interval of silence: Ping (RFC 6455 5.5.2)
  shrink,                 // quiet for shrink_ticks: give buffers back
};

// The action due now, most urgent first; `none` when nothing is due. After
// send_ping or shrink the caller asks again (both may be due at once).
[[nodiscard]] TimeoutAction due_timeout_action(const TimeoutInputs& in) noexcept;

// The earliest tick at which an action can become due, or nothing when no
// timer is needed (closed, or open with every limit off and buffers shrunk).
[[nodiscard]] std::optional<std::uint32_t> next_timeout_tick(const TimeoutInputs& in) noexcept;

}  // namespace wsx::net
