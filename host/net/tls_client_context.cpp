#include "net/tls_client_context.hpp"

#include <openssl/err.h>

#include <array>
#include <memory>

namespace wsx {

namespace {

// ALPN (RFC 7301): the opening handshake that follows is HTTP/1.1 (RFC 6455
// section 4.1), so that is all we offer.
constexpr std::array<unsigned char, 9> kAlpnHttp11{8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

// As the server side (tls_context.cpp): forward-secret AEAD suites only for
// TLS 1.2; TLS 1.3's suites are OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file) {
  throw TlsError(file.string() + ": " + what + ": " + take_openssl_error("unknown error"));
}

}  // namespace

TlsContextPtr make_tls_client_context(const TlsClientSettings& settings) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, SslCtxDeleter> context(SSL_CTX_new(TLS_client_method()));
  if (!context) throw TlsError("cannot create a TLS context: " + take_openssl_error("no memory"));
  SSL_CTX* ctx = context.get();
  // TLS 1.2 and 1.3 only (RFC 8996 retired the older ones), no
  // renegotiation, no compression (CRIME).
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // An idle upstream connection gives its record buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    throw TlsError("cannot set the TLS 1.2 ciphers: " + take_openssl_error("unknown error"));
  }
  if (SSL_CTX_set_alpn_protos(ctx, kAlpnHttp11.data(), kAlpnHttp11.size()) != 0) {
    throw TlsError("cannot set ALPN: " + take_openssl_error("no memory"));
  }
  // The upstream's certificate is always verified: a proxy that would talk
  // to anyone on the path gives its clients no security at all.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!settings.ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, settings.ca.c_str(), nullptr) != 1) {
      fail("cannot load the CA bundle (PEM)", settings.ca);
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    throw TlsError("cannot load the system's CA certificates: " +
                   take_openssl_error("unknown error"));
  }
  if (!settings.certificate.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, settings.certificate.c_str()) != 1) {
      fail("cannot load the client certificate (PEM)", settings.certificate);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, settings.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      fail("cannot use the private key (a PEM key matching " + settings.certificate.string() + ")",
           settings.private_key);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      fail("the private key does not match the certificate " + settings.certificate.string(),
           settings.private_key);
    }
  }
  // One upstream, many connections: no session resumption across them is
  // attempted (no cache), so every connection verifies the certificate.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  return TlsContextPtr(context.release(), SslCtxDeleter{});
}

}  // namespace wsx
