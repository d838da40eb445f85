// The non-blocking socket loop under every client connection of the tool
// (WebSocket or raw TCP), in the style of wsx-host's session:
//
//  - once connected, the socket leaves Asio for the run's readiness poller
//    (registered once, edge-triggered: no system call to re-arm a wait per
//    message); reads wait for its input event and then read into the run's
//    shared buffer until the socket is empty, so a connection owns no read
//    buffer;
//  - writes go out at once with one write_some of everything queued (the
//    subclass keeps whole frames contiguous: one gathered write per batch),
//    and only a full socket buffer makes us wait for writability.
//
//  - with --tls (RunContext::tls()), the same loop carries a net::TlsStream
//    in the client role: ciphertext read is fed to it and the plaintext it
//    yields goes to handle_bytes(); output() is encrypted in one SSL_write
//    per flush and its records leave in one send(). handle_connected()
//    follows the TLS handshake.
//
// A driver can be restarted (storm reuses one per worker); every handler
// and every poller registration carries the generation it was made in, so a
// late completion or event of an old socket never touches the new one.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "net/native_socket.hpp"
#include "net/tls_stream.hpp"
#include "run_context.hpp"

namespace wsx::bench {

class SocketDriver {
 public:
  SocketDriver(const SocketDriver&) = delete;
  SocketDriver& operator=(const SocketDriver&) = delete;

  // True between connect() and close_socket().
  [[nodiscard]] bool active() const noexcept { return active_; }

  // From the run's poller: events of the socket registered in `generation`.
  void on_socket_events(std::uint32_t generation, std::uint32_t events);

 protected:
  explicit SocketDriver(RunContext& run);
  ~SocketDriver();

  // Opens a fresh socket and connects; handle_connected() follows.
  void connect(const boost::asio::ip::tcp::endpoint& endpoint);
  // Writes what output() holds until it is empty or the socket is full.
  void flush();
  // Reads whatever is there now; arms a wait when the socket is empty.
  void read_now();
  // Closes the socket; pending handlers become no-ops.
  void close_socket() noexcept;

  [[nodiscard]] RunContext& run() noexcept { return run_; }

  virtual void handle_connected() = 0;
  // Bytes read; they live in the shared buffer and may be modified.
  virtual void handle_bytes(std::span<std::uint8_t> bytes) = 0;
  // End of stream or a read error (`what` says which).
  virtual void handle_eof(const std::string& what) = 0;
  // A connect or write failed.
  virtual void handle_error(const std::string& what) = 0;
  // The bytes to write next, and how many of them were written.
  virtual std::span<const std::uint8_t> output() = 0;
  virtual void consume(std::size_t bytes) = 0;

 private:
  void arm_read();
  void arm_write();
  // Plain: one send() of output(). TLS: the records first, then output()
  // encrypted. False when the socket is full (a write wait is armed) or
  // the write failed.
  void flush_plain();
  void flush_tls();
  // TLS: runs the handshake on what was fed, then hands every record's
  // plaintext to handle_bytes(). False when this socket is done with.
  bool drain_tls();
  // Sends `bytes` once: how many went, or nothing when the socket is full
  // (a write wait is armed) or failed (handle_error was called).
  [[nodiscard]] bool send_some(std::span<const std::uint8_t> bytes, std::size_t& sent);

  RunContext& run_;
  std::uint32_t id_;
  // Asio only while connecting; then the descriptor moves to socket_.
  boost::asio::ip::tcp::socket connecting_;
  net::NativeSocket socket_;
  std::unique_ptr<net::TlsStream> tls_;  // --tls: made per connection
  std::uint32_t generation_ = 0;
  bool active_ = false;
  bool read_armed_ = false;   // waiting for the poller's input event
  bool write_armed_ = false;  // waiting for the poller's output event
  bool peer_done_ = false;    // the poller saw the server's FIN or an error
};

}  // namespace wsx::bench
