#include "app/proxy_route_from_config.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <stdexcept>
#include <string>

#include "app/proxy_upstream_factories.hpp"
#include "app/proxy_upstream_request.hpp"
#include "app/proxy_upstream_tls.hpp"

namespace wsx::app {

net::ProxyRoute proxy_route_from_config(const config::Proxy& proxy,
                                        const core::FactoryList& client_factories,
                                        bool client_uses_tls) {
  net::ProxyRoute route;
  route.factories = upstream_offer_factories(proxy, client_factories);
  route.connect_timeout = proxy.connect_timeout;
  route.handshake_timeout = proxy.handshake_timeout;
  route.tls = load_upstream_tls_context(proxy);
  if (route.tls) route.server_name = proxy.upstream.host;
  // Resolved once, at start-up: a name lookup per client connection would
  // block its I/O thread (getaddrinfo has no non-blocking form).
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code error;
  const auto results =
      resolver.resolve(proxy.upstream.host, std::to_string(proxy.upstream.port), error);
  if (error || results.empty()) {
    throw std::runtime_error(
        "[server.proxy] upstream host \"" + proxy.upstream.host +
        "\" does not resolve: " + (error ? error.message() : std::string("no address")));
  }
  route.upstream = results.begin()->endpoint();
  route.request_for = [proxy, client_uses_tls](const core::HandshakeRequest& client,
                                               const boost::asio::ip::address& address) {
    return upstream_handshake_options(proxy, client, address, client_uses_tls);
  };
  return route;
}

}  // namespace wsx::app
