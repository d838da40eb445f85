#include "storm_scenario.hpp"

#include <boost/asio/post.hpp>

#include <chrono>

#include "traffic_support.hpp"

namespace wsx::bench {

StormScenario::StormScenario(RunContext& run, const SessionSetup& setup, const StormPlan& plan)
    : run_(run), setup_(setup), plan_(plan) {
  sessions_.reserve(plan_.connections);
  for (std::uint32_t i = 0; i < plan_.connections; ++i)
    sessions_.push_back(
        std::make_unique<WsSession>(run_, setup_, static_cast<SessionObserver&>(*this), i));
}

void StormScenario::run(BenchResult& result) {
  result_ = &result;
  run_.on_failure([this] { abort_all(); });
  start_ = run_.refresh_now();
  last_close_ = start_;
  deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(plan_.duration_s));
  run_.start_ticks([this](Clock::time_point now) { tick(now); });
  for (auto& session : sessions_) next_cycle(*session);
  run_.io().run();
  result.connections = plan_.connections;
  result.handshake_seconds = std::chrono::duration<double>(last_close_ - start_).count();
  result.seconds = result.handshake_seconds;
}

void StormScenario::next_cycle(WsSession& session) {
  if (run_.failed()) return;
  if (started_ >= plan_.max_handshakes || run_.refresh_now() >= deadline_) {
    if (++retired_ == plan_.connections) run_.stop_ticks();
    return;
  }
  ++started_;
  session.start(connection_seed(plan_.seed, static_cast<std::uint32_t>(started_)));
}

void StormScenario::on_open(WsSession& session) {
  if (result_->handshakes == 0) result_->negotiated = session.negotiated();
  if (!accepted_every_offer(run_, session, plan_.required_extensions)) return;
  ++result_->handshakes;
  result_->latency.record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(run_.now() - session.started_at())
          .count()));
  session.close();
}

void StormScenario::on_message(WsSession& session, std::uint8_t /*opcode*/,
                               std::span<const std::uint8_t> payload) {
  run_.fail("connection " + std::to_string(session.index()) + ": the server sent a message (" +
            std::to_string(payload.size()) + " bytes) nobody asked for");
}

void StormScenario::on_closed(WsSession& session) {
  last_close_ = run_.now();
  // Posted: the session is still inside its own handler.
  boost::asio::post(run_.io(), [this, &session] { next_cycle(session); });
}

void StormScenario::tick(Clock::time_point now) {
  for (auto& session : sessions_) {
    session->check_deadline(now);
    if (run_.failed()) return;
  }
}

void StormScenario::abort_all() noexcept {
  for (auto& session : sessions_) session->abort();
  run_.stop_ticks();
}

}  // namespace wsx::bench
