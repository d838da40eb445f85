// One connection's TLS state (server side), driven by the Session with
// memory BIOs: the session reads ciphertext from its socket into the
// thread's buffer and feeds it here; plaintext comes back out of SSL_read
// into the same buffer for the unchanged WebSocket input path. On output
// the gathered plaintext segments become the fewest records the bytes allow
// (write_gathered), and all of them leave in one send().
//
// Why memory BIOs rather than SSL over the fd: with a socket BIO every TLS
// record is its own write() (a 1 MiB message = 64 system calls), and
// OpenSSL would read on its own schedule, hiding the end-of-stream and
// short-read facts that the edge-triggered poller relies on (session.cpp).
// With memory BIOs the session keeps doing exactly one recv() per read and
// one send() per flush, and decides when to wait for readiness.
//
// Memory: SSL_MODE_RELEASE_BUFFERS (tls_context.cpp) frees OpenSSL's record
// buffers while idle. The outgoing side is a tiny custom BIO appending to
// `out_`, sent from in place (no copy out of a memory BIO) and reused across
// flushes; a buffer grown past kKeepOutput by a big message is freed once
// it has drained. The session's idle shrink (shrink_when_idle) also frees
// the output vector and swaps the input memory BIO, which otherwise keeps
// the largest burst it was ever fed, for an empty one.

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "net/tls_context.hpp"

namespace wsx::net {

// Which end of the handshake this stream plays. wsx-host is the server;
// the client role serves the load tool (tests/bench/load), which drives its
// sockets the same way.
enum class TlsRole { server, client };

class TlsStream {
 public:
  explicit TlsStream(TlsContextPtr context, TlsRole role = TlsRole::server);
  // The client side of the proxy's wss:// upstream (net/upstream_link.hpp),
  // from a make_tls_client_context() context: sends SNI for a DNS name (RFC
  // 6066 section 3 allows no IP literal there) and has the certificate
  // checked against `server_name`, a DNS name or an IP address (RFC 6125).
  TlsStream(TlsContextPtr context, const std::string& server_name);

  enum class Status { ok, want_more, closed, failed };

  // Ciphertext from the socket. Never fails (a memory BIO grows).
  void feed(std::span<const std::uint8_t> ciphertext);
  // Runs the TLS handshake on what was fed: ok once finished, want_more
  // while it needs the peer's next flight, failed (see error()).
  Status handshake();
  [[nodiscard]] bool handshake_done() const noexcept;
  // After handshake() failed: the client's first bytes were a plain HTTP
  // request line (a method token and a space), not a TLS record, so the
  // caller can answer as nginx does with a plain-text 400.
  [[nodiscard]] bool plain_http_request() const noexcept { return plain_http_; }
  // Plaintext into `out`: ok with `n` bytes, want_more when no whole record
  // is buffered, closed on the peer's close_notify, failed otherwise.
  Status read(std::span<std::uint8_t> out, std::size_t& n);
  // Encrypts all of `plaintext` into the outgoing BIO (never partial).
  bool write(std::span<const std::uint8_t> plaintext);
  // The most plaintext one record carries (RFC 8446 section 5.1: 2^14).
  static constexpr std::size_t kMaxRecordPlaintext = 16384;
  // Encrypts `segments` in order, as one stream, into the fewest records:
  // ceil(total / 2^14). Without this each SSL_write ends a record, so a
  // flush of a Pong and an echo (two segments) would cost two records, two
  // MACs and two headers on the wire. Runs shorter than a record are copied
  // into `staging` (>= kMaxRecordPlaintext bytes, the I/O thread's) to join
  // their neighbours; whole records' worth of a large segment are encrypted
  // from where they lie, so a 1 MiB frame is copied at most 2 x 16 KiB.
  bool write_gathered(std::span<const std::span<const std::uint8_t>> segments,
                      std::span<std::uint8_t> staging);
  // Idle (the session's shrink): gives back the input BIO's buffer (it
  // keeps the largest burst it was fed) and the output vector. Only when
  // both are empty.
  void shrink_when_idle();
  // Queues close_notify (RFC 8446 section 6.1) before our FIN.
  void shutdown() noexcept;

  // Records waiting to be sent, in order.
  [[nodiscard]] std::span<const std::uint8_t> pending() noexcept;
  // `n` bytes of pending() went out.
  void consume(std::size_t n);
  [[nodiscard]] std::size_t pending_size() const noexcept { return out_.size() - sent_; }

  // What the handshake agreed, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384 X25519"
  // (version, cipher suite, key exchange group), for reports.
  [[nodiscard]] std::string negotiated() const;

  // The reason of the last failure (OpenSSL's error string).
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  Status fail(int result, const char* what);
  // Before OpenSSL sees a byte: tells a TLS ClientHello from plain HTTP.
  Status sniff_first_bytes();

  TlsContextPtr context_;  // shared: a reload does not pull it away
  UniqueSsl ssl_;
  static constexpr std::size_t kKeepOutput = 64 * 1024;
  friend struct OutputBio;
  BIO* in_ = nullptr;              // memory BIO, owned by ssl_
  std::vector<std::uint8_t> out_;  // records from SSL_write, in order
  std::size_t sent_ = 0;           // bytes of out_ already sent
  std::string error_;
  bool sniffing_ = true;  // nothing handed to OpenSSL yet
  bool plain_http_ = false;
};

}  // namespace wsx::net
