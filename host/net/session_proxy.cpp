// Session: the proxy app's side (net/proxy_route.hpp). The client's accepted
// handshake opens one upstream connection (net/upstream_link.hpp) on this
// thread; the client gets its 101 only once the upstream sent its own, or
// the HTTP status of the upstream's failure (502/503/504) instead. Then
// messages pass both ways, each side with its own extension chain, and
// each side's queue limits the other side's reads.
#include "net/session_internal.hpp"

#include <sys/random.h>

#include <random>

#include "core/handshake/handshake.hpp"
#include "core/handshake/http_response.hpp"
#include "net/io_thread.hpp"

namespace wsx::net {
namespace {

// RFC 6455 section 4.1 item 7 and 10.3: the upstream request's key must be
// unpredictable. getrandom() cannot fail for 16 bytes once the kernel's pool
// is ready; random_device is the fallback for a kernel without it.
void fill_nonce(std::span<std::uint8_t, 16> nonce) {
  if (::getrandom(nonce.data(), nonce.size(), 0) == static_cast<ssize_t>(nonce.size())) return;
  std::random_device entropy;
  for (std::uint8_t& byte : nonce) byte = static_cast<std::uint8_t>(entropy());
}

}  // namespace

void Session::begin_upstream(core::ServerHandshake accepted, std::string leftover) {
  const ProxyRoute& route = *server_.proxy();
  core::ClientRequest request = core::build_client_request(
      route.request_for(accepted.request, peer_.address()), route.factories, fill_nonce);
  if (!request.ok()) {
    const std::string reason = "cannot build the upstream request: " + *request.error;
    reject_handshake(502, reason, core::build_error_response(502, "Bad Gateway"));
    return;
  }
  handshake_->upgrade.emplace(std::move(accepted));
  handshake_->leftover = std::move(leftover);
  awaiting_upstream_ = true;
  const ServerLimits& limits = thread_.settings()->limits;
  UpstreamLink::Peer& peer = *this;  // a private base: converted here
  upstream_ = std::make_unique<UpstreamLink>(
      thread_, peer, token_of(key_) | kUpstreamTokenBit,
      core::ConnectionLimits{limits.max_message_size, limits.max_frame_size},
      limits.max_send_queue / 2);
  if (route.tls) upstream_->use_tls(route.tls, route.server_name);
  // The client's handshake deadline becomes the upstream's: connect_timeout
  // now, handshake_timeout once connected (upstream_connected).
  TimerWheel& wheel = thread_.wheel();
  phase_deadline_tick_ = wheel.now_tick() + wheel.to_ticks(route.connect_timeout);
  schedule_next_timeout();
  upstream_->start(route.upstream, std::move(request), route.factories);
}

void Session::upstream_connected() {
  TimerWheel& wheel = thread_.wheel();
  phase_deadline_tick_ = wheel.now_tick() + wheel.to_ticks(server_.proxy()->handshake_timeout);
  schedule_next_timeout();
}

void Session::upstream_accepted(const std::optional<std::string>& subprotocol) {
  if (!awaiting_upstream_) return;
  awaiting_upstream_ = false;
  core::ServerHandshake accepted = std::move(*handshake_->upgrade);
  handshake_->upgrade.reset();
  std::string leftover = std::move(handshake_->leftover);
  // The upstream chose among the client's own offer (RFC 6455 section
  // 4.2.2 step 5.4, checked by the client half): its choice is the client's.
  accepted.subprotocol = subprotocol;
  std::string response =
      core::build_switching_protocols_response(core::compute_accept_key(accepted.request.key),
                                               subprotocol, accepted.extensions.header_value());
  open_connection(accepted, std::move(response), std::move(leftover));
  // Reading stopped while the upstream was being reached.
  if (carries_frames(phase_)) resume_reading();
}

void Session::upstream_failed(UpstreamFailure failure, unsigned status, std::string_view reason) {
  if (!awaiting_upstream_) return;
  awaiting_upstream_ = false;
  handshake_->upgrade.reset();
  handshake_->leftover = std::string();
  const unsigned client_status = client_status_for(failure, status);
  server_.logger().write_lazy(LogLevel::info, [&] {
    return "upstream failed peer=" + peer_text() + " status=" + std::to_string(client_status) +
           " reason=" + log_quoted(reason);
  });
  const std::string_view text = client_status == 504   ? "Gateway Timeout"
                                : client_status == 503 ? "Service Unavailable"
                                                       : "Bad Gateway";
  reject_handshake(client_status, reason, core::build_error_response(client_status, text));
}

bool Session::upstream_fragment(std::uint8_t message_opcode, bool first, bool fin,
                                std::span<const std::uint8_t> payload) {
  if (!is_open()) return true;
  const core::PeerScope crash_report_peer(peer_.data(), peer_.size());
  const bool queued = connection_->send_fragment(message_opcode, first, fin, payload);
  shrunk_ = false;
  if (!scheduled()) schedule_next_timeout();
  watch_backlog();
  if (!queued) {
    if (const auto& failure = connection_->failure()) record_close(failure->code, failure->reason);
    flush();
  }
  // The rest of the upstream's read waits (UpstreamLink holds it) once the
  // client is backed up.
  return pending_bytes() < pause_level();
}

void Session::upstream_batch_done() {
  // One gathered write for every message of the upstream's read.
  flush();
  // A client that does not read slows the reads from its upstream: the
  // same back-pressure level as the echo app's reads (pause_level()), and
  // the same slow-reader rule if it then takes nothing (watch_backlog).
  if (phase_ != SessionPhase::closed && upstream_ && pending_bytes() >= pause_level()) {
    upstream_paused_ = true;
    upstream_->set_reading(false);
  }
}

void Session::upstream_closed(bool clean, std::uint16_t code, std::string_view reason) {
  if (awaiting_upstream_) {
    upstream_failed(UpstreamFailure::invalid_response, 0, reason);
    return;
  }
  if (!is_open()) return;
  // RFC 6455 section 7.4.1: the upstream's code passes as received; an
  // upstream that failed or vanished mid-connection is 1014 (bad gateway).
  if (clean) {
    start_closing(code, reason);
  } else {
    server_.logger().write_lazy(LogLevel::info, [&] {
      return "upstream lost peer=" + peer_text() + " reason=" + log_quoted(reason);
    });
    start_closing(core::close_code::bad_gateway, "bad gateway");
  }
}

void Session::upstream_drained() {
  if (paused_ && pending_bytes() < thread_.settings()->limits.max_send_queue / 2) {
    paused_ = false;
    resume_reading();
  }
}

void Session::close_upstream(std::uint16_t code, std::string_view reason) {
  if (upstream_) upstream_->close(code, reason);
}

bool Session::forward_queue_full() const noexcept {
  const std::size_t limit = thread_.settings()->limits.max_send_queue;
  return pending_bytes() >= limit || (upstream_ && upstream_->pending_bytes() >= limit);
}

void Session::on_upstream_events(std::uint32_t events) {
  if (!upstream_) return;
  try {
    upstream_->on_socket_events(events);
  } catch (const std::exception& error) {
    server_.logger().error("upstream error peer=" + peer_text() + ": " + error.what());
    abort();
  }
}

void Session::resume_upstream() {
  if (!upstream_) return;
  try {
    upstream_->read();
  } catch (const std::exception& error) {
    server_.logger().error("upstream error peer=" + peer_text() + ": " + error.what());
    abort();
  }
}

}  // namespace wsx::net
