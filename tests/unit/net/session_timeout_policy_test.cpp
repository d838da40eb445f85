// The Session timer's decisions (host/net/session_timeout_policy.hpp) without
// a socket: which action is due, in what order, and when the timer must fire
// next, including across the tick counter's wrap.
#include "net/session_timeout_policy.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace wsx::net {
namespace {

TimeoutInputs open_at(std::uint32_t now, std::uint32_t last_input) {
  TimeoutInputs in;
  in.phase = SessionPhase::open;
  in.now = now;
  in.last_input = last_input;
  return in;
}

TEST(SessionTimeoutPolicy, HandshakeExpiresAtItsDeadlineNotBefore) {
  TimeoutInputs in;
  in.phase = SessionPhase::handshake;
  in.phase_deadline = 50;
  in.now = 49;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_EQ(next_timeout_tick(in), 50u);
  in.now = 50;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::expire_handshake);
}

TEST(SessionTimeoutPolicy, ClosingRejectingAndLingeringExpireThePhase) {
  for (SessionPhase phase :
       {SessionPhase::rejecting, SessionPhase::closing, SessionPhase::lingering}) {
    TimeoutInputs in;
    in.phase = phase;
    in.phase_deadline = 10;
    in.now = 9;
    EXPECT_EQ(due_timeout_action(in), TimeoutAction::none) << phase_name(phase);
    in.now = 11;
    EXPECT_EQ(due_timeout_action(in), TimeoutAction::expire_phase) << phase_name(phase);
  }
}

TEST(SessionTimeoutPolicy, ClosedNeedsNoTimer) {
  TimeoutInputs in;
  in.phase = SessionPhase::closed;
  in.phase_deadline = 1;
  in.now = 100;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_FALSE(next_timeout_tick(in));
}

TEST(SessionTimeoutPolicy, OpenWithEveryLimitOffAndShrunkNeedsNoTimer) {
  TimeoutInputs in = open_at(1000, 0);
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_FALSE(next_timeout_tick(in));
}

TEST(SessionTimeoutPolicy, IdleCloses) {
  TimeoutInputs in = open_at(99, 0);
  in.idle_ticks = 100;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_EQ(next_timeout_tick(in), 100u);
  in.now = 100;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::close_idle);
}

// The slow-reader rule: backed up (half of max_send_queue queued) and no
// output taken for close_timeout, whether or not idle_timeout is on.
TEST(SessionTimeoutPolicy, APausedPeerThatTakesNothingForCloseTimeoutIsDropped) {
  TimeoutInputs in = open_at(1000, 0);
  in.close_ticks = 50;
  in.output_progress = 960;
  EXPECT_FALSE(next_timeout_tick(in)) << "not backed up: no stall timer";
  in.backed_up = true;
  EXPECT_EQ(next_timeout_tick(in), 1010u);
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  in.now = 1009;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  in.now = 1010;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::drop_slow_peer);
  // Progress restarts the clock.
  in.output_progress = 1005;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  // Before idle_timeout's Close 1000, too.
  in.idle_ticks = 10;
  in.output_progress = 900;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::drop_slow_peer);
}

TEST(SessionTimeoutPolicy, PingAfterSilenceThenCloseWhenUnanswered) {
  TimeoutInputs in = open_at(20, 0);
  in.ping_ticks = 20;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::send_ping);
  // The Ping is out; its answer is due one interval later.
  in.ping_sent = true;
  in.phase_deadline = 40;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_EQ(next_timeout_tick(in), 40u);
  in.now = 40;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::close_unanswered_ping);
}

TEST(SessionTimeoutPolicy, WithAnIdleTimeoutTheIdleTimeoutDecidesNotThePing) {
  TimeoutInputs in = open_at(40, 0);
  in.ping_ticks = 20;
  in.idle_ticks = 60;
  in.ping_sent = true;
  in.phase_deadline = 40;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_EQ(next_timeout_tick(in), 40u);
  in.now = 60;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::close_idle);
}

TEST(SessionTimeoutPolicy, ShrinkOnlyWhenQuietAndNothingQueued) {
  TimeoutInputs in = open_at(5, 0);
  in.shrink_ticks = 5;
  in.shrunk = false;
  in.output_empty = false;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  in.output_empty = true;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::shrink);
  in.shrunk = true;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_FALSE(next_timeout_tick(in));
}

TEST(SessionTimeoutPolicy, NextTickIsTheEarliestLimit) {
  TimeoutInputs in = open_at(0, 0);
  in.idle_ticks = 300;
  in.ping_ticks = 200;
  in.shrink_ticks = 100;
  in.shrunk = false;
  EXPECT_EQ(next_timeout_tick(in), 100u);
  in.shrunk = true;
  EXPECT_EQ(next_timeout_tick(in), 200u);
}

TEST(SessionTimeoutPolicy, TicksAreComparedAcrossTheWrap) {
  constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();
  TimeoutInputs in = open_at(kMax - 5, kMax - 10);
  in.idle_ticks = 20;  // due at kMax + 10, i.e. tick 9 after the wrap
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::none);
  EXPECT_EQ(next_timeout_tick(in), 9u);
  in.now = 9;
  EXPECT_EQ(due_timeout_action(in), TimeoutAction::close_idle);

  TimeoutInputs hs;
  hs.phase = SessionPhase::handshake;
  hs.now = kMax;
  hs.phase_deadline = 3;  // after the wrap: not yet
  EXPECT_EQ(due_timeout_action(hs), TimeoutAction::none);
}

}  // namespace
}  // namespace wsx::net
