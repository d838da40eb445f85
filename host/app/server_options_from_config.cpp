#include "app/server_options_from_config.hpp"

#include "config/config_error.hpp"

namespace wsx::app {

ServerLimits server_limits_from_config(const config::Limits& limits) {
  ServerLimits out;
  out.max_message_size = limits.max_message_size;
  out.max_frame_size = limits.max_frame_size;
  out.max_connections = limits.max_connections;
  out.max_send_queue = limits.max_send_queue;
  out.max_buffered_input = limits.max_buffered_input;
  out.handshake_timeout = limits.handshake_timeout;
  out.idle_timeout = limits.idle_timeout;
  out.ping_interval = limits.ping_interval;
  out.close_timeout = limits.close_timeout;
  return out;
}

TlsSettings tls_settings_from_config(const config::Tls& tls) {
  TlsSettings out;
  out.certificate = tls.certificate;
  out.private_key = tls.private_key;
  out.ca = tls.ca;
  out.verify_client = tls.verify_client;
  out.tls1_3_only = tls.min_version == config::TlsVersion::tls1_3;
  return out;
}

TlsContext load_tls_context(const config::Tls& tls) {
  try {
    return make_tls_context(tls_settings_from_config(tls));
  } catch (const TlsError& error) {
    // Point at the key whose file failed; the key check blames the key.
    const std::string what = error.what();
    const auto names = [&](const std::filesystem::path& file) {
      return !file.empty() && what.rfind(file.string() + ":", 0) == 0;
    };
    if (names(tls.private_key)) {
      throw config::ConfigError(tls.private_key_where, "server.tls.private_key: " + what);
    }
    if (names(tls.ca)) throw config::ConfigError(tls.ca_where, "server.tls.ca: " + what);
    throw config::ConfigError(tls.certificate_where, "server.tls.certificate: " + what);
  }
}

ServerOptions server_options_from_config(const config::Server& server) {
  ServerOptions options;
  options.address = server.address;
  options.port = server.port;
  options.io_threads = server.io_threads;
  options.subprotocols = server.subprotocols;
  options.limits = server_limits_from_config(server.limits);
  if (server.tls.present) options.tls = load_tls_context(server.tls).context;
  return options;
}

}  // namespace wsx::app
