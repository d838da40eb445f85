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
  // Each pass writes some bytes or returns, and output() is finite.
  while (active_ && !write_armed_ && socket_.is_open()) {
    const std::span<const std::uint8_t> out = output();
    if (out.empty()) return;
    boost::system::error_code error;
    const std::size_t n = socket_.send(out, 0, error);
    if (would_block(error)) {
      arm_write();
      return;
    }
    if (error) {
      handle_error("write: " + error.message());
      return;
    }
    consume(n);
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
    handle_bytes(buffer.first(n));
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
