#include "socket_driver.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <sys/epoll.h>

namespace wsx::bench {

namespace {

// Reads per wakeup before yielding to other connections (fairness); the rest
// is read after a post, not after a wait, since epoll is edge-triggered.
constexpr int kMaxReadsPerWakeup = 16;

bool would_block(const boost::system::error_code& error) noexcept {
  return error == boost::asio::error::would_block || error == boost::asio::error::try_again;
}

}  // namespace

SocketDriver::SocketDriver(RunContext& run)
    : run_(run), id_(run.enrol(*this)), connecting_(run.io()) {}

SocketDriver::~SocketDriver() {
  close_socket();
  run_.leave(id_);
}

void SocketDriver::connect(const boost::asio::ip::tcp::endpoint& endpoint) {
  close_socket();
  ++generation_;
  active_ = true;
  peer_done_ = false;
  boost::system::error_code error;
  connecting_.open(endpoint.protocol(), error);
  if (error) {
    handle_error("socket: " + error.message());
    return;
  }
  connecting_.async_connect(
      endpoint, [this, generation = generation_](const boost::system::error_code& connect_error) {
        if (generation != generation_ || !active_) return;
        if (connect_error) {
          handle_error("connect: " + connect_error.message());
          return;
        }
        boost::system::error_code ignored;
        connecting_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        boost::system::error_code released;
        const int fd = connecting_.release(released);
        if (released) {
          handle_error("release: " + released.message());
          return;
        }
        socket_ = net::NativeSocket(fd);
        if (!run_.watch(socket_.fd(), id_, generation_)) {
          socket_.close();
          handle_error("epoll_ctl: cannot watch the socket");
          return;
        }
        if (const TlsContextPtr& context = run_.tls()) {
          tls_ = std::make_unique<net::TlsStream>(context, net::TlsRole::client);
          (void)tls_->handshake();  // the ClientHello
          flush();
          read_now();
          return;
        }
        handle_connected();
      });
}

void SocketDriver::close_socket() noexcept {
  if (!active_) return;
  active_ = false;
  read_armed_ = false;
  write_armed_ = false;
  ++generation_;
  boost::system::error_code ignored;
  connecting_.close(ignored);  // a connect in flight completes as aborted
  if (socket_.is_open()) {
    run_.unwatch(socket_.fd());
    socket_.close();
  }
  tls_.reset();
}

void SocketDriver::on_socket_events(std::uint32_t generation, std::uint32_t events) {
  if (generation != generation_ || !active_ || !socket_.is_open()) return;
  // A FIN that came with the last bytes raises no edge of its own: after
  // it, a short read no longer means the socket is empty.
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) peer_done_ = true;
  if (write_armed_ && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
    write_armed_ = false;
    flush();  // a socket error surfaces as the write's error
  }
  if (generation == generation_ && active_ && read_armed_ &&
      (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) {
    read_armed_ = false;
    read_now();
  }
}

void SocketDriver::flush() {
  if (tls_)
    flush_tls();
  else
    flush_plain();
}

bool SocketDriver::send_some(std::span<const std::uint8_t> bytes, std::size_t& sent) {
  boost::system::error_code error;
  sent = socket_.send(bytes, 0, error);
  if (would_block(error)) {
    arm_write();
    return false;
  }
  if (error) {
    handle_error("write: " + error.message());
    return false;
  }
  return true;
}

void SocketDriver::flush_plain() {
  // Each pass writes some bytes or returns, and output() is finite.
  while (active_ && !write_armed_ && socket_.is_open()) {
    const std::span<const std::uint8_t> out = output();
    if (out.empty()) return;
    std::size_t n = 0;
    if (!send_some(out, n)) return;
    consume(n);
  }
}

void SocketDriver::flush_tls() {
  // Records made earlier go first; plaintext is encrypted only once they
  // are out, so at most one flush of ciphertext waits behind a full socket.
  while (active_ && !write_armed_ && socket_.is_open()) {
    if (tls_->pending_size() != 0) {
      std::size_t n = 0;
      if (!send_some(tls_->pending(), n)) return;
      tls_->consume(n);
      continue;
    }
    if (!tls_->handshake_done()) return;
    const std::span<const std::uint8_t> out = output();
    if (out.empty()) return;
    if (!tls_->write(out)) {
      handle_error(tls_->error());
      return;
    }
    consume(out.size());
  }
}

bool SocketDriver::drain_tls() {
  const std::uint32_t generation = generation_;
  if (!tls_->handshake_done()) {
    const net::TlsStream::Status status = tls_->handshake();
    flush();  // our next flight, or an alert
    if (generation != generation_ || !active_) return false;
    if (status == net::TlsStream::Status::want_more) return true;
    if (status != net::TlsStream::Status::ok) {
      handle_error(tls_->error());
      return false;
    }
    run_.note_tls(tls_->negotiated());
    handle_connected();
    if (generation != generation_ || !active_) return false;
  }
  for (;;) {
    const std::span<std::uint8_t> buffer = run_.read_buffer();  // the ciphertext was copied
    std::size_t n = 0;
    switch (tls_->read(buffer, n)) {
      case net::TlsStream::Status::ok:
        handle_bytes(buffer.first(n));
        if (generation != generation_ || !active_) return false;
        continue;
      case net::TlsStream::Status::want_more:
        // TLS 1.3 may owe the server a record (a KeyUpdate answer).
        if (tls_->pending_size() != 0) flush();
        return generation == generation_ && active_;
      case net::TlsStream::Status::closed:
        handle_eof("tls close_notify");
        return false;
      case net::TlsStream::Status::failed:
        handle_error(tls_->error());
        return false;
    }
  }
}

// Edge-triggered: the write that got here would have blocked, so the poller
// reports output readiness once there is room again.
void SocketDriver::arm_write() {
  write_armed_ = true;
}

// Edge-triggered: the read that got here emptied the socket, so the next
// byte raises a new event.
void SocketDriver::arm_read() {
  if (active_) read_armed_ = true;
}

void SocketDriver::read_now() {
  const std::uint32_t generation = generation_;
  for (int round = 0; round < kMaxReadsPerWakeup; ++round) {
    if (generation != generation_ || !active_ || read_armed_ || !socket_.is_open()) return;
    const std::span<std::uint8_t> buffer = run_.read_buffer();
    boost::system::error_code error;
    const std::size_t n = socket_.read_some(buffer, error);
    if (would_block(error)) {
      arm_read();
      return;
    }
    if (error) {
      handle_eof(error == boost::asio::error::eof ? std::string("end of stream")
                                                  : "read: " + error.message());
      return;
    }
    run_.refresh_now();
    if (tls_) {
      tls_->feed(buffer.first(n));
      if (!drain_tls()) return;
    } else {
      handle_bytes(buffer.first(n));
    }
    if (generation != generation_ || !active_) return;
    // A short read emptied the socket; any later byte raises a new edge,
    // which the poller reports once we return (unless the FIN is in).
    if (n < buffer.size() && !peer_done_) {
      arm_read();
      return;
    }
  }
  boost::asio::post(run_.io(), [this, generation] {
    if (generation == generation_ && active_) read_now();
  });
}

}  // namespace wsx::bench
