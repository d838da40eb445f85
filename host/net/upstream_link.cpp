#include "net/upstream_link.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <sys/epoll.h>

#include <array>
#include <utility>

#include "core/close/close_status.hpp"
#include "net/io_thread.hpp"
#include "net/session.hpp"
#include "net/upstream_connect.hpp"

namespace wsx::net {
namespace {

// As Session: a few reads per wake-up, so one busy upstream cannot starve
// the thread's other connections.
constexpr int kMaxReadsPerWakeup = 4;

[[nodiscard]] bool would_block(const boost::system::error_code& error) noexcept {
  return error == boost::asio::error::would_block || error == boost::asio::error::try_again;
}

}  // namespace

UpstreamLink::UpstreamLink(IoThread& thread, Peer& peer, std::uint64_t token,
                           core::ConnectionLimits limits, std::size_t drain_below)
    : thread_(thread), peer_(peer), token_(token), limits_(limits), drain_below_(drain_below) {}

UpstreamLink::~UpstreamLink() {
  close_socket();
}

void UpstreamLink::start(const boost::asio::ip::tcp::endpoint& endpoint,
                         core::ClientRequest request, const core::FactoryList& factories) {
  request_ = std::move(request);
  factories_ = &factories;
  boost::system::error_code error;
  socket_ = start_connect(endpoint, error);
  if (error) {
    fail(UpstreamFailure::refused, 0, "upstream connect failed: " + error.message());
    return;
  }
  if (!thread_.poller().add(socket_.fd(), token_)) {
    fail(UpstreamFailure::refused, 0, "cannot watch the upstream socket");
    return;
  }
  // Registering raises an event at once if the connect already completed;
  // otherwise EPOLLOUT (or EPOLLERR) reports its outcome.
  write_pending_ = true;
}

void UpstreamLink::on_socket_events(std::uint32_t events) {
  if (stage_ == Stage::done) return;
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) peer_done_ = true;
  if (stage_ == Stage::connecting) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    if (const boost::system::error_code error = connect_result(socket_)) {
      fail(UpstreamFailure::refused, 0, "upstream connect failed: " + error.message());
      return;
    }
    stage_ = Stage::handshake;
    write_pending_ = false;
    read_pending_ = true;
    peer_.upstream_connected();
    flush();
    if (stage_ == Stage::done) return;
  }
  if (write_pending_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
    write_pending_ = false;
    flush();
  }
  if (read_pending_ && stage_ != Stage::done &&
      (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) {
    read_pending_ = false;
    read();
  }
}

void UpstreamLink::read() {
  for (int round = 0; round < kMaxReadsPerWakeup; ++round) {
    if (stage_ == Stage::done || stage_ == Stage::connecting || !reading_) return;
    // Frames held back by back-pressure (pause_input) go before anything
    // new: the socket may hold nothing more to raise an edge.
    if (stage_ == Stage::open && connection_->has_held_input()) {
      handle_bytes({});
      continue;
    }
    if (read_pending_) return;
    const std::span<std::uint8_t> buffer = thread_.read_buffer();
    boost::system::error_code error;
    const std::size_t n = socket_.read_some(buffer, error);
    if (would_block(error)) {
      read_pending_ = true;
      return;
    }
    if (error) {
      handle_eof();
      return;
    }
    handle_bytes(buffer.first(n));
    if (n < buffer.size() && !peer_done_) {
      if (stage_ != Stage::done) read_pending_ = true;
      return;
    }
  }
  post_read();
}

void UpstreamLink::post_read() {
  boost::asio::post(thread_.io(), [thread = &thread_, token = token_] {
    if (Session* session = thread->sessions().find(Session::key_from_upstream_token(token)))
      session->resume_upstream();
  });
}

void UpstreamLink::handle_bytes(std::span<std::uint8_t> bytes) {
  if (stage_ == Stage::handshake) {
    handle_response_bytes(bytes);
    return;
  }
  if (stage_ != Stage::open) return;
  in_receive_ = true;
  connection_->receive(bytes, *this);
  in_receive_ = false;
  flush();
  if (stage_ != Stage::done) peer_.upstream_batch_done();
}

void UpstreamLink::handle_response_bytes(std::span<std::uint8_t> bytes) {
  response_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  core::ClientHandshake result =
      core::client_handshake(std::string_view(response_), request_, *factories_);
  if (result.state == core::HandshakeState::need_more) return;
  if (result.state == core::HandshakeState::rejected) {
    // A status other than 101 is a refusal; a 101 (or garbage) that fails
    // the section 4.1 checks is an invalid answer.
    const bool refused = result.status != 0 && result.status != 101;
    fail(refused ? UpstreamFailure::rejected : UpstreamFailure::invalid_response, result.status,
         "upstream refused the WebSocket: " + result.reason);
    return;
  }
  std::string leftover = response_.substr(result.consumed);
  response_ = std::string();
  request_ = core::ClientRequest();
  connection_.emplace(core::Role::client, std::move(result.extensions), limits_);
  connection_->share_chain_scratch(thread_.chain_scratch());
  // Frames go on to the client one by one, never assembled.
  connection_->stream_messages();
  stage_ = Stage::open;
  peer_.upstream_accepted(result.subprotocol);
  // Frames the upstream sent right behind its 101.
  if (!leftover.empty() && stage_ == Stage::open)
    handle_bytes({reinterpret_cast<std::uint8_t*>(leftover.data()), leftover.size()});
}

void UpstreamLink::handle_eof() {
  if (stage_ == Stage::handshake) {
    fail(UpstreamFailure::invalid_response, 0, "upstream closed before answering");
    return;
  }
  if (connection_) connection_->receive_eof();
  close_socket();
  if (!close_reported_) {
    close_reported_ = true;
    peer_.upstream_closed(false, core::close_code::abnormal_closure, "upstream connection lost");
  }
}

void UpstreamLink::fail(UpstreamFailure failure, unsigned status, std::string_view reason) {
  close_socket();
  peer_.upstream_failed(failure, status, reason);
}

bool UpstreamLink::is_open() const noexcept {
  return stage_ == Stage::open && connection_->state() == core::State::open;
}

bool UpstreamLink::send_fragment(std::uint8_t message_opcode, bool first, bool fin,
                                 std::span<const std::uint8_t> payload, bool defer_flush) {
  if (!is_open()) return false;
  const bool queued = connection_->send_fragment(message_opcode, first, fin, payload);
  if (!queued) {
    if (const auto& failure = connection_->failure()) {
      if (!close_reported_) {
        close_reported_ = true;
        peer_.upstream_closed(false, failure->code, failure->reason);
      }
    }
  }
  if (!defer_flush) flush();
  if (pending_bytes() >= drain_below_ * 2) was_full_ = true;
  return queued;
}

void UpstreamLink::close(std::uint16_t code, std::string_view reason) {
  if (!is_open()) return;
  if (!core::is_sendable_close_code(code) && code != core::close_code::no_status_received)
    code = core::close_code::going_away;
  connection_->close(code, reason);
  flush();
}

std::size_t UpstreamLink::pending_bytes() const noexcept {
  std::size_t bytes = connection_ ? connection_->pending_output_size() : 0;
  if (stage_ == Stage::handshake) bytes += request_.bytes.size() - request_written_;
  return bytes;
}

void UpstreamLink::set_reading(bool on) {
  if (reading_ == on) return;
  reading_ = on;
  // Edge-triggered: bytes that arrived while paused raise no new event.
  if (on && !read_pending_) post_read();
}

void UpstreamLink::flush() {
  if (stage_ == Stage::done || stage_ == Stage::connecting || in_receive_ || write_pending_) return;
  for (;;) {
    std::array<std::span<const std::uint8_t>, 1 + core::ConnectionOutput::max_segments> segments;
    std::size_t count = 0;
    std::size_t request_left = 0;
    if (stage_ == Stage::handshake && request_written_ < request_.bytes.size()) {
      request_left = request_.bytes.size() - request_written_;
      segments[count++] = {
          reinterpret_cast<const std::uint8_t*>(request_.bytes.data()) + request_written_,
          request_left};
    }
    if (connection_) {
      count += connection_->gather_output(
          std::span<std::span<const std::uint8_t>, core::ConnectionOutput::max_segments>(
              segments.data() + count, core::ConnectionOutput::max_segments));
    }
    if (count == 0) break;
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) total += segments[i].size();
    boost::system::error_code error;
    const std::size_t n = socket_.send_gathered({segments.data(), count}, 0, error);
    if (error && !would_block(error)) {
      if (stage_ == Stage::handshake) {
        fail(UpstreamFailure::refused, 0, "upstream write failed: " + error.message());
        return;
      }
      if (connection_) connection_->receive_eof();
      close_socket();
      if (!close_reported_) {
        close_reported_ = true;
        peer_.upstream_closed(false, core::close_code::abnormal_closure,
                              "upstream write failed: " + error.message());
      }
      return;
    }
    const std::size_t to_request = std::min(n, request_left);
    request_written_ += to_request;
    if (n > to_request) connection_->consume_output(n - to_request);
    if (error || n < total) {
      write_pending_ = true;
      break;
    }
  }
  if (was_full_ && pending_bytes() < drain_below_) {
    was_full_ = false;
    peer_.upstream_drained();
  }
}

void UpstreamLink::drop() noexcept {
  if (stage_ == Stage::done) return;
  try {
    flush();
  } catch (...) {
    // Out of memory while writing the last frames: close anyway.
  }
  boost::system::error_code ignored;
  socket_.shutdown_send(ignored);
  // Unread input would turn close() into a reset that can destroy the Close
  // frame just written (RFC 1122 section 4.2.2.13): read out what is there.
  // A buffer of its own: drop() may run while the thread's read buffer holds
  // the client bytes being processed.
  std::array<std::uint8_t, 2048> discard;
  for (int round = 0; round < kMaxReadsPerWakeup; ++round) {
    boost::system::error_code error;
    const std::size_t n = socket_.read_some(discard, error);
    if (error || n == 0) break;
  }
  close_socket();
}

void UpstreamLink::close_socket() noexcept {
  stage_ = Stage::done;
  read_pending_ = false;
  write_pending_ = false;
  if (socket_.is_open()) {
    thread_.poller().remove(socket_.fd());
    socket_.close();
  }
}

// --- core::ConnectionHandler --------------------------------------------------

void UpstreamLink::on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  // Not reached: the connection streams (stream_messages), but a message
  // is its own single fragment.
  peer_.upstream_fragment(opcode, true, true, payload);
}

void UpstreamLink::on_fragment(std::uint8_t message_opcode, bool first, bool fin,
                               std::span<const std::uint8_t> payload) {
  // The peer says stop when the client's queue is full: the frames behind
  // this one wait in the connection (the upstream's inflated frames could
  // otherwise queue far more than one read's worth).
  if (!peer_.upstream_fragment(message_opcode, first, fin, payload)) connection_->pause_input();
}

void UpstreamLink::on_close(std::uint16_t code, std::string_view reason) {
  if (close_reported_) return;
  close_reported_ = true;
  peer_.upstream_closed(true, code, reason);
}

void UpstreamLink::on_protocol_error(std::uint16_t code, std::string_view reason) {
  if (close_reported_) return;
  close_reported_ = true;
  peer_.upstream_closed(false, code, reason);
}

}  // namespace wsx::net
