#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cstdio>

namespace wsx {

namespace {

// Server-preferred, forward-secret AEAD suites only for TLS 1.2 (ECDHE with
// AES-GCM or ChaCha20-Poly1305, RFC 7525 section 4.2 / RFC 9325); TLS 1.3's
// suites (all AEAD) are OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// ALPN (RFC 7301): WebSocket's opening handshake is HTTP/1.1 (RFC 6455
// section 4.1); a client offering only h2 gets no ALPN answer and may go on.
constexpr std::array<unsigned char, 9> kAlpnHttp11{8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length,
                const unsigned char* offer, unsigned int offer_length, void*) {
  unsigned char* chosen = nullptr;
  const int status = SSL_select_next_proto(&chosen, out_length, kAlpnHttp11.data(),
                                           kAlpnHttp11.size(), offer, offer_length);
  if (status != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file) {
  throw TlsError(file.string() + ": " + what + ": " + take_openssl_error("unknown error"));
}

std::string subject_of(X509* certificate) {
  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  if (!out) return {};
  X509_NAME_print_ex(out.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

std::string not_after_of(X509* certificate) {
  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  if (!out) return {};
  ASN1_TIME_print(out.get(), X509_get0_notAfter(certificate));
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

}  // namespace

std::string take_openssl_error(const char* fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

TlsContext make_tls_context(const TlsSettings& settings) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, SslCtxDeleter> context(SSL_CTX_new(TLS_server_method()));
  if (!context) throw TlsError("cannot create a TLS context: " + take_openssl_error("no memory"));
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_min_proto_version(ctx, settings.tls1_3_only ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  // No renegotiation (its attacks, RFC 5746; TLS 1.3 dropped it), no
  // compression (CRIME), the server's cipher order wins.
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle connection gives its 2 x 16 KiB record buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    throw TlsError("cannot set the TLS 1.2 ciphers: " + take_openssl_error("unknown error"));
  }
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
  // One server, no session cache shared across reloads: tickets are enough.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

  if (SSL_CTX_use_certificate_chain_file(ctx, settings.certificate.c_str()) != 1) {
    fail("cannot load the certificate (PEM)", settings.certificate);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, settings.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail("cannot use the private key (a PEM key matching " + settings.certificate.string() + ")",
         settings.private_key);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    fail("the private key does not match the certificate " + settings.certificate.string(),
         settings.private_key);
  }
  if (!settings.ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, settings.ca.c_str(), nullptr) != 1) {
      fail("cannot load the CA bundle (PEM)", settings.ca);
    }
    // Tell clients which CAs we accept (RFC 8446 section 4.2.4).
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.ca.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx, names);
  }
  if (settings.verify_client) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    // Session tickets are still issued with the cache off. With peer
    // verification on, OpenSSL refuses to resume a session whose context is
    // unset ("session id context uninitialized"), so a client that comes back
    // with its ticket (Chromium does on its next connection) would fail its
    // handshake: name the context so that resumption works. (A SIGHUP makes
    // a new SSL_CTX with new random ticket keys, so no session outlives a
    // change of `ca`.)
    static constexpr unsigned char kSessionContext[] = "wsx-host";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  }

  TlsContext out;
  X509* leaf = SSL_CTX_get0_certificate(ctx);
  if (leaf != nullptr) {
    out.certificate.subject = subject_of(leaf);
    out.certificate.not_after = not_after_of(leaf);
  }
  out.context = TlsContextPtr(context.release(), SslCtxDeleter{});
  return out;
}

}  // namespace wsx
