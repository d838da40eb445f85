#include "echo_scenario.hpp"

#include <chrono>

namespace wsx::bench {

EchoScenario::EchoScenario(RunContext& run, const SessionSetup& setup, const MessageSet& messages,
                           const EchoPlan& plan)
    : run_(run),
      setup_(setup),
      messages_(messages),
      plan_(plan),
      throttle_(plan.connections, kConnectWindow, [this](std::size_t i) {
        sessions_[i]->start(connection_seed(plan_.seed, static_cast<std::uint32_t>(i)));
      }) {
  sessions_.reserve(plan_.connections);
  state_.reserve(plan_.connections);
  for (std::uint32_t i = 0; i < plan_.connections; ++i) {
    sessions_.push_back(
        std::make_unique<WsSession>(run_, setup_, static_cast<SessionObserver&>(*this), i));
    state_.emplace_back(plan_.depth);
  }
}

void EchoScenario::run(BenchResult& result) {
  result_ = &result;
  run_.on_failure([this] { abort_all(); });
  connect_start_ = run_.refresh_now();
  run_.start_ticks([this](Clock::time_point now) { tick(now); });
  throttle_.fill();
  run_.io().run();
  result.connections = plan_.connections;
  result.handshakes = opened_;
  result.seconds = std::chrono::duration<double>(last_echo_ - traffic_start_).count();
  if (result.seconds < 0) result.seconds = 0;
}

void EchoScenario::on_open(WsSession& session) {
  if (opened_ == 0) result_->negotiated = session.negotiated();
  if (!accepted_every_offer(run_, session, plan_.required_extensions)) return;
  ++opened_;
  throttle_.one_done();
  if (opened_ == plan_.connections) begin_traffic();
}

void EchoScenario::begin_traffic() {
  traffic_start_ = run_.refresh_now();
  last_echo_ = traffic_start_;
  result_->handshake_seconds =
      std::chrono::duration<double>(traffic_start_ - connect_start_).count();
  traffic_deadline_ = traffic_start_ + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(plan_.duration_s));
  for (auto& session : sessions_) {
    for (std::uint32_t k = 0; k < plan_.depth && may_send(); ++k) send_next(*session);
    if (run_.failed()) return;
  }
}

bool EchoScenario::may_send() const noexcept {
  return !run_.failed() && sent_ < plan_.max_messages && run_.now() < traffic_deadline_;
}

void EchoScenario::send_next(WsSession& session) {
  PerConnection& state = state_[session.index()];
  const std::uint32_t message = messages_.pick(session.index(), state.sequence++);
  const std::span<const std::uint8_t> payload = messages_.messages[message];
  state.in_flight.push({message, run_.now(), 0});
  ++sent_;
  const bool queued =
      messages_.opcode == 0x2 ? session.send_binary(payload) : session.send_text(payload);
  if (!queued && !run_.failed())
    run_.fail("connection " + std::to_string(session.index()) + ": the message could not be sent");
}

void EchoScenario::on_message(WsSession& session, std::uint8_t opcode,
                              std::span<const std::uint8_t> payload) {
  PerConnection& state = state_[session.index()];
  if (state.in_flight.empty()) {
    run_.fail("connection " + std::to_string(session.index()) +
              ": a message arrived that was never sent (" + std::to_string(payload.size()) +
              " bytes)");
    return;
  }
  const InFlight sent = state.in_flight.front();
  if (auto mismatch =
          echo_mismatch(messages_.opcode, messages_.messages[sent.message], opcode, payload)) {
    run_.fail("connection " + std::to_string(session.index()) + ", message " +
              std::to_string(state.sequence - state.in_flight.size()) + ": " + *mismatch);
    return;
  }
  state.in_flight.pop();
  const Clock::time_point now = run_.now();
  result_->latency.record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent.sent).count()));
  ++result_->messages;
  result_->payload_bytes += payload.size();
  last_echo_ = now;
  if (may_send()) {
    send_next(session);
  } else if (state.in_flight.empty()) {
    session.close();
  }
}

void EchoScenario::on_closed(WsSession& /*session*/) {
  if (++closed_ == plan_.connections) run_.stop_ticks();
}

void EchoScenario::tick(Clock::time_point now) {
  // The server answers connections in turn, so one connection may wait for
  // the messages of all others (64 x 1 MiB compressed takes seconds): what
  // must not happen is that NO echo arrives for a whole timeout.
  const std::uint64_t in_flight = sent_ - result_->messages;
  if (in_flight != 0 && now - last_echo_ > run_.timeout()) {
    run_.fail(
        "no echo arrived for " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - last_echo_).count()) +
        " s (" + std::to_string(in_flight) + " messages in flight)");
    return;
  }
  for (auto& session : sessions_) {
    session->check_deadline(now);
    if (run_.failed()) return;
    // A connection whose last echo came before the deadline, with nothing
    // left to send, is idle: close it now.
    if (session->is_open() && !may_send() && state_[session->index()].in_flight.empty() &&
        opened_ == plan_.connections)
      session->close();
  }
}

void EchoScenario::abort_all() noexcept {
  for (auto& session : sessions_) session->abort();
  run_.stop_ticks();
}

}  // namespace wsx::bench
