#include "raw_echo_scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "rng.hpp"

namespace wsx::bench {

// --- RawConnection ------------------------------------------------------------

RawConnection::RawConnection(RunContext& run, RawEchoScenario& scenario, const SessionSetup& setup,
                             core::ExtensionChain chain, std::uint32_t index, std::uint64_t seed)
    : SocketDriver(run),
      scenario_(scenario),
      setup_(setup),
      index_(index),
      // The same keys as WsSession draws for this connection (ws_session.cpp).
      encoder_(core::Role::client, std::move(chain), setup.limits,
               [rng = Rng(derive_seed(seed, 0x4d41534b))]() mutable {  // "MASK"
                 return static_cast<std::uint32_t>(rng.next());
               }),
      in_flight_(1) {}

void RawConnection::start() {
  deadline_ = run().refresh_now() + run().timeout();
  connect(setup_.endpoint);
}

void RawConnection::handle_connected() {
  open_ = true;
  deadline_ = Clock::time_point::max();
  read_now();
  if (active()) scenario_.connected(*this);
}

bool RawConnection::send(std::span<const std::uint8_t> payload, std::uint8_t opcode,
                         std::uint32_t message) {
  const bool framed = opcode == 0x2 ? encoder_.send_binary(payload) : encoder_.send_text(payload);
  if (!framed) return false;
  // Bounded: each pass consumes what pending_output() returned.
  while (encoder_.has_pending_output()) {
    const std::span<const std::uint8_t> frame = encoder_.pending_output();
    sent_.insert(sent_.end(), frame.begin(), frame.end());
    encoder_.consume_output(frame.size());
  }
  if (in_flight_.empty()) deadline_ = run().now() + run().timeout();
  in_flight_.push({message, run().now(), sent_.size()});
  flush();
  return true;
}

std::span<const std::uint8_t> RawConnection::output() {
  return {sent_.data() + written_, sent_.size() - written_};
}

void RawConnection::consume(std::size_t bytes) {
  written_ += bytes;
}

void RawConnection::handle_bytes(std::span<std::uint8_t> bytes) {
  if (verified_ + bytes.size() > written_) {
    fail("the echo server sent " + std::to_string(verified_ + bytes.size() - written_) +
         " bytes more than were sent");
    return;
  }
  // memcmp first: a byte-wise std::mismatch over 1 MiB echoes (--payload
  // large) cost the client more than the server's echo, capping the limit.
  if (std::memcmp(bytes.data(), sent_.data() + verified_, bytes.size()) != 0) {
    const auto differ = std::mismatch(bytes.begin(), bytes.end(),
                                      sent_.begin() + static_cast<std::ptrdiff_t>(verified_));
    fail("echoed byte " + std::to_string(verified_ + (differ.first - bytes.begin())) +
         " differs from the byte sent");
    return;
  }
  verified_ += bytes.size();
  // One message is in flight at a time (as in echo), so when its last byte
  // is back every byte sent is back: the buffer starts over, no copying.
  if (in_flight_.empty() || in_flight_.front().end_offset > verified_) return;
  const InFlight message = in_flight_.front();
  in_flight_.pop();
  sent_.clear();
  written_ = 0;
  verified_ = 0;
  deadline_ = Clock::time_point::max();
  scenario_.echoed(*this, message);
}

void RawConnection::finish() noexcept {
  done_ = true;
  open_ = false;
  close_socket();
}

void RawConnection::check_deadline(Clock::time_point now) {
  if (done_ || now < deadline_) return;
  fail(open_ ? "timed out waiting for the echo" : "timed out connecting");
}

void RawConnection::handle_eof(const std::string& what) {
  fail("the echo server ended the connection (" + what + ")");
}

void RawConnection::handle_error(const std::string& what) {
  fail(what);
}

void RawConnection::fail(const std::string& what) {
  if (done_) return;
  finish();
  run().fail("raw connection " + std::to_string(index_) + ": " + what);
}

// --- RawEchoScenario ----------------------------------------------------------

RawEchoScenario::RawEchoScenario(RunContext& run, const SessionSetup& setup,
                                 const MessageSet& messages, const RawEchoPlan& plan)
    : run_(run),
      messages_(messages),
      plan_(plan),
      throttle_(plan.connections, kConnectWindow,
                [this](std::size_t i) { connections_[i]->start(); }) {
  connections_.reserve(plan_.connections);
  for (std::uint32_t i = 0; i < plan_.connections; ++i)
    connections_.push_back(std::make_unique<RawConnection>(
        run_, *this, setup, plan_.make_chain ? plan_.make_chain() : core::ExtensionChain{}, i,
        connection_seed(plan_.seed, i)));
}

void RawEchoScenario::run(BenchResult& result) {
  result_ = &result;
  run_.on_failure([this] { abort_all(); });
  connect_start_ = run_.refresh_now();
  run_.start_ticks([this](Clock::time_point now) { tick(now); });
  throttle_.fill();
  run_.io().run();
  result.connections = plan_.connections;
  result.seconds =
      std::max(0.0, std::chrono::duration<double>(last_echo_ - traffic_start_).count());
}

void RawEchoScenario::connected(RawConnection& /*connection*/) {
  throttle_.one_done();
  if (++connected_ < plan_.connections) return;
  traffic_start_ = run_.refresh_now();
  last_echo_ = traffic_start_;
  deadline_ = traffic_start_ + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(plan_.duration_s));
  for (auto& each : connections_) {
    if (!may_send()) break;
    send_next(*each);
  }
}

bool RawEchoScenario::may_send() const noexcept {
  return !run_.failed() && sent_ < plan_.max_messages && run_.now() < deadline_;
}

void RawEchoScenario::send_next(RawConnection& connection) {
  const std::uint32_t message = messages_.pick(connection.index(), connection.next_sequence());
  ++sent_;
  if (!connection.send(messages_.messages[message], messages_.opcode, message) && !run_.failed())
    run_.fail("raw connection " + std::to_string(connection.index()) +
              ": the message could not be framed");
}

void RawEchoScenario::echoed(RawConnection& connection, const InFlight& message) {
  const Clock::time_point now = run_.now();
  result_->latency.record(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - message.sent).count()));
  ++result_->messages;
  result_->payload_bytes += messages_.messages[message.message].size();
  last_echo_ = now;
  if (may_send()) {
    send_next(connection);
  } else if (connection.idle()) {
    connection.finish();
    if (++finished_ == plan_.connections) run_.stop_ticks();
  }
}

void RawEchoScenario::tick(Clock::time_point now) {
  for (auto& connection : connections_) {
    connection->check_deadline(now);
    if (run_.failed()) return;
  }
}

void RawEchoScenario::abort_all() noexcept {
  for (auto& connection : connections_) connection->finish();
  run_.stop_ticks();
}

}  // namespace wsx::bench
