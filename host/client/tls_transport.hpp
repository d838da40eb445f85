// wss://: TLS (OpenSSL, 1.2 or 1.3, ALPN http/1.1) over a TcpTransport. The
// server's certificate is verified against the system's CAs or --ca, and
// must name the URL's host (RFC 6125 via X509_check_host / _ip).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "client/tcp_transport.hpp"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace wsx::client {

class TlsTransport final : public Transport {
 public:
  // Connects and completes the TLS handshake before `deadline`; throws
  // TransportError with OpenSSL's reason (e.g. the verification failure).
  TlsTransport(const std::string& host, std::uint16_t port,
               const std::optional<std::filesystem::path>& ca_file,
               std::chrono::steady_clock::time_point deadline);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  [[nodiscard]] int fd() const noexcept override { return tcp_.fd(); }
  IoResult read(std::span<std::uint8_t> buffer) override;
  IoResult write(std::span<const std::uint8_t> bytes) override;
  [[nodiscard]] short read_events() const noexcept override { return read_wants_; }
  [[nodiscard]] short write_events() const noexcept override { return write_wants_; }
  void shutdown() noexcept override;

 private:
  // Maps SSL_get_error for a failed call; sets `wants`; throws on errors.
  IoResult::Status failed_call(int result, short& wants, const char* what);

  TcpTransport tcp_;
  struct CtxDeleter {
    void operator()(SSL_CTX* ctx) const noexcept;
  };
  struct SslDeleter {
    void operator()(SSL* ssl) const noexcept;
  };
  std::unique_ptr<SSL_CTX, CtxDeleter> ctx_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  short read_wants_ = 0x001;   // POLLIN
  short write_wants_ = 0x004;  // POLLOUT
};

}  // namespace wsx::client
