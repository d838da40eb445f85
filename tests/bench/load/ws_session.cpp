#include "ws_session.hpp"

#include "core/handshake/http_head.hpp"
#include "rng.hpp"

namespace wsx::bench {

WsSession::WsSession(RunContext& run, const SessionSetup& setup, SessionObserver& observer,
                     std::uint32_t index)
    : SocketDriver(run), setup_(setup), observer_(observer), index_(index) {}

void WsSession::start(std::uint64_t seed) {
  seed_ = seed;
  phase_ = Phase::connecting;
  started_at_ = run().refresh_now();
  deadline_ = started_at_ + run().timeout();
  request_written_ = 0;
  response_.clear();
  connection_.reset();
  negotiated_.clear();
  close_received_ = false;
  connect(setup_.endpoint);
}

void WsSession::handle_connected() {
  Rng nonce_rng(derive_seed(seed_, 0x4b4559));  // "KEY"
  request_ = core::build_client_request(setup_.handshake, setup_.factories,
                                        [&nonce_rng](std::span<std::uint8_t, 16> nonce) {
                                          for (auto& byte : nonce)
                                            byte = static_cast<std::uint8_t>(nonce_rng.next());
                                        });
  if (!request_.ok()) {
    fail("cannot build the handshake request: " + *request_.error);
    return;
  }
  phase_ = Phase::handshaking;
  deadline_ = run().now() + run().timeout();
  flush();
  read_now();
}

std::span<const std::uint8_t> WsSession::output() {
  if (phase_ == Phase::handshaking) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(request_.bytes.data());
    return {bytes + request_written_, request_.bytes.size() - request_written_};
  }
  if (connection_) return connection_->pending_output();
  return {};
}

void WsSession::consume(std::size_t bytes) {
  if (phase_ == Phase::handshaking)
    request_written_ += bytes;
  else if (connection_)
    connection_->consume_output(bytes);
}

void WsSession::handle_bytes(std::span<std::uint8_t> bytes) {
  if (phase_ == Phase::handshaking) {
    handle_handshake_bytes(bytes);
    return;
  }
  if (!connection_ || (phase_ != Phase::open && phase_ != Phase::closing)) return;
  in_receive_ = true;
  connection_->receive(bytes, *this);
  in_receive_ = false;
  if (phase_ == Phase::done) return;
  flush();
}

void WsSession::handle_handshake_bytes(std::span<std::uint8_t> bytes) {
  response_.insert(response_.end(), bytes.begin(), bytes.end());
  core::ClientHandshake handshake = core::client_handshake(response_, request_, setup_.factories);
  if (handshake.state == core::HandshakeState::need_more) return;
  if (handshake.state == core::HandshakeState::rejected) {
    fail("handshake rejected (status " + std::to_string(handshake.status) +
         "): " + handshake.reason);
    return;
  }
  if (request_written_ != request_.bytes.size()) {
    fail("the server answered before the whole request was written");
    return;
  }
  if (auto value = core::single_header(handshake.headers, "Sec-WebSocket-Extensions"))
    negotiated_ = std::string(*value);
  // Masking keys from the session's seed: reproducible (see start()).
  connection_.emplace(core::Role::client, std::move(handshake.extensions), setup_.limits,
                      [rng = Rng(derive_seed(seed_, 0x4d41534b))]() mutable {  // "MASK"
                        return static_cast<std::uint32_t>(rng.next());
                      });
  phase_ = Phase::open;
  deadline_ = Clock::time_point::max();
  const std::size_t consumed = handshake.consumed;
  observer_.on_open(*this);
  if (phase_ != Phase::open && phase_ != Phase::closing) return;
  // Frames that came with the response (a server may send at once).
  if (consumed < response_.size()) {
    std::vector<std::uint8_t> rest(response_.begin() + static_cast<std::ptrdiff_t>(consumed),
                                   response_.end());
    handle_bytes(rest);
  }
  response_.clear();
  response_.shrink_to_fit();
}

bool WsSession::send_text(std::span<const std::uint8_t> payload) {
  if (phase_ != Phase::open || !connection_->send_text(payload)) return false;
  if (!in_receive_) flush();
  return true;
}

bool WsSession::send_binary(std::span<const std::uint8_t> payload) {
  if (phase_ != Phase::open || !connection_->send_binary(payload)) return false;
  if (!in_receive_) flush();
  return true;
}

void WsSession::close() {
  if (phase_ != Phase::open) return;
  phase_ = Phase::closing;
  deadline_ = run().now() + run().timeout();
  connection_->close(core::close_code::normal);
  if (!in_receive_) flush();
}

void WsSession::abort() noexcept {
  phase_ = Phase::done;
  close_socket();
}

void WsSession::shrink_when_idle() noexcept {
  if (connection_) connection_->shrink_when_idle();
}

void WsSession::on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  if (phase_ == Phase::open || phase_ == Phase::closing)
    observer_.on_message(*this, opcode, payload);
}

void WsSession::on_close(std::uint16_t code, std::string_view reason) {
  close_received_ = true;
  // A Close we did not ask for ends the benchmark's assumptions.
  if (phase_ == Phase::open)
    fail("the server closed the connection (code " + std::to_string(code) + ", \"" +
         std::string(reason) + "\")");
}

void WsSession::on_protocol_error(std::uint16_t code, std::string_view reason) {
  fail("protocol error " + std::to_string(code) + ": " + std::string(reason));
}

void WsSession::handle_eof(const std::string& what) {
  if (phase_ == Phase::closing && close_received_) {
    finish_closed();
    return;
  }
  fail("the server ended the connection (" + what + ")");
}

void WsSession::handle_error(const std::string& what) {
  fail(what);
}

void WsSession::finish_closed() {
  if (connection_) connection_->receive_eof();
  phase_ = Phase::done;
  close_socket();
  observer_.on_closed(*this);
}

void WsSession::check_deadline(Clock::time_point now) {
  if (phase_ == Phase::idle || phase_ == Phase::done || now < deadline_) return;
  // Section 7.1.1: after the closing handshake the client waits for the
  // server to close TCP, and closes it itself after a while.
  if (phase_ == Phase::closing && close_received_) {
    finish_closed();
    return;
  }
  fail(std::string("timed out while ") + std::string(phase_name()));
}

void WsSession::fail(const std::string& what) {
  if (phase_ == Phase::done) return;
  const std::string text =
      "connection " + std::to_string(index_) + " (" + std::string(phase_name()) + "): " + what;
  abort();
  run().fail(text);
}

std::string_view WsSession::phase_name() const noexcept {
  switch (phase_) {
    case Phase::idle:
      return "not started";
    case Phase::connecting:
      return "connecting";
    case Phase::handshaking:
      return "handshaking";
    case Phase::open:
      return "open";
    case Phase::closing:
      return "closing";
    case Phase::done:
      return "done";
  }
  return "?";
}

bool accepted_every_offer(RunContext& run, const WsSession& session, std::size_t offered) {
  const std::size_t accepted = session.extension_count();
  if (accepted >= offered) return true;
  run.fail("connection " + std::to_string(session.index()) + ": the server accepted " +
           std::to_string(accepted) + " of the " + std::to_string(offered) +
           " extensions offered (Sec-WebSocket-Extensions: \"" + session.negotiated() + "\")");
  return false;
}

}  // namespace wsx::bench
