// One WebSocket client connection of the load tool: TCP connect, the opening
// handshake (core::build_client_request / core::client_handshake, RFC 6455
// section 4.1), then a core::Connection in the client role, and at the end
// the closing handshake (section 7.1.2: we send Close, the server answers
// and closes TCP first, section 7.1.1).
//
// Events go to a SessionObserver (the scenario). Any failure -- refused
// connect, rejected handshake, protocol error, unexpected Close or end of
// stream, a timeout -- is reported to the RunContext, which aborts the run.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection/connection.hpp"
#include "core/connection/connection_handler.hpp"
#include "core/handshake/handshake_client.hpp"
#include "run_context.hpp"
#include "socket_driver.hpp"

namespace wsx::bench {

class WsSession;

class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  // The handshake succeeded; the session may send.
  virtual void on_open(WsSession& session) = 0;
  // A complete message (decoded by the extension chain); `payload` is
  // borrowed for the call.
  virtual void on_message(WsSession& session, std::uint8_t opcode,
                          std::span<const std::uint8_t> payload) = 0;
  // The closing handshake we started is complete and the socket closed.
  virtual void on_closed(WsSession& session) = 0;
};

// What every session of a run dials and offers.
struct SessionSetup {
  boost::asio::ip::tcp::endpoint endpoint;
  core::ClientHandshakeOptions handshake;  // Host header and request target
  core::FactoryList factories;             // client-role extensions to offer
  core::ConnectionLimits limits;
};

class WsSession final : private SocketDriver, private core::ConnectionHandler {
 public:
  WsSession(RunContext& run, const SessionSetup& setup, SessionObserver& observer,
            std::uint32_t index);

  // Connects and handshakes. `seed` makes the Sec-WebSocket-Key and the
  // masking keys of this connection (RFC 6455 section 5.3 wants them
  // unpredictable to scripts on the path; a benchmark on loopback wants them
  // reproducible, so that raw-echo can send the very same bytes).
  void start(std::uint64_t seed);

  // Queue a message; sent at once unless called from inside a callback of
  // this session (then sent in the same write as the others of the batch).
  bool send_text(std::span<const std::uint8_t> payload);
  bool send_binary(std::span<const std::uint8_t> payload);
  // Starts the closing handshake with 1000.
  void close();
  // Drops the connection now, without callbacks.
  void abort() noexcept;

  // A deadline for the next sign of progress; the tick fails the run when
  // it passes. Connect, handshake and close set their own.
  void expect_progress_by(Clock::time_point deadline) noexcept { deadline_ = deadline; }
  void check_deadline(Clock::time_point now);

  // Gives back the connection's buffers while it is idle.
  void shrink_when_idle() noexcept;

  [[nodiscard]] std::uint32_t index() const noexcept { return index_; }
  [[nodiscard]] bool is_open() const noexcept { return phase_ == Phase::open; }
  [[nodiscard]] bool is_done() const noexcept { return phase_ == Phase::done; }
  // When start() was called (handshake latency is measured from it).
  [[nodiscard]] Clock::time_point started_at() const noexcept { return started_at_; }
  // The server's Sec-WebSocket-Extensions ("" when none), and how many
  // extensions it accepted.
  [[nodiscard]] const std::string& negotiated() const noexcept { return negotiated_; }
  [[nodiscard]] std::size_t extension_count() const noexcept {
    return connection_ ? connection_->extensions().size() : 0;
  }

 private:
  enum class Phase : std::uint8_t { idle, connecting, handshaking, open, closing, done };

  // SocketDriver
  void handle_connected() override;
  void handle_bytes(std::span<std::uint8_t> bytes) override;
  void handle_eof(const std::string& what) override;
  void handle_error(const std::string& what) override;
  std::span<const std::uint8_t> output() override;
  void consume(std::size_t bytes) override;

  // core::ConnectionHandler
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_protocol_error(std::uint16_t code, std::string_view reason) override;

  void handle_handshake_bytes(std::span<std::uint8_t> bytes);
  void finish_closed();
  void fail(const std::string& what);
  [[nodiscard]] std::string_view phase_name() const noexcept;

  const SessionSetup& setup_;
  SessionObserver& observer_;
  std::uint32_t index_;
  Phase phase_ = Phase::idle;
  std::uint64_t seed_ = 0;
  Clock::time_point started_at_;
  Clock::time_point deadline_ = Clock::time_point::max();
  core::ClientRequest request_;
  std::size_t request_written_ = 0;
  std::vector<std::uint8_t> response_;
  std::optional<core::Connection> connection_;
  std::string negotiated_;
  bool in_receive_ = false;
  bool close_received_ = false;
};

// On a session that just opened: true if its server accepted all `offered`
// extensions (the client role refuses a response naming one we did not offer,
// or one twice, so the count is enough). Otherwise fails the run, naming the
// server's answer, and returns false: a run meant to measure extensions must
// not quietly measure fewer of them.
[[nodiscard]] bool accepted_every_offer(RunContext& run, const WsSession& session,
                                        std::size_t offered);

}  // namespace wsx::bench
