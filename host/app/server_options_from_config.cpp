#include "app/server_options_from_config.hpp"

namespace wsx::app {

ServerLimits server_limits_from_config(const config::Limits& limits) {
  ServerLimits out;
  out.max_message_size = limits.max_message_size;
  out.max_frame_size = limits.max_frame_size;
  out.max_connections = limits.max_connections;
  out.max_send_queue = limits.max_send_queue;
  out.handshake_timeout = limits.handshake_timeout;
  out.idle_timeout = limits.idle_timeout;
  out.ping_interval = limits.ping_interval;
  out.close_timeout = limits.close_timeout;
  return out;
}

ServerOptions server_options_from_config(const config::Server& server) {
  ServerOptions options;
  options.address = server.address;
  options.port = server.port;
  options.io_threads = server.io_threads;
  options.subprotocols = server.subprotocols;
  options.limits = server_limits_from_config(server.limits);
  return options;
}

}  // namespace wsx::app
