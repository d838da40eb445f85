// The Session's phase transitions (host/net/session_state.hpp), checked as a
// table: every (phase, event) pair either leads where the diagram says or is
// refused, so a Session can never skip the closing handshake or reopen.
#include "net/session_state.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>

namespace wsx::net {
namespace {

constexpr std::array kPhases = {SessionPhase::handshake, SessionPhase::rejecting,
                                SessionPhase::open,      SessionPhase::closing,
                                SessionPhase::lingering, SessionPhase::closed};
constexpr std::array kEvents = {SessionEvent::accepted, SessionEvent::rejected,
                                SessionEvent::close_begun, SessionEvent::transport_done,
                                SessionEvent::socket_closed};

std::optional<SessionPhase> expected(SessionPhase from, SessionEvent event) {
  using P = SessionPhase;
  using E = SessionEvent;
  if (from == P::closed) return std::nullopt;
  if (event == E::socket_closed) return P::closed;
  if (from == P::handshake && event == E::accepted) return P::open;
  if (from == P::handshake && event == E::rejected) return P::rejecting;
  if (from == P::open && event == E::close_begun) return P::closing;
  if (event == E::transport_done && (from == P::rejecting || from == P::open || from == P::closing))
    return P::lingering;
  return std::nullopt;
}

TEST(SessionState, EveryTransitionMatchesTheDiagram) {
  int allowed = 0;
  for (SessionPhase from : kPhases) {
    for (SessionEvent event : kEvents) {
      SCOPED_TRACE(std::string(phase_name(from)) + " + event " +
                   std::to_string(static_cast<int>(event)));
      EXPECT_EQ(next_phase(from, event), expected(from, event));
      if (next_phase(from, event)) ++allowed;
    }
  }
  // 5 phases accept socket_closed, plus the 6 named edges.
  EXPECT_EQ(allowed, 11);
}

TEST(SessionState, ClosedIsTerminal) {
  for (SessionEvent event : kEvents) EXPECT_FALSE(next_phase(SessionPhase::closed, event));
}

TEST(SessionState, HandshakeCannotSkipToClosing) {
  EXPECT_FALSE(next_phase(SessionPhase::handshake, SessionEvent::close_begun));
  EXPECT_FALSE(next_phase(SessionPhase::handshake, SessionEvent::transport_done));
  EXPECT_FALSE(next_phase(SessionPhase::closing, SessionEvent::close_begun));
  EXPECT_FALSE(next_phase(SessionPhase::lingering, SessionEvent::accepted));
}

TEST(SessionState, OnlyOpenAndClosingCarryFrames) {
  for (SessionPhase phase : kPhases) {
    const bool frames = phase == SessionPhase::open || phase == SessionPhase::closing;
    EXPECT_EQ(carries_frames(phase), frames) << phase_name(phase);
  }
}

TEST(SessionState, EveryPhaseHasADistinctName) {
  for (std::size_t i = 0; i < kPhases.size(); ++i) {
    EXPECT_FALSE(phase_name(kPhases[i]).empty());
    for (std::size_t j = i + 1; j < kPhases.size(); ++j)
      EXPECT_NE(phase_name(kPhases[i]), phase_name(kPhases[j]));
  }
}

}  // namespace
}  // namespace wsx::net
