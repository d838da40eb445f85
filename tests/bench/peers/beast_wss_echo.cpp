// beast-wss-echo: the Boost.Beast wss:// peer the TLS benchmark compares wsx
// with (tests/bench/tls/run-tls.sh). Beast's websocket_server_async_ssl
// example made an echo server: websocket::stream<beast::ssl_stream<
// beast::tcp_stream>> over asio::ssl (OpenSSL), ONE I/O thread like
// wsx-host's io_threads = 1.
//
//   beast-wss-echo --cert FILE --key FILE [--port P] [--deflate] [--beast-defaults]
//
// prints "listening on 127.0.0.1:PORT". Two settings:
//  - matched (the default): TLS as wsx-host sets it up (host/net/
//    tls_context.cpp): TLS 1.2 and 1.3, the server's cipher order, no
//    renegotiation, no TLS compression, SSL_MODE_RELEASE_BUFFERS (an idle
//    connection gives its record buffers back); permessage-deflate with the
//    wsx plugin's defaults (beast_deflate_settings.hpp);
//  - --beast-defaults: what the Beast example and Asio give: an
//    asio::ssl::context(tls_server) with default_workarounds | no_sslv2 |
//    single_dh_use (the example's load_server_certificate), OpenSSL's own
//    cipher order and record buffers kept; Beast's own deflate defaults
//    (compLevel 8, memLevel 4, window 15, context takeover).
// Both: TLS 1.3 suites are OpenSSL's defaults, as on wsx; no ALPN callback
// (Beast has none; wsx answers http/1.1).
// SIGINT/SIGTERM stop it.

// <utility> first: Boost 1.74's asio/awaitable.hpp uses std::exchange
// without including it, which g++ 12 does not forgive.
#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <iostream>
#include <memory>

#include "beast_deflate_settings.hpp"
#include "peer_options.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using asio::ip::tcp;

// wsx's default limit (config/wsx.toml, server.limits.max_message_size).
constexpr std::size_t kReadMessageMax = 16 * 1024 * 1024;

void configure_tls(ssl::context& context, const wsx::bench::PeerOptions& options) {
  // The Beast example's options (example/common/server_certificate.hpp).
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::single_dh_use);
  if (!options.beast_defaults) {
    SSL_CTX* ctx = context.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  context.use_certificate_chain_file(options.certificate);
  context.use_private_key_file(options.private_key, ssl::context::pem);
}

class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  EchoSession(tcp::socket socket, ssl::context& context, const wsx::bench::PeerOptions& options)
      : ws_(std::move(socket), context) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
    if (options.deflate) ws_.set_option(wsx::bench::beast_deflate_settings(options.beast_defaults));
    ws_.auto_fragment(false);  // as beast-echo: one frame per uncompressed message
    ws_.read_message_max(kReadMessageMax);
  }

  void start() {
    // The TLS handshake within 30 s, as the example does.
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    ws_.next_layer().async_handshake(
        ssl::stream_base::server,
        beast::bind_front_handler(&EchoSession::on_tls_handshake, shared_from_this()));
  }

 private:
  void on_tls_handshake(beast::error_code error) {
    if (error) return;
    // The websocket stream has its own timeouts from here on.
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(beast::bind_front_handler(&EchoSession::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code error) {
    if (!error) read();
  }

  void read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&EchoSession::on_read, shared_from_this()));
  }

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

  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  beast::flat_buffer buffer_;
};

class Listener {
 public:
  Listener(asio::io_context& io, ssl::context& context, const wsx::bench::PeerOptions& options)
      : acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), options.port)),
        context_(context),
        options_(options) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (!error) std::make_shared<EchoSession>(std::move(socket), context_, options_)->start();
      accept();
    });
  }

  void close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  tcp::acceptor acceptor_;
  ssl::context& context_;
  const wsx::bench::PeerOptions& options_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = wsx::bench::parse_peer_options(argc, argv, wsx::bench::PeerKind::beast_tls);
  if (!options) return 2;
  try {
    ssl::context context(ssl::context::tls_server);
    configure_tls(context, *options);
    asio::io_context io(1);
    Listener listener(io, context, *options);
    listener.accept();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
      listener.close();
      io.stop();
    });
    std::cout << "listening on 127.0.0.1:" << listener.port() << std::endl;
    io.run();
  } catch (const std::exception& error) {
    std::cerr << "beast-wss-echo: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
