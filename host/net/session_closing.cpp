// Session: the closing handshake (RFC 6455 section 7), the lingering TCP
// close, the close notice to the application, and the final reap.
#include "net/session_internal.hpp"

#include <boost/asio/post.hpp>

#include <memory>
#include <string>

#include "net/io_thread.hpp"

namespace wsx::net {

void Session::start_closing(std::uint16_t code, std::string_view reason) {
  if (phase_ != SessionPhase::open || !connection_->close(code, reason)) return;
  record_close(code, reason);
  flush();
}

void Session::shut_down() {
  switch (phase_) {
    case SessionPhase::handshake:
      close_socket();
      maybe_reap();
      break;
    case SessionPhase::open:
      start_closing(core::close_code::going_away, "going away");
      break;
    default:
      break;  // already closing, bounded by close_timeout
  }
}

void Session::abort() {
  record_close(core::close_code::abnormal_closure, "dropped");
  close_socket();
  maybe_reap();
}

void Session::record_close(std::uint16_t code, std::string_view reason) {
  // The first outcome is the one reported (a Close we sent stays the reason
  // even if the peer then drops TCP without answering).
  if (close_record_) return;
  close_record_ = std::make_unique<CloseRecord>(CloseRecord{code, std::string(reason)});
  // Proxy: whatever ended the client's side ends the upstream's (a no-op
  // when the upstream closed first or on_close already passed the code on).
  close_upstream(core::close_code::going_away, "client connection closed");
  // The connection just left OPEN (we sent Close, the peer did, or it
  // failed): the rest of the closing handshake gets close_timeout (7.1.1).
  if (phase_ == SessionPhase::open) {
    enter(SessionEvent::close_begun);
    arm_close_deadline();
  }
}

void Session::arm_close_deadline() {
  TimerWheel& wheel = thread_.wheel();
  phase_deadline_tick_ =
      wheel.now_tick() + wheel.to_ticks(thread_.settings()->limits.close_timeout);
  schedule_next_timeout();
}

void Session::linger() {
  if (!next_phase(phase_, SessionEvent::transport_done)) return;
  enter(SessionEvent::transport_done);
  // The WebSocket is closed; only TCP's teardown is left, which the
  // application need not wait for.
  post_close_notice();
  handshake_.reset();
  boost::system::error_code error;
  // TLS: close_notify before the FIN (RFC 8446 section 6.1), so the peer
  // tells our end from a truncation attack; best effort, one send.
  if (tls_ && !write_pending_) {
    tls_->shutdown();
    const std::span<const std::uint8_t> records = tls_->pending();
    if (!records.empty()) tls_->consume(socket_.send(records, 0, error));
    error.clear();
  }
  // Send FIN but keep reading: closing with unread input would make the
  // kernel answer with RST, which can destroy our last frame (or HTTP
  // response) before the peer reads it.
  socket_.shutdown_send(error);
  if (error || nothing_more_to_read()) {
    close_socket();
    maybe_reap();
    return;
  }
  if (connection_) connection_->shrink_when_idle();
  arm_close_deadline();
  if (paused_) {
    paused_ = false;
    resume_reading();
  }
}

bool Session::nothing_more_to_read() {
  // A clean closing handshake (RFC 6455 section 7.1.2): the peer's Close
  // was its last frame (section 5.5.1: nothing may follow it), and we have
  // read up to it. Only its FIN is still to come, which the kernel can take
  // for a closed socket as well; waiting for it would cost this thread a
  // wake-up, a read and a close per connection. We still close TCP first
  // (section 7.1.1): our FIN is out, so the TIME_WAIT stays on our side.
  // After a failure (section 7.1.7) the peer may still be sending: reading
  // on until its FIN keeps our Close from being lost to a reset.
  if (phase_ != SessionPhase::lingering || !connection_ || connection_->failure() ||
      connection_->state() != core::State::closed)
    return false;
  boost::system::error_code error;
  // Unread bytes would turn close() into a reset (RFC 1122 section 4.2.2.13).
  return socket_.available(error) == 0 && !error;
}

void Session::close_socket() noexcept {
  if (phase_ == SessionPhase::closed) return;
  enter(SessionEvent::socket_closed);
  // Its input buffers go with it (the connection is destroyed at reap).
  server_.release_buffered_input(charged_input_);
  charged_input_ = 0;
  read_pending_ = false;
  write_pending_ = false;
  if (socket_.is_open()) thread_.poller().remove(socket_.fd());
  socket_.close();
  awaiting_upstream_ = false;
  if (upstream_) upstream_->drop();
  TimerWheel::cancel(*this);
  post_close_notice();
}

void Session::post_close_notice() noexcept {
  if (notice_ != CloseNotice::owed) return;
  notice_ = CloseNotice::posted;
  // Posted: the caller may be in the middle of an application callback
  // (e.g. iterating its connections while sending), which must not see
  // on_close re-enter.
  try {
    boost::asio::post(thread_.io(), [thread = &thread_, key = key_] {
      if (Session* session = thread->sessions().find(key)) session->deliver_close_notice();
    });
  } catch (...) {
    // Out of memory: reap() delivers the notice instead.
  }
}

void Session::deliver_close_notice() {
  if (notice_ != CloseNotice::owed && notice_ != CloseNotice::posted) return;
  notice_ = CloseNotice::delivered;
  log_close();
  const CloseRecord fallback{core::close_code::abnormal_closure, "connection lost"};
  const CloseRecord& record = close_record_ ? *close_record_ : fallback;
  thread_.metrics().connections_closed[metrics::close_code_slot(record.code)].add();
  call_application("on_close", [&] {
    if (server_.handlers().on_close)
      server_.handlers().on_close(handle(), record.code, record.reason);
  });
}

void Session::maybe_reap() {
  if (phase_ != SessionPhase::closed || reap_posted_) return;
  reap_posted_ = true;
  // Posted, like the close notice (posted earlier, so delivered first).
  boost::asio::post(thread_.io(), [thread = &thread_, key = key_] {
    if (Session* session = thread->sessions().find(key)) session->reap();
  });
}

void Session::reap() {
  ServerContext& server = server_;
  IoThread& thread = thread_;
  if (notice_ == CloseNotice::owed || notice_ == CloseNotice::posted) {
    deliver_close_notice();
  } else if (notice_ == CloseNotice::not_owed) {
    server.logger().write_lazy(LogLevel::debug, [&] {
      return "disconnect peer=" + peer_text() + " (no WebSocket opened)";
    });
  }
  server.release_connection();
  thread.sessions().erase(key_);  // destroys *this
  server.maybe_finish(thread);
}

void Session::log_close() const {
  server_.logger().write_lazy(LogLevel::info, [&] {
    const std::uint16_t code =
        close_record_ ? close_record_->code : core::close_code::abnormal_closure;
    const std::string_view reason = close_record_ ? std::string_view(close_record_->reason)
                                                  : std::string_view("connection lost");
    // Bytes on the wire (TLS records and the handshake included) and what
    // was negotiated: what an operator needs to tell a chatty connection
    // from a compressed one without the metrics endpoint.
    const std::string extensions = connection_ ? connection_->extensions().header_value() : "";
    return "close peer=" + peer_text() + " code=" + std::to_string(code) +
           " reason=" + log_quoted(reason) +
           " duration=" + duration_text(std::chrono::steady_clock::now() - opened_at_) +
           " bytes_in=" + std::to_string(bytes_in_) + " bytes_out=" + std::to_string(bytes_out_) +
           " extensions=" + log_quoted(extensions);
  });
}

}  // namespace wsx::net
