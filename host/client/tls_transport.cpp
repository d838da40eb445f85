#include "client/tls_transport.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

namespace wsx::client {

namespace {

// The OpenSSL error queue as one line (and emptied).
std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    text += (text.empty() ? "" : "; ") + std::string(line);
  }
  return text.empty() ? "unknown error" : text;
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

void TlsTransport::CtxDeleter::operator()(SSL_CTX* ctx) const noexcept {
  SSL_CTX_free(ctx);
}
void TlsTransport::SslDeleter::operator()(SSL* ssl) const noexcept {
  SSL_free(ssl);
}

TlsTransport::TlsTransport(const std::string& host, std::uint16_t port,
                           const std::optional<std::filesystem::path>& ca_file,
                           std::chrono::steady_clock::time_point deadline)
    : tcp_(host, port, deadline), ctx_(SSL_CTX_new(TLS_client_method())) {
  if (!ctx_) throw TransportError("TLS: " + openssl_errors());
  SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_mode(ctx_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  // A server that closes TCP without close_notify after the WebSocket
  // closing handshake is common; that EOF is the Connection's business.
  SSL_CTX_set_options(ctx_.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  const int loaded = ca_file ? SSL_CTX_load_verify_locations(ctx_.get(), ca_file->c_str(), nullptr)
                             : SSL_CTX_set_default_verify_paths(ctx_.get());
  if (loaded != 1)
    throw TransportError("TLS: cannot load CA certificates" +
                         (ca_file ? " from " + ca_file->string() : std::string()) + ": " +
                         openssl_errors());
  static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx_.get(), kAlpn, sizeof kAlpn);

  ssl_.reset(SSL_new(ctx_.get()));
  if (!ssl_ || SSL_set_fd(ssl_.get(), tcp_.fd()) != 1)
    throw TransportError("TLS: " + openssl_errors());
  // The certificate must name the host of the URL (RFC 6455 section 10.2
  // relies on TLS doing its job); SNI only for names (RFC 6066 section 3).
  X509_VERIFY_PARAM* verify = SSL_get0_param(ssl_.get());
  if (is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(verify, host.c_str(), host.size());
    SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
  }

  for (;;) {
    const int result = SSL_connect(ssl_.get());
    if (result == 1) break;
    short wants = 0;
    const int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ) {
      wants = POLLIN;
    } else if (error == SSL_ERROR_WANT_WRITE) {
      wants = POLLOUT;
    } else {
      const long verified = SSL_get_verify_result(ssl_.get());
      std::string why = verified != X509_V_OK ? std::string("certificate verification failed: ") +
                                                    X509_verify_cert_error_string(verified)
                                              : openssl_errors();
      throw TransportError("TLS handshake with " + host + " failed: " + why);
    }
    if (wait_fd(tcp_.fd(), wants, deadline) == 0)
      throw TransportError("TLS handshake with " + host + " timed out");
  }
}

TlsTransport::~TlsTransport() = default;

IoResult::Status TlsTransport::failed_call(int result, short& wants, const char* what) {
  switch (SSL_get_error(ssl_.get(), result)) {
    case SSL_ERROR_WANT_READ:
      wants = POLLIN;
      return IoResult::Status::would_block;
    case SSL_ERROR_WANT_WRITE:
      wants = POLLOUT;
      return IoResult::Status::would_block;
    case SSL_ERROR_ZERO_RETURN:
      return IoResult::Status::eof;
    case SSL_ERROR_SYSCALL:
      if (errno == 0) return IoResult::Status::eof;
      throw TransportError(std::string("TLS ") + what + ": " + std::strerror(errno));
    default:
      throw TransportError(std::string("TLS ") + what + ": " + openssl_errors());
  }
}

IoResult TlsTransport::read(std::span<std::uint8_t> buffer) {
  std::size_t got = 0;
  errno = 0;
  const int result = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &got);
  if (result == 1) {
    read_wants_ = POLLIN;
    return {IoResult::Status::done, got};
  }
  return {failed_call(result, read_wants_, "read"), 0};
}

IoResult TlsTransport::write(std::span<const std::uint8_t> bytes) {
  std::size_t sent = 0;
  errno = 0;
  const int result = SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &sent);
  if (result == 1) {
    write_wants_ = POLLOUT;
    return {IoResult::Status::done, sent};
  }
  const IoResult::Status status = failed_call(result, write_wants_, "write");
  if (status == IoResult::Status::eof)
    throw TransportError("TLS write: the server closed the connection");
  return {status, 0};
}

void TlsTransport::shutdown() noexcept {
  // One close_notify, not waiting for the server's (RFC 8446 section 6.1).
  SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

}  // namespace wsx::client
