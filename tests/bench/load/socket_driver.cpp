#include "socket_driver.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace wsx::bench {

namespace {

// Reads per wakeup before yielding to other connections (fairness); the rest
// is read after a post, not after a wait, since epoll is edge-triggered.
constexpr int kMaxReadsPerWakeup = 16;

bool would_block(const boost::system::error_code& error) noexcept {
  return error == boost::asio::error::would_block || error == boost::asio::error::try_again;
}

}  // namespace

SocketDriver::SocketDriver(RunContext& run) : run_(run), socket_(run.io()) {}

void SocketDriver::connect(const boost::asio::ip::tcp::endpoint& endpoint) {
  close_socket();
  ++generation_;
  active_ = true;
  boost::system::error_code error;
  socket_.open(endpoint.protocol(), error);
  if (error) {
    handle_error("socket: " + error.message());
    return;
  }
  socket_.async_connect(
      endpoint, [this, generation = generation_](const boost::system::error_code& connect_error) {
        if (generation != generation_ || !active_) return;
        if (connect_error) {
          handle_error("connect: " + connect_error.message());
          return;
        }
        boost::system::error_code ignored;
        socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        socket_.non_blocking(true, ignored);
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
  socket_.close(ignored);
}

void SocketDriver::flush() {
  // Each pass writes some bytes or returns, and output() is finite.
  while (active_ && !write_armed_) {
    const std::span<const std::uint8_t> out = output();
    if (out.empty()) return;
    boost::system::error_code error;
    const std::size_t n = socket_.write_some(boost::asio::buffer(out.data(), out.size()), error);
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

void SocketDriver::arm_write() {
  write_armed_ = true;
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_write,
                     [this, generation = generation_](const boost::system::error_code& error) {
                       if (generation != generation_ || !active_) return;
                       write_armed_ = false;
                       if (error) {
                         handle_error("waiting to write: " + error.message());
                         return;
                       }
                       flush();
                     });
}

void SocketDriver::arm_read() {
  if (read_armed_ || !active_) return;
  read_armed_ = true;
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                     [this, generation = generation_](const boost::system::error_code& error) {
                       if (generation != generation_ || !active_) return;
                       read_armed_ = false;
                       if (error) {
                         handle_eof("waiting to read: " + error.message());
                         return;
                       }
                       read_now();
                     });
}

void SocketDriver::read_now() {
  const std::uint32_t generation = generation_;
  for (int round = 0; round < kMaxReadsPerWakeup; ++round) {
    if (generation != generation_ || !active_ || read_armed_) return;
    const std::span<std::uint8_t> buffer = run_.read_buffer();
    boost::system::error_code error;
    const std::size_t n =
        socket_.read_some(boost::asio::buffer(buffer.data(), buffer.size()), error);
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
    // which the wait armed now will see (we poll only after returning).
    if (n < buffer.size()) {
      arm_read();
      return;
    }
  }
  boost::asio::post(run_.io(), [this, generation] {
    if (generation == generation_ && active_) read_now();
  });
}

}  // namespace wsx::bench
