// The proxy's upstream connection for one client connection: wsx as a
// WebSocket client (RFC 6455 section 4.1) on the client's I/O thread, over a
// non-blocking socket that the thread's ReadinessPoller watches like the
// sessions' own. It connects, writes the upstream request, validates the
// 101 with the client-role factories, then carries frames through a
// core::Connection in the client role (masked, section 5.3).
//
// Owned by the client's Session, which it tells everything through
// UpstreamLink::Peer; it never destroys itself, so a Peer callback may close
// it (drop()) but the object outlives the call. Back-pressure: the session
// stops its reads while the other side's queue is full (set_reading).
// Threading: the owning I/O thread only.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/connection/connection.hpp"
#include "core/connection/connection_handler.hpp"
#include "core/handshake/handshake_client.hpp"
#include "net/native_socket.hpp"
#include "net/proxy_route.hpp"

namespace wsx::net {

class IoThread;

class UpstreamLink final : private core::ConnectionHandler {
 public:
  // What the link reports to the session that owns it.
  class Peer {
   public:
    // TCP is up; the upstream request is being written.
    virtual void upstream_connected() = 0;
    // The upstream answered a valid 101 with this subprotocol.
    virtual void upstream_accepted(const std::optional<std::string>& subprotocol) = 0;
    // No WebSocket: the connect failed or the upstream refused. `status` is
    // the upstream's HTTP status (rejected only).
    virtual void upstream_failed(UpstreamFailure failure, unsigned status,
                                 std::string_view reason) = 0;
    // One frame's share of a message from the upstream, decoded by the
    // upstream side's chain (core::ConnectionHandler::on_fragment: text
    // UTF-8 checked so far, the size limit counted over the message).
    // Several may come from one read; upstream_batch_done follows them.
    // Returns false when the client's queue is full: the link then stops
    // after this frame until set_reading(true).
    virtual bool upstream_fragment(std::uint8_t message_opcode, bool first, bool fin,
                                   std::span<const std::uint8_t> payload) = 0;
    // The messages of one read were delivered: write them out together.
    virtual void upstream_batch_done() = 0;
    // The upstream's Close arrived (`clean`, its code, 1005 if it had
    // none), or the upstream failed or vanished without one (not clean).
    virtual void upstream_closed(bool clean, std::uint16_t code, std::string_view reason) = 0;
    // The link's queue fell below half of what the session allows: the
    // session may read its client again.
    virtual void upstream_drained() = 0;

   protected:
    ~Peer() = default;
  };

  // `token`: what the thread's poller reports this socket's events under.
  UpstreamLink(IoThread& thread, Peer& peer, std::uint64_t token, core::ConnectionLimits limits,
               std::size_t drain_below);
  ~UpstreamLink() override;
  UpstreamLink(const UpstreamLink&) = delete;
  UpstreamLink& operator=(const UpstreamLink&) = delete;

  // Starts the connect; a failure to even start is reported through
  // Peer::upstream_failed before this returns.
  void start(const boost::asio::ip::tcp::endpoint& endpoint, core::ClientRequest request,
             const core::FactoryList& factories);
  void on_socket_events(std::uint32_t events);
  // Reads what the socket holds (a posted continuation, or after resuming).
  void read();

  [[nodiscard]] bool is_open() const noexcept;
  // Queues one frame's share of a client message (core::Connection::
  // send_fragment: re-encoded by the upstream side's chain) and, unless
  // `defer_flush` (the caller flushes once after a batch: one gathered write
  // for many frames), writes it. False once the upstream is not open.
  bool send_fragment(std::uint8_t message_opcode, bool first, bool fin,
                     std::span<const std::uint8_t> payload, bool defer_flush = false);
  // Writes what is queued without blocking (the rest on EPOLLOUT).
  void flush();
  // Starts the closing handshake towards the upstream (no-op when already
  // closing or not open). 1005 sends a Close without a code.
  void close(std::uint16_t code, std::string_view reason);
  [[nodiscard]] std::size_t pending_bytes() const noexcept;
  // Back-pressure from the client side: stop or resume reading.
  void set_reading(bool on);
  // Writes what is queued, then closes the socket (the session is done).
  void drop() noexcept;

 private:
  enum class Stage : std::uint8_t { connecting, handshake, open, done };

  void handle_bytes(std::span<std::uint8_t> bytes);
  void handle_response_bytes(std::span<std::uint8_t> bytes);
  void handle_eof();
  void fail(UpstreamFailure failure, unsigned status, std::string_view reason);
  void close_socket() noexcept;
  void post_read();

  // --- core::ConnectionHandler ---
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override;
  void on_fragment(std::uint8_t message_opcode, bool first, bool fin,
                   std::span<const std::uint8_t> payload) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_protocol_error(std::uint16_t code, std::string_view reason) override;

  IoThread& thread_;
  Peer& peer_;
  std::uint64_t token_;
  core::ConnectionLimits limits_;
  std::size_t drain_below_;
  NativeSocket socket_;
  const core::FactoryList* factories_ = nullptr;
  core::ClientRequest request_;
  std::size_t request_written_ = 0;
  std::string response_;  // the upstream's response head, as it arrives
  std::optional<core::Connection> connection_;
  Stage stage_ = Stage::connecting;
  bool read_pending_ = false;   // waiting for the poller's input event
  bool write_pending_ = false;  // waiting for the poller's output event
  bool peer_done_ = false;      // FIN or error seen by the poller
  bool reading_ = true;         // false while the client side is full
  bool in_receive_ = false;
  bool close_reported_ = false;  // Peer::upstream_closed was called
  bool was_full_ = false;        // the queue reached the session's limit
};

}  // namespace wsx::net
