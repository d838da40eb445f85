// Session: writing without blocking, back-pressure, and the application's
// send() and close().
#include "net/session_internal.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "net/io_thread.hpp"

namespace wsx::net {

// --- Writing ------------------------------------------------------------------

std::size_t Session::pending_bytes() const noexcept {
  std::size_t bytes = connection_ ? connection_->pending_output_size() : 0;
  if (handshake_) bytes += handshake_->response.size() - handshake_->written;
  if (tls_) bytes += tls_->pending_size();
  return bytes;
}

void Session::flush() {
  if (phase_ == SessionPhase::closed || in_receive_ || write_pending_) return;
  const bool rejecting = phase_ == SessionPhase::rejecting;
  // Once the closing handshake is done (RFC 6455 section 7.1.1), or for an
  // HTTP error response, what is left is the last thing we send before
  // shutdown (after_flush): see kLastWriteFlags.
  const auto flags =
      rejecting || (connection_ && connection_->should_close_transport()) ? kLastWriteFlags : 0;
  const std::size_t pending_before = pending_bytes();
  if (tls_ ? !flush_tls(flags) : !flush_plain(flags)) return;
  // The 101 is out: free the handshake state.
  if (carries_frames(phase_) && handshake_ && handshake_->written == handshake_->response.size())
    handshake_.reset();
  const std::size_t pending = pending_bytes();
  // The peer took bytes: the stall clock restarts.
  if (pending < pending_before) output_progress_tick_ = thread_.wheel().now_tick();
  watch_backlog();
  const std::size_t half_queue = pause_level();
  // Hysteresis: reading resumes below a quarter of the queue, so a peer
  // that reads slowly does not flip the session at every write.
  if (paused_ && pending < half_queue / 2 &&
      !(upstream_ && upstream_->pending_bytes() >= half_queue)) {
    paused_ = false;
    resume_reading();
  }
  // Proxy: the client has room again for what the upstream sends (the
  // same hysteresis).
  if (upstream_paused_ && pending < half_queue / 2) {
    upstream_paused_ = false;
    upstream_->set_reading(true);
  }
  if (write_pending_) return;
  after_flush();
}

std::size_t Session::gather_plaintext(OutputSegments& segments,
                                      std::size_t& response_left) noexcept {
  std::size_t count = 0;
  response_left = 0;
  if (handshake_ && handshake_->written < handshake_->response.size()) {
    response_left = handshake_->response.size() - handshake_->written;
    segments[count++] = {
        reinterpret_cast<const std::uint8_t*>(handshake_->response.data()) + handshake_->written,
        response_left};
  }
  if (connection_ && phase_ != SessionPhase::rejecting) {
    count += connection_->gather_output(
        std::span<std::span<const std::uint8_t>, core::ConnectionOutput::max_segments>(
            segments.data() + count, core::ConnectionOutput::max_segments));
  }
  return count;
}

void Session::consume_plaintext(std::size_t n, std::size_t response_left) {
  const std::size_t to_response = std::min(n, response_left);
  if (to_response != 0) handshake_->written += to_response;
  if (n > to_response) connection_->consume_output(n - to_response);
}

bool Session::flush_plain(int flags) {
  // One gathered write per pass: the rest of the HTTP response (it precedes
  // every frame), then the connection's frames. A short write means the
  // kernel's buffer is full: edge-triggered, the poller reports EPOLLOUT once
  // it has room, so there is no second call just to learn EAGAIN.
  for (;;) {
    OutputSegments segments;
    std::size_t response_left = 0;
    const std::size_t count = gather_plaintext(segments, response_left);
    if (count == 0) return true;
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += segments[i].size();
    boost::system::error_code error;
    const std::size_t n = socket_.send_gathered({segments.data(), count}, flags, error);
    bytes_out_ += n;
    thread_.metrics().wire_bytes_sent.add(n);
    if (error && !would_block(error)) {
      record_close(core::close_code::abnormal_closure, "write failed: " + error.message());
      close_socket();
      maybe_reap();
      return false;
    }
    consume_plaintext(n, response_left);
    if (error || n < total) {
      wait_writable();
      return true;
    }
  }
}

bool Session::flush_tls(int flags) {
  // Records already made go first; then one gathered batch of plaintext at
  // a time becomes the fewest records (TlsStream::write_gathered; SSL_write
  // into the output BIO never blocks),
  // which leave in one send(). Encrypting only when the previous records
  // are out keeps at most one batch of ciphertext queued behind a slow peer.
  for (;;) {
    const std::span<const std::uint8_t> records = tls_->pending();
    if (!records.empty()) {
      boost::system::error_code error;
      const std::size_t n = socket_.send(records, flags, error);
      bytes_out_ += n;
      thread_.metrics().wire_bytes_sent.add(n);
      if (error && !would_block(error)) {
        record_close(core::close_code::abnormal_closure, "write failed: " + error.message());
        close_socket();
        maybe_reap();
        return false;
      }
      tls_->consume(n);
      if (error || n < records.size()) {
        wait_writable();
        return true;
      }
    }
    // Before the TLS handshake finishes there is no plaintext to send.
    if (!tls_->handshake_done()) return true;
    OutputSegments segments;
    std::size_t response_left = 0;
    const std::size_t count = gather_plaintext(segments, response_left);
    if (count == 0) return true;
    // One gathered batch: the Pong, the frames and (first time) the 101
    // share records instead of one record per segment.
    if (!tls_->write_gathered({segments.data(), count}, thread_.tls_staging())) {
      fail_tls(tls_->error());
      return false;
    }
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += segments[i].size();
    consume_plaintext(total, response_left);
  }
}

void Session::wait_writable() {
  // Edge-triggered: the write that got here would have blocked, so the
  // poller reports EPOLLOUT once the peer's acknowledgements make room.
  if (phase_ != SessionPhase::closed) write_pending_ = true;
}

void Session::after_flush() {
  switch (phase_) {
    case SessionPhase::rejecting:
      linger();
      break;
    case SessionPhase::open:
    case SessionPhase::closing:
      // 7.1.1: once the closing handshake is done (or the connection failed,
      // 7.1.7) the server closes TCP first.
      if (connection_->should_close_transport()) linger();
      break;
    default:
      break;
  }
}

SendResult Session::send(MessageType type, std::span<const std::uint8_t> payload) {
  if (!is_open()) return SendResult::not_open;
  const ServerLimits& limits = thread_.settings()->limits;
  const std::size_t queued = pending_bytes();
  // Outside its own receive batch a connection may not queue past the limit:
  // the peer is too slow (a broadcast target, a client that stopped
  // reading). Inside the batch the app answers what the peer just sent, and
  // reading pauses after it; the hard cap there only stops a decompression
  // bomb from turning one read into unbounded output.
  const std::uint64_t cap =
      in_receive_ ? limits.max_send_queue + limits.max_message_size : limits.max_send_queue;
  if (queued >= cap) {
    drop_slow_peer();
    return SendResult::too_slow;
  }
  const core::PeerScope crash_report_peer(peer_.data(), peer_.size());
  const bool queued_ok = type == MessageType::text ? connection_->send_text(payload)
                                                   : connection_->send_binary(payload);
  shrunk_ = false;
  if (!scheduled()) schedule_next_timeout();
  // flush() may not write now (inside a receive batch, or waiting for
  // EPOLLOUT), so the queue's growth is noted here.
  watch_backlog();
  if (!queued_ok) {
    // An extension failed to encode: the core failed the connection.
    if (const auto& failure = connection_->failure()) {
      server_.logger().write_lazy(LogLevel::warning, [&] {
        return "extension error peer=" + peer_text() + " code=" + std::to_string(failure->code) +
               " reason=" + log_quoted(failure->reason);
      });
      record_close(failure->code, failure->reason);
    }
    flush();
    return SendResult::not_open;
  }
  thread_.metrics().messages_sent.add();
  thread_.metrics().sent_message_size.observe(payload.size(), metrics::kMessageSizeFirstBoundLog2);
  flush();
  return SendResult::sent;
}

std::size_t Session::pause_level() const noexcept {
  return thread_.settings()->limits.max_send_queue / 2;
}

void Session::watch_backlog() {
  const bool backed_up = carries_frames(phase_) && pending_bytes() >= pause_level();
  if (backed_up == backed_up_) return;
  backed_up_ = backed_up;
  if (!backed_up) return;
  // The stall clock starts at the crossing: a peer that then takes nothing
  // for close_timeout is closed with 1008 (session_timeout_policy.cpp),
  // whatever idle_timeout is. The timer may be set for later (idle,
  // keepalive): set it again.
  output_progress_tick_ = thread_.wheel().now_tick();
  schedule_next_timeout();
}

void Session::apply_back_pressure() {
  if (!carries_frames(phase_)) return;
  // The step below the limit: stop reading from a peer whose queue is half
  // full (what it sends is what the application answers), so the queue
  // stops growing and the kernel pushes back on the peer instead. If it
  // then takes nothing for close_timeout, the timer closes it with 1008,
  // as at the limit itself (watch_backlog armed that timer).
  if (!paused_ && (pending_bytes() >= pause_level() || forward_queue_full())) paused_ = true;
}

void Session::drop_slow_peer() {
  if (!is_open()) return;  // already closing: close_timeout bounds it
  thread_.metrics().slow_reader_closes.add();
  server_.logger().write_lazy(LogLevel::warning, [&] {
    return "slow peer peer=" + peer_text() + " queued=" + std::to_string(pending_bytes()) +
           " limit=" + std::to_string(thread_.settings()->limits.max_send_queue) +
           ": closing with 1008";
  });
  // The Close goes out ahead of the backlog (RFC 6455 section 7.4.1: 1008,
  // a policy violation): what is queued behind the frame being written is
  // dropped, so the peer sees the Close as soon as it reads what the kernel
  // already holds. It then has close_timeout to answer before TCP is
  // dropped (start_closing arms it), like every closing handshake.
  connection_->discard_unsent_output();
  start_closing(core::close_code::policy_violation, "send queue full");
  // Read again: the peer's Close (or its FIN) is what ends this early.
  if (paused_) {
    paused_ = false;
    resume_reading();
  }
}

SendResult Session::close(std::uint16_t code, std::string_view reason) {
  if (!is_open()) return SendResult::not_open;
  start_closing(code, reason);
  return SendResult::sent;
}

}  // namespace wsx::net
