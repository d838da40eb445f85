#include "idle_scenario.hpp"

#include <chrono>
#include <cstdio>

namespace wsx::bench {

IdleScenario::IdleScenario(RunContext& run, const SessionSetup& setup, const MessageSet& messages,
                           const IdlePlan& plan)
    : run_(run),
      setup_(setup),
      messages_(messages),
      plan_(plan),
      sent_at_(plan.connections),
      throttle_(plan.connections, kConnectWindow, [this](std::size_t i) {
        sessions_[i]->start(connection_seed(plan_.seed, static_cast<std::uint32_t>(i)));
      }) {
  sessions_.reserve(plan_.connections);
  for (std::uint32_t i = 0; i < plan_.connections; ++i)
    sessions_.push_back(
        std::make_unique<WsSession>(run_, setup_, static_cast<SessionObserver&>(*this), i));
}

void IdleScenario::run(BenchResult& result) {
  result_ = &result;
  run_.on_failure([this] { abort_all(); });
  start_ = run_.refresh_now();
  run_.start_ticks([this](Clock::time_point now) { tick(now); });
  throttle_.fill();
  run_.io().run();
  result.connections = plan_.connections;
  result.handshakes = opened_;
  result.messages = echoed_;
  result.ready = ready_;
}

void IdleScenario::on_open(WsSession& session) {
  if (opened_ == 0) result_->negotiated = session.negotiated();
  if (!accepted_every_offer(run_, session, plan_.required_extensions)) return;
  if (++opened_ == plan_.connections)
    result_->handshake_seconds = std::chrono::duration<double>(run_.now() - start_).count();
  throttle_.one_done();
  const std::span<const std::uint8_t> payload =
      messages_.messages[messages_.pick(session.index(), 0)];
  sent_at_[session.index()] = run_.now();
  session.expect_progress_by(run_.now() + run_.timeout());
  if (!session.send_text(payload) && !run_.failed())
    run_.fail("connection " + std::to_string(session.index()) + ": the message could not be sent");
}

void IdleScenario::on_message(WsSession& session, std::uint8_t opcode,
                              std::span<const std::uint8_t> payload) {
  const std::uint32_t i = session.index();
  if (sent_at_[i] == Clock::time_point{}) {
    run_.fail("connection " + std::to_string(i) + ": a second, unsolicited message arrived");
    return;
  }
  if (auto mismatch = echo_mismatch(messages_.opcode, messages_.messages[messages_.pick(i, 0)],
                                    opcode, payload)) {
    run_.fail("connection " + std::to_string(i) + ": " + *mismatch);
    return;
  }
  result_->latency.record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(run_.now() - sent_at_[i]).count()));
  result_->payload_bytes += payload.size();
  sent_at_[i] = Clock::time_point{};
  session.expect_progress_by(Clock::time_point::max());
  session.shrink_when_idle();
  if (++echoed_ == plan_.connections) {
    holding_ = true;
    ready_ = echoed_;
    hold_until_ = run_.now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(plan_.hold_s));
    result_->seconds = plan_.hold_s;
    std::printf("READY %u\n", echoed_);
    std::fflush(stdout);
  }
}

void IdleScenario::on_closed(WsSession& /*session*/) {
  if (++closed_ == plan_.connections) run_.stop_ticks();
}

void IdleScenario::tick(Clock::time_point now) {
  const bool release = holding_ && now >= hold_until_;
  if (release) holding_ = false;
  for (auto& session : sessions_) {
    if (release) session->close();
    session->check_deadline(now);
    if (run_.failed()) return;
  }
}

void IdleScenario::abort_all() noexcept {
  for (auto& session : sessions_) session->abort();
  run_.stop_ticks();
}

}  // namespace wsx::bench
