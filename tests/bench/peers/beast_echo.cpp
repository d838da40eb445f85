// beast-echo: the Boost.Beast peer the benchmarks compare wsx with. A plain,
// idiomatic asynchronous Beast echo server (as in Beast's
// websocket_server_async example) on ONE I/O thread, the same as wsx's
// default io_threads = 1, so both servers get the same single core.
//
//   beast-echo [--port P] [--deflate | --deflate-beast-defaults]
//                                        prints "listening on 127.0.0.1:PORT"
//
// Every message goes back as received: text as text, binary as binary.
// SIGINT/SIGTERM stop it; the io_context then destroys every session.

// <utility> first: Boost 1.74's asio/awaitable.hpp uses std::exchange
// without including it, which g++ 12 does not forgive.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <iostream>
#include <memory>

#include "beast_deflate_settings.hpp"
#include "peer_options.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;

// wsx's default limit (config/wsx.toml, server.limits.max_message_size):
// large enough for the 1 MiB messages of the "large" scenario.
constexpr std::size_t kReadMessageMax = 16 * 1024 * 1024;

class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  EchoSession(tcp::socket socket, bool deflate, bool beast_defaults) : ws_(std::move(socket)) {
    boost::system::error_code ignored;
    // wsx sets TCP_NODELAY on every session too (host/net/session.cpp).
    ws_.next_layer().set_option(tcp::no_delay(true), ignored);
    if (deflate) ws_.set_option(wsx::bench::beast_deflate_settings(beast_defaults));
    // Handshake within 30 s, idle connections dropped after 300 s: Beast's
    // suggested server timeouts, comparable to wsx's timers (5 s / 60 s).
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    // An uncompressed message goes out as one frame, not split at
    // write_buffer_bytes (wsx splits only above max_frame_size = 1 MiB). A
    // compressed one is still sent in frames of write_buffer_bytes (4096 by
    // default): that is how Beast 1.74's deflate writer works.
    ws_.auto_fragment(false);
    ws_.read_message_max(kReadMessageMax);
  }

  void start() {
    ws_.async_accept(beast::bind_front_handler(&EchoSession::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code error) {
    if (!error) read();
  }

  void read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&EchoSession::on_read, shared_from_this()));
  }

  // websocket::error::closed and every other error end the session: Beast
  // has already answered a close frame (RFC 6455 section 5.5.1).
  void on_read(beast::error_code error, std::size_t) {
    if (error) return;
    ws_.text(ws_.got_text());
    ws_.async_write(buffer_.data(),
                    beast::bind_front_handler(&EchoSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code error, std::size_t) {
    if (error) return;
    buffer_.consume(buffer_.size());
    read();
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
};

class Listener {
 public:
  Listener(asio::io_context& context, std::uint16_t port, bool deflate, bool beast_defaults)
      : acceptor_(context, tcp::endpoint(asio::ip::address_v4::loopback(), port)),
        deflate_(deflate),
        beast_defaults_(beast_defaults) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (!error)
        std::make_shared<EchoSession>(std::move(socket), deflate_, beast_defaults_)->start();
      accept();
    });
  }

  void close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  tcp::acceptor acceptor_;
  bool deflate_;
  bool beast_defaults_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = wsx::bench::parse_peer_options(argc, argv, wsx::bench::PeerKind::beast);
  if (!options) return 2;
  try {
    asio::io_context context(1);
    Listener listener(context, options->port, options->deflate, options->beast_defaults);
    listener.accept();
    asio::signal_set signals(context, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
      listener.close();
      context.stop();
    });
    std::cout << "listening on 127.0.0.1:" << listener.port() << std::endl;
    context.run();
  } catch (const std::exception& error) {
    std::cerr << "beast-echo: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
