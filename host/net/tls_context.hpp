// The server's TLS context (OpenSSL libssl): built once from plain settings
// (net does not see the config file), shared by every connection accepted
// while it is current. A SIGHUP reload builds a new one; connections that
// already hold the old one keep it alive through shared ownership.
#pragma once

#include <openssl/ssl.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace wsx {

// What the TLS context is built from. Paths are used as given.
struct TlsSettings {
  // PEM certificate chain (leaf first) and its private key.
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  // PEM CA bundle for client certificates; empty = none.
  std::filesystem::path ca;
  // Require a client certificate that chains to `ca` (mutual TLS).
  bool verify_client = false;
  // TLS 1.3 only when true; otherwise TLS 1.2 and 1.3.
  bool tls1_3_only = false;
};

// A file that cannot be loaded or a key that does not match; the message
// names the file and carries OpenSSL's reason.
class TlsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SslCtxDeleter {
  void operator()(SSL_CTX* context) const noexcept { SSL_CTX_free(context); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};
struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using UniqueSsl = std::unique_ptr<SSL, SslDeleter>;
using UniqueBio = std::unique_ptr<BIO, BioDeleter>;

// Shared: the Server holds the current one, each TLS session the one it
// was accepted with.
using TlsContextPtr = std::shared_ptr<SSL_CTX>;

// What --check-config prints about the loaded certificate.
struct CertificateSummary {
  std::string subject;    // RFC 2253 form, e.g. "CN=localhost"
  std::string not_after;  // e.g. "Dec  4 12:00:00 2027 GMT"
};

struct TlsContext {
  TlsContextPtr context;
  CertificateSummary certificate;
};

// Loads and checks the files (throws TlsError naming the file).
[[nodiscard]] TlsContext make_tls_context(const TlsSettings& settings);

// The first queued OpenSSL error as text ("...: wrong version number"),
// emptying the thread's error queue; `fallback` when the queue is empty.
[[nodiscard]] std::string take_openssl_error(const char* fallback);

}  // namespace wsx
