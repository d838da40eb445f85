// One accepted socket, from the opening handshake to the TCP close, driving a
// sans-I/O core::Connection (docs/ARCHITECTURE.md, "One message, end to end").
//
// Memory is the design constraint (an idle connection costs about 0.7 KiB of
// the server's memory in all: 656 bytes after the handshake in
// tests/unit/net/idle_memory_test.cpp, 793 after one message in wsx-bench's
// idle scenario):
//  - no read buffer of its own: its socket is registered once with its I/O
//    thread's ReadinessPoller (edge-triggered, no re-arm per message) and
//    it reads into the thread's shared buffer when bytes are there; the
//    core keeps only the tail of an incomplete frame;
//  - writes go straight to the socket (non-blocking); only what the kernel
//    would not take stays queued in the core, and it waits for
//    write-readiness only then;
//  - no timer of its own: one entry in the thread's TimerWheel;
//  - handshake-only state (request bytes, response) lives on the heap and is
//    freed once the connection is open.
//
// Lifetime: owned by its IoThread's SlotTable; destroyed by a posted "reap"
// once the socket is closed. Readiness events and posted continuations look
// the session up by key (it may be gone by then); only the timer wheel holds
// a pointer, and the session unlinks itself from it.
// Threading: everything runs on the owning I/O thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/connection/connection.hpp"
#include "core/connection/connection_handler.hpp"
#include "core/extensions/negotiation.hpp"
#include "core/extensions/plugin_call_site.hpp"
#include "net/connection_handle.hpp"
#include "net/native_socket.hpp"
#include "net/server_handlers.hpp"
#include "net/session_state.hpp"
#include "net/session_timeout_policy.hpp"
#include "net/slot_table.hpp"
#include "net/timer_wheel.hpp"
#include "net/tls_stream.hpp"
#include "net/upstream_link.hpp"

namespace wsx::net {

class IoThread;
class ServerContext;

// An accepted socket as the acceptor delivers it, bound to one io_context's
// executor (smaller than one carrying the type-erased any_io_executor). The
// session takes its descriptor out of it (NativeSocket).
using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class Session final : public TimerEntry,
                      private core::ConnectionHandler,
                      private UpstreamLink::Peer {
 public:
  using Key = SlotTable<Session>::Key;

  // `over_limit`: the server is at max_connections; answer the request with
  // 503 instead of upgrading.
  Session(ServerContext& server, IoThread& thread, Key key, Socket socket, bool over_limit);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers the socket with the thread's poller and begins reading the
  // opening handshake.
  void start();
  // The poller's events for this session's socket (EPOLLIN, EPOLLOUT, ...).
  void on_socket_events(std::uint32_t events);
  // The poller token of a key, and back.
  [[nodiscard]] static std::uint64_t token_of(Key key) noexcept {
    return (std::uint64_t{key.generation} << 32) | key.slot;
  }
  [[nodiscard]] static Key key_from_token(std::uint64_t token) noexcept {
    return {static_cast<std::uint32_t>(token), static_cast<std::uint32_t>(token >> 32)};
  }
  // The proxy's upstream socket (session_proxy.cpp) is registered with the
  // same poller under its session's token with the top bit set (SlotTable
  // keeps generations below 2^31, so that bit is never a session's).
  static constexpr std::uint64_t kUpstreamTokenBit = std::uint64_t{1} << 63;
  [[nodiscard]] static bool is_upstream_token(std::uint64_t token) noexcept {
    return (token & kUpstreamTokenBit) != 0;
  }
  [[nodiscard]] static Key key_from_upstream_token(std::uint64_t token) noexcept {
    return key_from_token(token & ~kUpstreamTokenBit);
  }
  // The poller's events for the upstream socket, and a posted read of it.
  void on_upstream_events(std::uint32_t events);
  void resume_upstream();

  [[nodiscard]] ConnectionHandle handle() const noexcept;
  // Bytes waiting to be written (the send queue), for the metrics gauge.
  [[nodiscard]] std::size_t queued_bytes() const noexcept { return pending_bytes(); }
  [[nodiscard]] bool is_open() const noexcept;

  // The application's operations (see wsx::Server for their contracts).
  SendResult send(MessageType type, std::span<const std::uint8_t> payload);
  SendResult close(std::uint16_t code, std::string_view reason);

  // Server shutdown: an open connection gets Close 1001 "going away" and
  // close_timeout to answer; one still in its handshake is dropped.
  void shut_down();
  // Drops the connection now (second Ctrl-C, server destruction).
  void abort();

  // Posted continuations find the session by key (it may be gone by then).
  void resume_reading();

 private:
  struct HandshakeData;
  struct CloseRecord;

  // --- Reading ---
  void wait_readable();
  void on_readable();
  // Returns false when reading should stop for now (paused or closed).
  bool handle_input(std::span<std::uint8_t> bytes);
  void handle_handshake_bytes(std::span<const std::uint8_t> bytes);
  void accept_handshake(std::span<std::uint8_t> leftover);
  void reject_handshake(unsigned status, std::string_view reason, std::string response);
  // Counts each offer of the negotiation trace by token and outcome.
  void count_offers(std::span<const core::NegotiationTraceEntry> trace) noexcept;
  void handle_eof();
  // After a receive: charges the growth of the connection's incomplete
  // input to the server-wide max_buffered_input (or releases what shrank);
  // past the bound the connection is failed with 1013.
  void account_buffered_input();
  // After the handshake was accepted (and, for the proxy, the upstream
  // answered): the connection is open; `response` is the 101 to write.
  void open_connection(core::ServerHandshake& accepted, std::string response, std::string leftover);
  // TLS (tls_ set): runs the TLS handshake, then feeds every whole record's
  // plaintext to handle_input. Returns false when reading should stop.
  bool drain_tls();
  // A TLS failure (handshake or record): logged at info, socket closed.
  void fail_tls(std::string_view reason);
  // Plain HTTP on the TLS port: a plain-text 400, then our FIN.
  void refuse_plain_http() noexcept;

  // --- Writing ---
  // Writes whatever is pending without blocking; arms a write-readiness
  // wait for the rest. Then applies back-pressure and closing rules.
  void flush();
  void wait_writable();
  using OutputSegments =
      std::array<std::span<const std::uint8_t>, 1 + core::ConnectionOutput::max_segments>;
  // The rest of the HTTP response (it precedes every frame), then the
  // connection's frames; `response_left` = the response's share.
  std::size_t gather_plaintext(OutputSegments& segments, std::size_t& response_left) noexcept;
  void consume_plaintext(std::size_t n, std::size_t response_left);
  // Plain flush: one gathered sendmsg per pass. False when the socket was
  // closed on an error.
  bool flush_plain(int flags);
  // TLS flush: encrypts one gathered batch at a time into records and sends
  // them in one send(). False when the socket was closed on an error.
  bool flush_tls(int flags);
  [[nodiscard]] std::size_t pending_bytes() const noexcept;
  // Half of max_send_queue: the back-pressure level. From it up, the
  // peer's input (the proxy: its upstream) is not read, and the stall
  // clock of the slow-reader rule runs.
  [[nodiscard]] std::size_t pause_level() const noexcept;
  // After output was queued or written: notes when the queue crosses
  // pause_level() (the stall clock starts, the timer is armed for it).
  void watch_backlog();
  // After a receive batch: pauses reading once the queue is half full.
  void apply_back_pressure();
  // The peer does not read what we send (a send found its queue at
  // max_send_queue, or it stayed backed up without taking a byte for
  // close_timeout): Close 1008 ahead of the backlog, then the usual
  // close_timeout before TCP goes.
  void drop_slow_peer();
  void after_flush();

  // --- Closing ---
  void start_closing(std::uint16_t code, std::string_view reason);
  void record_close(std::uint16_t code, std::string_view reason);
  void arm_close_deadline();
  // Flushes, sends FIN, then waits (bounded) for the peer's FIN, unless
  // nothing_more_to_read(): then it closes the socket at once.
  void linger();
  // True after a clean closing handshake with no unread input: the peer has
  // nothing left to send but its FIN.
  [[nodiscard]] bool nothing_more_to_read();
  void close_socket() noexcept;
  // Tells the application (on_close) and the log, once, from the event loop.
  void post_close_notice() noexcept;
  void deliver_close_notice();
  void maybe_reap();
  void reap();

  // --- Proxy (session_proxy.cpp) ---
  // Opens the upstream for an accepted client handshake; the client's 101
  // waits for the upstream's (net/proxy_route.hpp).
  void begin_upstream(core::ServerHandshake accepted, std::string leftover);
  // The client's side ended or began closing: tell the upstream (1001 when
  // the client did not close cleanly, RFC 6455 section 7.4.1).
  void close_upstream(std::uint16_t code, std::string_view reason);
  [[nodiscard]] bool forward_queue_full() const noexcept;
  void upstream_connected() override;
  void upstream_accepted(const std::optional<std::string>& subprotocol) override;
  void upstream_failed(UpstreamFailure failure, unsigned status, std::string_view reason) override;
  bool upstream_fragment(std::uint8_t message_opcode, bool first, bool fin,
                         std::span<const std::uint8_t> payload) override;
  void upstream_batch_done() override;
  void upstream_closed(bool clean, std::uint16_t code, std::string_view reason) override;
  void upstream_drained() override;

  // --- State ---
  // Moves along the state machine of session_state.hpp; an event that does
  // not apply in the current phase changes nothing.
  void enter(SessionEvent event) noexcept;

  // --- Timers ---
  void on_timer() override;
  [[nodiscard]] TimeoutInputs timeout_inputs() const noexcept;
  void schedule_next_timeout();

  // --- core::ConnectionHandler ---
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override;
  // Proxy: one frame of a client message, straight on to the upstream.
  void on_fragment(std::uint8_t message_opcode, bool first, bool fin,
                   std::span<const std::uint8_t> payload) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_protocol_error(std::uint16_t code, std::string_view reason) override;

  void log_open(const ConnectionInfo& info) const;
  void log_close() const;
  [[nodiscard]] std::string peer_text() const;
  template <class Fn>
  void call_application(const char* what, Fn&& fn);

  ServerContext& server_;
  IoThread& thread_;
  NativeSocket socket_;
  std::optional<core::Connection> connection_;
  // Set on a TLS listener (wss://); null on a plain one, whose path is
  // unchanged (one pointer test per read and flush).
  std::unique_ptr<TlsStream> tls_;
  // Only during the handshake (and a rejection's response).
  std::unique_ptr<HandshakeData> handshake_;
  // Set once the outcome of the connection is known (see on_close).
  std::unique_ptr<CloseRecord> close_record_;
  // The proxy app's upstream connection (null for every other app).
  std::unique_ptr<UpstreamLink> upstream_;
  boost::asio::ip::tcp::endpoint peer_;
  std::chrono::steady_clock::time_point opened_at_;
  Key key_;
  // Bytes read from and written to the socket (TLS records included), for
  // the close log line.
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
  // Wheel ticks: when the last byte arrived, and the deadline of the
  // current phase (handshake, our Close, lingering).
  std::uint32_t last_input_tick_ = 0;
  std::uint32_t phase_deadline_tick_ = 0;
  // When the peer last took output, or its queue last crossed
  // pause_level(): the start of a stall (the slow-reader rule of
  // session_timeout_policy.hpp).
  std::uint32_t output_progress_tick_ = 0;
  // Bytes of this connection's incomplete input charged to the server's
  // max_buffered_input (ServerContext::charge_buffered_input).
  std::size_t charged_input_ = 0;
  SessionPhase phase_ = SessionPhase::handshake;
  CloseNotice notice_ = CloseNotice::not_owed;
  // Readiness and flow, orthogonal to the phase: what the session waits for.
  bool read_pending_ = false;   // waiting for the poller's input event
  bool write_pending_ = false;  // waiting for the poller's output event
  bool peer_done_ = false;      // the poller saw the peer's FIN or an error
  bool in_receive_ = false;     // inside connection_->receive(): defer flushes
  bool paused_ = false;         // back-pressure: not reading until drained
  bool backed_up_ = false;      // pending_bytes() >= pause_level()
  // Keepalive inputs of the timeout policy (session_timeout_policy.hpp).
  bool ping_sent_ = false;  // a keepalive Ping is out since the last input
  bool shrunk_ = true;      // buffers were given back since the last input
  bool reap_posted_ = false;
  // Proxy: the client's handshake waits for the upstream's answer.
  bool awaiting_upstream_ = false;
  // Proxy: the client's queue is full; the upstream's reads are paused.
  bool upstream_paused_ = false;
};

}  // namespace wsx::net
