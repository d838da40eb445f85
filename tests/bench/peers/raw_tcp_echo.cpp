// raw-tcp-echo: the socket limit for the benchmarks. One Asio I/O thread
// sends every byte back as soon as it arrives, with no framing at all, so a
// WebSocket server on the same machine cannot beat it: whatever wsx or Beast
// spend on top of this is protocol and extension work.
//
//   raw-tcp-echo [--port P]     prints "listening on 127.0.0.1:PORT"
//
// SIGINT/SIGTERM stop it; the io_context then destroys every session.

// <utility> first: Boost 1.74's asio/awaitable.hpp uses std::exchange
// without including it, which g++ 12 does not forgive.
#include <utility>

#include <boost/asio.hpp>

#include <array>
#include <csignal>
#include <cstddef>
#include <iostream>
#include <memory>

#include "peer_options.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// One accepted socket: read what is there, write exactly that back, repeat.
// One read and one write are never outstanding together, which is what makes
// the single buffer safe and keeps the peer as simple as an echo can be.
class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  explicit EchoSession(tcp::socket socket) : socket_(std::move(socket)) {}

  void start() {
    boost::system::error_code ignored;
    // Same as wsx and beast-echo: small echoes must not wait for Nagle.
    socket_.set_option(tcp::no_delay(true), ignored);
    read();
  }

 private:
  void read() {
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](boost::system::error_code error, std::size_t size) {
          if (!error) self->write(size);
        });
  }

  void write(std::size_t size) {
    asio::async_write(socket_, asio::buffer(buffer_.data(), size),
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        if (!error) self->read();
                      });
  }

  tcp::socket socket_;
  // 64 KiB: one read drains what a loopback segment train usually carries.
  std::array<std::byte, 64 * 1024> buffer_{};
};

class Listener {
 public:
  Listener(asio::io_context& context, std::uint16_t port)
      : acceptor_(context, tcp::endpoint(asio::ip::address_v4::loopback(), port)) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (!error) std::make_shared<EchoSession>(std::move(socket))->start();
      accept();  // EMFILE and friends: keep serving the connections we have.
    });
  }

  void close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = wsx::bench::parse_peer_options(argc, argv, /*accepts_deflate=*/false);
  if (!options) return 2;
  try {
    asio::io_context context(1);
    Listener listener(context, options->port);
    listener.accept();
    asio::signal_set signals(context, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
      listener.close();
      context.stop();
    });
    std::cout << "listening on 127.0.0.1:" << listener.port() << std::endl;
    context.run();
  } catch (const std::exception& error) {
    std::cerr << "raw-tcp-echo: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
