#include "app/proxy_upstream_tls.hpp"

#include <string>

#include "config/config_error.hpp"
#include "net/tls_client_context.hpp"

namespace wsx::app {

TlsContextPtr load_upstream_tls_context(const config::Proxy& proxy) {
  if (!proxy.upstream.secure) return nullptr;
  TlsClientSettings settings;
  settings.ca = proxy.ca;
  settings.certificate = proxy.certificate;
  settings.private_key = proxy.private_key;
  try {
    return make_tls_client_context(settings);
  } catch (const TlsError& error) {
    // Point at the key whose file failed; the key check blames the key.
    const std::string what = error.what();
    const auto names = [&](const std::filesystem::path& file) {
      return !file.empty() && what.rfind(file.string() + ":", 0) == 0;
    };
    if (names(proxy.private_key)) {
      throw config::ConfigError(proxy.private_key_where, "server.proxy.private_key: " + what);
    }
    if (names(proxy.certificate)) {
      throw config::ConfigError(proxy.certificate_where, "server.proxy.certificate: " + what);
    }
    if (names(proxy.ca)) throw config::ConfigError(proxy.ca_where, "server.proxy.ca: " + what);
    throw config::ConfigError(proxy.ca_where, "server.proxy: " + what);
  }
}

}  // namespace wsx::app
