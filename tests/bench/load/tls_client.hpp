// The load tool's TLS client context (--tls): what every wss:// connection
// of a run shares. Connections drive it through net::TlsStream in the
// client role over memory BIOs (socket_driver.cpp), the way wsx-host drives
// its server side, so the tool keeps one recv() per read and one send()
// per flush.
#pragma once

#include <string>

#include "net/tls_context.hpp"

namespace wsx::bench {

// TLS 1.2 and 1.3, OpenSSL's default cipher suites, ALPN http/1.1 (RFC 7301),
// idle record buffers released. With `ca_file` the server's certificate
// must chain to it and name `host` (an IP literal) in its subjectAltName;
// without, nothing is verified: the benchmarks dial a loopback server whose
// certificate they made a moment ago. Throws TlsError.
[[nodiscard]] TlsContextPtr make_client_tls_context(const std::string& ca_file,
                                                    const std::string& host);

}  // namespace wsx::bench
