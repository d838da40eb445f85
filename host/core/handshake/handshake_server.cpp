#include "core/handshake/handshake_server.hpp"

#include "core/handshake/handshake_request_validation.hpp"
#include "core/handshake/http_response.hpp"

namespace wsx::core {

std::string_view HandshakeRequest::path() const noexcept {
  std::string_view path = target;
  if (path.empty() || path.front() != '/') {
    // absolute-form: skip "scheme://authority"
    const std::size_t scheme_end = path.find("://");
    if (scheme_end == std::string_view::npos) return path;
    const std::size_t slash = path.find('/', scheme_end + 3);
    if (slash == std::string_view::npos) return "/";
    path.remove_prefix(slash);
  }
  return path.substr(0, path.find_first_of("?#"));
}

std::optional<std::string> select_subprotocol(std::span<const std::string> offered,
                                              std::span<const std::string> supported) {
  for (const std::string& candidate : supported)
    for (const std::string& name : offered)
      if (name == candidate) return name;
  return std::nullopt;
}

std::string build_switching_protocols_response(std::string_view accept_key,
                                               const std::optional<std::string>& subprotocol,
                                               std::string_view extensions) {
  // RFC 6455 section 4.2.2 step 5.
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  response += accept_key;
  response += "\r\n";
  if (subprotocol) response += "Sec-WebSocket-Protocol: " + *subprotocol + "\r\n";
  if (!extensions.empty()) {
    response += "Sec-WebSocket-Extensions: ";
    response += extensions;
    response += "\r\n";
  }
  response += "\r\n";
  return response;
}

namespace {

void reject(ServerHandshake& handshake, unsigned status, std::string reason,
            const HttpHeaders& headers = {}) {
  handshake.state = HandshakeState::rejected;
  handshake.status = status;
  handshake.response = build_error_response(status, reason, headers);
  handshake.reason = std::move(reason);
  handshake.subprotocol.reset();
  handshake.extensions = ExtensionChain();
}

}  // namespace

ServerHandshake server_handshake(std::span<const std::uint8_t> received,
                                 const FactoryList& factories,
                                 const ServerHandshakeOptions& options) {
  ServerHandshake handshake;
  HeadParse<RequestHead> parsed = parse_request_head(received, options.max_head_bytes);
  switch (parsed.status) {
    case HeadStatus::need_more:
      return handshake;
    case HeadStatus::too_large:
      // RFC 6585 section 5.
      reject(
          handshake, 431,
          "the request head is larger than " + std::to_string(options.max_head_bytes) + " bytes");
      return handshake;
    case HeadStatus::malformed:
      reject(handshake, 400, "malformed HTTP request: " + parsed.error);
      return handshake;
    case HeadStatus::complete:
      break;
  }
  handshake.consumed = parsed.consumed;

  if (auto rejection = validate_handshake_request(std::move(parsed.head), handshake.request)) {
    reject(handshake, rejection->status, std::move(rejection->reason), rejection->headers);
    return handshake;
  }

  ServerNegotiation negotiation = negotiate_server(handshake.request.extension_offers, factories);
  handshake.negotiation_trace = std::move(negotiation.trace);
  if (!negotiation.ok()) {
    reject(handshake, 400, "extension negotiation failed: " + *negotiation.error);
    return handshake;
  }

  handshake.subprotocol = select_subprotocol(handshake.request.subprotocols, options.subprotocols);
  handshake.extensions = std::move(negotiation.chain);
  handshake.response =
      build_switching_protocols_response(compute_accept_key(handshake.request.key),
                                         handshake.subprotocol, negotiation.response_header);
  handshake.state = HandshakeState::accepted;
  handshake.status = 101;
  return handshake;
}

ServerHandshake server_handshake(std::string_view received, const FactoryList& factories,
                                 const ServerHandshakeOptions& options) {
  return server_handshake(
      std::span(reinterpret_cast<const std::uint8_t*>(received.data()), received.size()), factories,
      options);
}

}  // namespace wsx::core
