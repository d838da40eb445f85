#include "tls_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

namespace wsx::bench {

TlsContextPtr make_client_tls_context(const std::string& ca_file, const std::string& host) {
  std::unique_ptr<SSL_CTX, SslCtxDeleter> context(SSL_CTX_new(TLS_client_method()));
  if (!context) throw TlsError("cannot create a TLS client context: " + take_openssl_error("?"));
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // 10,000 idle connections in one load tool: no 2 x 16 KiB each.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  static constexpr unsigned char kAlpn[] = "\x08http/1.1";
  if (SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn - 1) != 0)
    throw TlsError("cannot set ALPN: " + take_openssl_error("?"));
  if (!ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1)
      throw TlsError("cannot load --ca " + ca_file + ": " + take_openssl_error("?"));
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), host.c_str()) != 1)
      throw TlsError("--ca: cannot verify the address " + host);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  return TlsContextPtr(context.release(), SslCtxDeleter{});
}

}  // namespace wsx::bench
