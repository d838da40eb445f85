// wsx-client's opening handshake (RFC 6455 section 4.1) over a Transport:
// the request built by host/core's handshake_client, the response validated
// by it, extensions accepted by the loaded plugins' client factories.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/client_options.hpp"
#include "client/transport.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/handshake/handshake_client.hpp"

namespace wsx::client {

// The handshake failed: the server refused it (status != 101), its response
// broke RFC 6455 section 4.1 (e.g. an extension we never offered, section
// 9.1), or it did not answer in time.
class HandshakeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpenedConnection {
  core::ClientHandshake handshake;
  std::string offer;                   // our Sec-WebSocket-Extensions, "" for none
  std::vector<std::uint8_t> leftover;  // bytes after the response head: frames
};

// The request's Sec-WebSocket-Extensions: the factories' offers, or the
// hand-written --offer items instead (they are then what the response is
// checked against). Throws UsageError on a malformed --offer.
core::ClientRequest make_request(const ClientOptions& options, const core::FactoryList& factories);

// Writes `request` and reads until the response head is complete.
OpenedConnection open_connection(Transport& transport, const core::ClientRequest& request,
                                 const core::FactoryList& factories,
                                 std::chrono::steady_clock::time_point deadline);

}  // namespace wsx::client
