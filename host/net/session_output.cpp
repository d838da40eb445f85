// Session: writing without blocking, back-pressure, and the application's
// send() and close().
#include "net/session_internal.hpp"

#include <string>

#include "net/io_thread.hpp"

namespace wsx::net {

// --- Writing ------------------------------------------------------------------

std::size_t Session::pending_bytes() const noexcept {
  std::size_t bytes = connection_ ? connection_->pending_output_size() : 0;
  if (handshake_) bytes += handshake_->response.size() - handshake_->written;
  return bytes;
}

void Session::flush() {
  if (phase_ == Phase::closed || in_receive_ || write_pending_) return;
  boost::system::error_code error;
  // The HTTP response precedes every frame.
  if (handshake_ && handshake_->written < handshake_->response.size()) {
    HandshakeData& hs = *handshake_;
    // A rejection (4xx/5xx) is followed by shutdown(): see kLastWriteFlags.
    const auto flags = phase_ == Phase::rejecting ? kLastWriteFlags : 0;
    while (hs.written < hs.response.size()) {
      const std::size_t n =
          socket_.send({reinterpret_cast<const std::uint8_t*>(hs.response.data()) + hs.written,
                        hs.response.size() - hs.written},
                       flags, error);
      if (would_block(error)) {
        wait_writable();
        return;
      }
      if (error) {
        record_close(core::close_code::abnormal_closure, "write failed: " + error.message());
        close_socket();
        maybe_reap();
        return;
      }
      hs.written += n;
    }
  }
  if (phase_ == Phase::open) handshake_.reset();  // the 101 is out: free it all
  if (connection_) {
    // Once the closing handshake is done (RFC 6455 section 7.1.1) what is
    // left to write is the last thing we send before shutdown (after_flush).
    const auto flags =
        phase_ == Phase::open && connection_->should_close_transport() ? kLastWriteFlags : 0;
    while (connection_->has_pending_output()) {
      const std::span<const std::uint8_t> out = connection_->pending_output();
      const std::size_t n = socket_.send(out, flags, error);
      if (would_block(error)) break;
      if (error) {
        record_close(core::close_code::abnormal_closure, "write failed: " + error.message());
        close_socket();
        maybe_reap();
        return;
      }
      connection_->consume_output(n);
    }
    if (paused_ && pending_bytes() < thread_.settings()->limits.max_send_queue / 2) {
      paused_ = false;
      resume_reading();
    }
    if (connection_->has_pending_output()) {
      wait_writable();
      return;
    }
  }
  after_flush();
}

void Session::wait_writable() {
  // Edge-triggered: the write that got here would have blocked, so the
  // poller reports EPOLLOUT once the peer's acknowledgements make room.
  if (phase_ != Phase::closed) write_pending_ = true;
}

void Session::after_flush() {
  switch (phase_) {
    case Phase::rejecting:
      linger();
      break;
    case Phase::open:
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
  const bool queued_ok = type == MessageType::text ? connection_->send_text(payload)
                                                   : connection_->send_binary(payload);
  shrunk_ = false;
  if (!scheduled()) schedule_next_timeout();
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
  flush();
  return SendResult::sent;
}

void Session::drop_slow_peer() {
  server_.logger().write_lazy(LogLevel::warning, [&] {
    return "slow peer peer=" + peer_text() + " queued=" + std::to_string(pending_bytes()) +
           " limit=" + std::to_string(thread_.settings()->limits.max_send_queue) +
           ": closing with 1008";
  });
  record_close(core::close_code::policy_violation, "send queue full");
  // Its queue is full, so a Close frame would never reach it: drop TCP.
  close_socket();
  maybe_reap();
}

SendResult Session::close(std::uint16_t code, std::string_view reason) {
  if (!is_open()) return SendResult::not_open;
  start_closing(code, reason);
  return SendResult::sent;
}

}  // namespace wsx::net
