// Session: construction, reading, and the core's events. See session.hpp.
#include "net/session_internal.hpp"

#include <boost/asio/post.hpp>

#include <sys/epoll.h>

#include <exception>
#include <string_view>

#include "net/current_connection.hpp"
#include "net/endpoint_text.hpp"
#include "net/io_thread.hpp"

namespace wsx::net {

Session::Session(ServerContext& server, IoThread& thread, Key key, Socket socket, bool over_limit)
    : server_(server),
      thread_(thread),
      handshake_(std::make_unique<HandshakeData>()),
      opened_at_(std::chrono::steady_clock::now()),
      key_(key) {
  handshake_->over_limit = over_limit;
  boost::system::error_code ignored;
  // Frames are written whole, one gathered write per batch; Nagle's delay
  // would only add latency to small messages.
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  peer_ = socket.remote_endpoint(ignored);
  // From here on the descriptor is ours, out of Asio's reactor (see
  // native_socket.hpp). Reads and writes never block the thread: a
  // would-block result means "wait for readiness" (on_readable, flush).
  const int fd = socket.release(ignored);
  socket_ = NativeSocket(ignored ? -1 : fd);
  // The context current at accept time; a reload's new one is for later
  // connections (this session shares ownership of its own).
  if (const TlsContextPtr& tls = thread_.settings()->tls) tls_ = std::make_unique<TlsStream>(tls);
  TimerWheel& wheel = thread_.wheel();
  last_input_tick_ = wheel.now_tick();
  output_progress_tick_ = last_input_tick_;
  phase_deadline_tick_ =
      last_input_tick_ + wheel.to_ticks(thread_.settings()->limits.handshake_timeout);
  schedule_next_timeout();
}

Session::~Session() = default;

ConnectionHandle Session::handle() const noexcept {
  return {thread_.index(), key_.slot, key_.generation};
}

bool Session::is_open() const noexcept {
  return phase_ == SessionPhase::open && connection_ && connection_->state() == core::State::open;
}

void Session::start() {
  if (!socket_.is_open() || !thread_.poller().add(socket_.fd(), token_of(key_))) {
    server_.logger().error("cannot watch a new connection peer=" + peer_text());
    abort();
    return;
  }
  // The request may already be in the socket: read first. (Registering
  // raised an event for it too; with nothing to wait for, it is dropped.)
  on_readable();
}

void Session::enter(SessionEvent event) noexcept {
  if (const auto next = next_phase(phase_, event)) phase_ = *next;
}

void Session::on_socket_events(std::uint32_t events) {
  if (phase_ == SessionPhase::closed) return;
  const core::PeerScope crash_report_peer(peer_.data(), peer_.size());
  // The peer's FIN (or an error) is already in: a short read no longer
  // means the socket is empty, since the end of stream raises no edge of
  // its own once it arrived with the last bytes. Read on until it shows.
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) peer_done_ = true;
  if (write_pending_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
    write_pending_ = false;
    try {
      flush();  // a socket error surfaces as the write's error
    } catch (const std::exception& failure) {
      server_.logger().error("connection error peer=" + peer_text() + ": " + failure.what());
      abort();
      return;
    }
  }
  if (read_pending_ && phase_ != SessionPhase::closed &&
      (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) {
    read_pending_ = false;
    on_readable();  // end of stream and errors surface as the read's result
  }
}

// --- Reading ------------------------------------------------------------------

void Session::wait_readable() {
  // Edge-triggered: the read that got here emptied the socket (it would
  // block, or came back short), so the next byte raises a new event.
  if (phase_ != SessionPhase::closed) read_pending_ = true;
}

void Session::resume_reading() {
  // Posted, never inline: resuming may deliver messages, and the caller may
  // be inside another connection's callback.
  boost::asio::post(thread_.io(), [thread = &thread_, key = key_] {
    if (Session* session = thread->sessions().find(key)) session->on_readable();
  });
}

void Session::on_readable() {
  try {
    // TLS: plaintext already decrypted (or records already fed) when reading
    // paused goes first; the socket may hold nothing new.
    if (tls_ && !paused_ && !read_pending_ && phase_ != SessionPhase::closed && !drain_tls())
      return;
    for (int round = 0; round < kMaxReadsPerWakeup; ++round) {
      if (phase_ == SessionPhase::closed || paused_ || read_pending_ || awaiting_upstream_) return;
      // Proxy: frames held back by back-pressure (pause_input) go before
      // anything new: the socket may hold nothing more to raise an edge.
      if (carries_frames(phase_) && connection_->has_held_input()) {
        if (!handle_input({})) return;
        continue;
      }
      const std::span<std::uint8_t> buffer = thread_.read_buffer();
      boost::system::error_code error;
      const std::size_t n = socket_.read_some(buffer, error);
      if (would_block(error)) {
        wait_readable();
        return;
      }
      if (error) {  // eof, reset
        handle_eof();
        return;
      }
      bytes_in_ += n;
      thread_.metrics().wire_bytes_received.add(n);
      last_input_tick_ = thread_.wheel().now_tick();
      ping_sent_ = false;
      if (shrunk_) {
        shrunk_ = false;
        if (!scheduled()) schedule_next_timeout();
      }
      if (tls_) {
        tls_->feed(buffer.first(n));  // copied: the buffer is free again
        if (!drain_tls()) return;
      } else if (!handle_input(buffer.first(n))) {
        return;
      }
      // A short read emptied the socket. Epoll readiness is edge-triggered,
      // but any byte arriving after this read raises a new edge, which the
      // wait armed here will see (this thread polls only after we return).
      // Not so for a FIN that came with the bytes just read (peer_done_).
      if (n < buffer.size() && !peer_done_) {
        wait_readable();
        return;
      }
    }
    resume_reading();
  } catch (const std::exception& error) {
    in_receive_ = false;
    server_.logger().error("connection error peer=" + peer_text() + ": " + error.what());
    abort();
  }
}

bool Session::handle_input(std::span<std::uint8_t> bytes) {
  switch (phase_) {
    case SessionPhase::handshake:
      handle_handshake_bytes(bytes);
      break;
    case SessionPhase::open:
    case SessionPhase::closing: {
      in_receive_ = true;
      connection_->receive(bytes, *this);
      in_receive_ = false;
      account_buffered_input();
      flush();
      if (upstream_) upstream_->flush();
      // Back-pressure: the peer is not reading what we produce; stop
      // producing (its messages are what the application answers) until the
      // queue drains (flush() resumes).
      apply_back_pressure();
      break;
    }
    case SessionPhase::rejecting:
    case SessionPhase::lingering:
      break;  // discarded: nothing more is owed to the peer
    case SessionPhase::closed:
      return false;
  }
  return phase_ != SessionPhase::closed && !paused_;
}

void Session::account_buffered_input() {
  const std::size_t held = connection_->buffered_input_size();
  if (held <= charged_input_) {
    server_.release_buffered_input(charged_input_ - held);
    charged_input_ = held;
    return;
  }
  const ServerLimits& limits = thread_.settings()->limits;
  if (server_.charge_buffered_input(held - charged_input_, limits.max_buffered_input)) {
    charged_input_ = held;
    return;
  }
  // The server holds as much incomplete input as it may: this connection's
  // read would take it past the bound. It is closed, the others go on.
  // 1013 (try again later, IANA's registry of RFC 6455 section 11.7), not
  // 1009: the message may be within max_message_size, it is the server
  // that is full right now.
  const std::uint64_t refusals = server_.count_buffered_input_refusal();
  server_.logger().write_lazy(LogLevel::warning, [&] {
    return "buffered input limit peer=" + peer_text() + " held=" + std::to_string(held) +
           " total=" + std::to_string(server_.buffered_input()) +
           " limit=" + std::to_string(limits.max_buffered_input) + ": closing with 1013 (" +
           std::to_string(refusals) + " so far)";
  });
  connection_->fail_input(core::close_code::try_again_later, "server busy: buffered input limit");
  record_close(core::close_code::try_again_later, "server busy: buffered input limit");
  server_.release_buffered_input(charged_input_);
  charged_input_ = 0;
}

bool Session::drain_tls() {
  if (!tls_->handshake_done()) {
    const TlsStream::Status status = tls_->handshake();
    flush();  // our next flight (ServerHello..., or an alert)
    if (phase_ == SessionPhase::closed) return false;
    if (status == TlsStream::Status::want_more) return true;
    if (status != TlsStream::Status::ok) {
      if (tls_->plain_http_request()) refuse_plain_http();
      fail_tls(tls_->error());
      return false;
    }
  }
  // Bounded by what was fed: each round consumes one record's plaintext.
  for (;;) {
    const std::span<std::uint8_t> buffer = thread_.read_buffer();
    std::size_t n = 0;
    switch (tls_->read(buffer, n)) {
      case TlsStream::Status::ok:
        if (!handle_input(buffer.first(n))) return false;
        continue;
      case TlsStream::Status::want_more:
        // TLS 1.3 may owe the peer records here (session tickets, a
        // KeyUpdate answer, RFC 8446 section 4.6).
        if (tls_->pending_size() != 0) flush();
        return phase_ != SessionPhase::closed && !paused_;
      case TlsStream::Status::closed:  // close_notify: the peer's end of stream
        handle_eof();
        return false;
      case TlsStream::Status::failed:
        fail_tls(tls_->error());
        return false;
    }
  }
}

void Session::refuse_plain_http() noexcept {
  // What nginx answers (its 497 shown as 400): a client that forgot the
  // "s" in wss:// or https:// learns why, instead of seeing a bare close.
  // Best effort, one send: the socket's buffer is empty this early. Our FIN
  // follows, and the request's bytes have been read, so close() sends no
  // reset that could destroy the answer before the client reads it.
  static constexpr std::string_view kBody = "The plain HTTP request was sent to HTTPS port\n";
  static constexpr std::string_view kResponse =
      "HTTP/1.1 400 Bad Request\r\n"
      "Content-Type: text/plain\r\n"
      "Content-Length: 46\r\n"
      "Connection: close\r\n"
      "\r\n"
      "The plain HTTP request was sent to HTTPS port\n";
  static_assert(kResponse.ends_with(kBody) && kBody.size() == 46);
  boost::system::error_code error;
  (void)socket_.send({reinterpret_cast<const std::uint8_t*>(kResponse.data()), kResponse.size()}, 0,
                     error);
  socket_.shutdown_send(error);
}

void Session::fail_tls(std::string_view reason) {
  if (phase_ == SessionPhase::handshake)
    thread_.metrics().count_handshake(metrics::HandshakeOutcome::tls_failed);
  // A client's problem (plain HTTP or garbage on the TLS port, a refused
  // certificate): counted at info, never a server error.
  server_.logger().write_lazy(
      LogLevel::info, [&] { return "tls error peer=" + peer_text() + ": " + std::string(reason); });
  if (carries_frames(phase_)) record_close(core::close_code::abnormal_closure, reason);
  close_socket();
  maybe_reap();
}

void Session::handle_eof() {
  if (tls_ && !tls_->handshake_done()) {
    fail_tls("connection closed during the tls handshake");
    return;
  }
  if (carries_frames(phase_)) {
    connection_->receive_eof();
    // No Close frame came first: RFC 6455 section 7.1.5 calls this 1006.
    record_close(core::close_code::abnormal_closure, "connection lost");
  }
  close_socket();
  maybe_reap();
}

// --- core::ConnectionHandler --------------------------------------------------

void Session::on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  metrics::ThreadMetrics& metrics = thread_.metrics();
  // One message in kLatencySampleEvery is timed through the application
  // (its sends and their encoding included): reading the clock for every
  // small message would cost more than the metrics may.
  const bool timed =
      (metrics.messages_received.get() & (metrics::ThreadMetrics::kLatencySampleEvery - 1)) == 0;
  metrics.messages_received.add();
  metrics.received_message_size.observe(payload.size(), metrics::kMessageSizeFirstBoundLog2);
  if (upstream_) {
    on_fragment(opcode, true, true, payload);
    return;
  }
  const auto started =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  call_application("on_message", [&] {
    const ServerHandlers& handlers = server_.handlers();
    if (handlers.on_message_here) {
      CurrentConnection here(*this);
      handlers.on_message_here(here, static_cast<MessageType>(opcode), payload);
    } else if (handlers.on_message) {
      handlers.on_message(handle(), static_cast<MessageType>(opcode), payload);
    }
  });
  if (timed) {
    const auto elapsed = std::chrono::steady_clock::now() - started;
    metrics.message_latency.observe(
        static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()),
        metrics::kLatencyFirstBoundLog2);
  }
}

void Session::on_fragment(std::uint8_t message_opcode, bool first, bool fin,
                          std::span<const std::uint8_t> payload) {
  // Proxy: the frame goes on to the upstream as it is decoded (the
  // extension chains on either side are independent negotiations);
  // handle_input flushes the batch.
  if (!upstream_) return;
  upstream_->send_fragment(message_opcode, first, fin, payload, true);
  // Back-pressure between frames, not only between reads: a read of small
  // compressed frames may inflate to far more than the queue allows.
  if (forward_queue_full()) connection_->pause_input();
}

void Session::on_close(std::uint16_t code, std::string_view reason) {
  // Proxy: the client's own code goes upstream (1005 as a Close without one).
  close_upstream(code, reason);
  record_close(code, reason);
}

void Session::on_protocol_error(std::uint16_t code, std::string_view reason) {
  server_.logger().write_lazy(LogLevel::warning, [&] {
    return "protocol error peer=" + peer_text() + " code=" + std::to_string(code) +
           " reason=" + log_quoted(reason);
  });
  record_close(code, reason);
}

std::string Session::peer_text() const {
  return endpoint_text(peer_);
}

}  // namespace wsx::net
