// A blocking WebSocket client for tests, built on the core's client role
// (handshake_client.hpp + Connection(Role::client)) over a plain POSIX
// socket. Every wait is bounded by a timeout, so a broken server fails a
// test instead of hanging it.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection/connection.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/handshake/handshake_client.hpp"

namespace wsx::test {

using namespace std::chrono_literals;

// One thing the client observed.
struct ClientEvent {
  enum class Kind { message, ping, pong, close, protocol_error, eof };
  Kind kind = Kind::eof;
  std::uint8_t opcode = 0;
  std::vector<std::uint8_t> data;
  std::uint16_t code = 0;
  std::string reason;

  [[nodiscard]] std::string text() const { return {data.begin(), data.end()}; }
};

// A connected TCP socket (RAII). Not yet a WebSocket.
class RawSocket {
 public:
  // Connects to `endpoint`; throws std::runtime_error on failure.
  explicit RawSocket(const boost::asio::ip::tcp::endpoint& endpoint);
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  void write_all(std::span<const std::uint8_t> bytes);
  void write_all(std::string_view text) {
    write_all({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }
  // Reads what is there, waiting up to `timeout` for the first byte. An
  // empty result with eof() true means the peer closed; empty otherwise
  // means the timeout passed.
  std::vector<std::uint8_t> read_some(std::chrono::milliseconds timeout);
  // Reads until the peer closes (or `timeout`); true if it closed.
  bool wait_for_eof(std::chrono::milliseconds timeout, std::string* received = nullptr);
  [[nodiscard]] bool eof() const noexcept { return eof_; }
  [[nodiscard]] int fd() const noexcept { return fd_; }
  // Shrinks the kernel receive buffer (before connecting data flows) so a
  // client that never reads fills up quickly.
  void set_receive_buffer(int bytes);

 private:
  int fd_ = -1;
  bool eof_ = false;
};

struct ClientOptions {
  std::string target = "/";
  std::vector<std::string> subprotocols;
  core::FactoryList factories;  // client-role extension factories
  core::HttpHeaders extra_headers;
  std::chrono::milliseconds timeout = 5s;
};

class TestClient {
 public:
  // Connects and completes the opening handshake; throws std::runtime_error
  // (with the server's status and reason) when it does not succeed.
  static std::unique_ptr<TestClient> connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                             ClientOptions options = {});

  // The response's status (101 after connect()), subprotocol and extensions.
  [[nodiscard]] const core::ClientHandshake& handshake() const noexcept { return handshake_; }
  [[nodiscard]] std::string extensions_header() const;

  void send_text(std::string_view text);
  void send_binary(std::span<const std::uint8_t> bytes);
  void send_ping(std::string_view payload = {});
  void close(std::uint16_t code = 1000, std::string_view reason = {});

  // The next event, waiting up to `timeout` (default: the client's timeout).
  std::optional<ClientEvent> next_event(std::optional<std::chrono::milliseconds> timeout = {});
  // Skips pings/pongs; the next message, or nullopt (timeout, close, eof).
  std::optional<ClientEvent> next_message(std::optional<std::chrono::milliseconds> timeout = {});
  // Waits for the server's Close frame (skipping messages); its event.
  std::optional<ClientEvent> wait_for_close(std::optional<std::chrono::milliseconds> timeout = {});
  // Waits until the server closes TCP.
  bool wait_for_eof(std::optional<std::chrono::milliseconds> timeout = {});

  [[nodiscard]] RawSocket& socket() noexcept { return *socket_; }
  [[nodiscard]] core::Connection& connection() noexcept { return *connection_; }

  TestClient(std::unique_ptr<RawSocket> socket, core::ClientHandshake handshake,
             std::chrono::milliseconds timeout);

 private:
  void flush();
  // Reads once (bounded) and feeds the connection; false on timeout/eof.
  bool pump(std::chrono::steady_clock::time_point deadline);

  std::unique_ptr<RawSocket> socket_;
  core::ClientHandshake handshake_;
  std::optional<core::Connection> connection_;
  std::deque<ClientEvent> events_;
  std::chrono::milliseconds timeout_;
  bool eof_reported_ = false;
};

}  // namespace wsx::test
