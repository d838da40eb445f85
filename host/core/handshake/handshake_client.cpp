#include "core/handshake/handshake_client.hpp"

#include <array>

#include "core/extensions/extensions_header.hpp"
#include "core/extensions/negotiation.hpp"
#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

namespace {

// Visible ASCII only: no space, no control character that could end a line.
bool is_visible_ascii(std::string_view text) noexcept {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return true;
}

// A field value without CR, LF or other control characters (HTAB allowed).
bool is_field_value(std::string_view text) noexcept {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

std::optional<std::string> check_options(const ClientHandshakeOptions& options) {
  if (options.host.empty() || !is_visible_ascii(options.host))
    return "the Host value \"" + printable(options.host, 40) + "\" is empty or not visible ASCII";
  if (options.target.empty() || options.target.front() != '/' || !is_visible_ascii(options.target))
    return "the request target \"" + printable(options.target, 40) + "\" is not a path";
  if (options.origin && (options.origin->empty() || !is_field_value(*options.origin)))
    return std::string("the Origin value is empty or holds a control character");
  for (const std::string& name : options.subprotocols)
    if (!is_token(name)) return "subprotocol \"" + printable(name, 40) + "\" is not a token";
  for (const HttpHeader& header : options.extra_headers)
    if (!is_token(header.name) || !is_field_value(header.value))
      return "extra header \"" + printable(header.name, 40) + "\" has a bad name or value";
  return std::nullopt;
}

std::string join(std::span<const std::string> names) {
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace

ClientRequest build_client_request(const ClientHandshakeOptions& options,
                                   const FactoryList& factories, const NonceSource& nonce_source) {
  ClientRequest request;
  if (!nonce_source) {
    request.error = "no nonce source to draw the Sec-WebSocket-Key from";
    return request;
  }
  if (auto error = check_options(options)) {
    request.error = std::move(error);
    return request;
  }
  ClientOffers offers = build_client_offers(factories);
  if (!offers.ok()) {
    request.error = std::move(offers.error);
    return request;
  }
  std::string extensions_header;
  if (!offers.offers.empty()) {
    std::string why;
    auto header = serialize_extensions(offers.offers, &why);
    if (!header) {
      request.error = "cannot write the Sec-WebSocket-Extensions offer: " + why;
      return request;
    }
    extensions_header = std::move(*header);
  }

  std::array<std::uint8_t, 16> nonce{};
  nonce_source(nonce);
  request.key = make_client_key(nonce);
  request.extension_offers = std::move(offers.offers);
  request.subprotocols = options.subprotocols;

  // RFC 6455 section 4.1, items 1 to 11 of the client's requirements.
  std::string& out = request.bytes;
  out = "GET " + options.target + " HTTP/1.1\r\n";
  out += "Host: " + options.host + "\r\n";
  out += "Upgrade: websocket\r\n";
  out += "Connection: Upgrade\r\n";
  out += "Sec-WebSocket-Key: " + request.key + "\r\n";
  out += "Sec-WebSocket-Version: 13\r\n";
  if (options.origin) out += "Origin: " + *options.origin + "\r\n";
  if (!options.subprotocols.empty())
    out += "Sec-WebSocket-Protocol: " + join(options.subprotocols) + "\r\n";
  if (!extensions_header.empty()) out += "Sec-WebSocket-Extensions: " + extensions_header + "\r\n";
  for (const HttpHeader& header : options.extra_headers)
    out += header.name + ": " + header.value + "\r\n";
  out += "\r\n";
  return request;
}

namespace {

// The server's subprotocol choice, or why it is not acceptable.
std::optional<std::string> read_subprotocol(const HttpHeaders& headers,
                                            const ClientRequest& request,
                                            std::optional<std::string>& selected) {
  const std::vector<std::string_view> values = header_values(headers, "Sec-WebSocket-Protocol");
  if (values.empty()) return std::nullopt;
  std::vector<std::string_view> names;
  for (std::string_view value : values)
    for (std::string_view name : split_list(value)) names.push_back(name);
  // RFC 6455 section 4.2.2 step 5.2: the server selects ONE.
  if (names.size() != 1)
    return std::string("the server selected several subprotocols, or an empty one");
  // RFC 6455 section 4.1: a subprotocol the client did not offer fails.
  for (const std::string& offered : request.subprotocols) {
    if (offered == names.front()) {
      selected = offered;
      return std::nullopt;
    }
  }
  return "the server selected subprotocol \"" + printable(names.front(), 40) +
         "\", which was not offered";
}

// Every check of RFC 6455 section 4.1 on a complete response head.
std::optional<std::string> validate_response(const ResponseHead& head, const ClientRequest& request,
                                             const FactoryList& factories,
                                             ClientHandshake& handshake) {
  // "If the status code received from the server is not 101, the client
  // handles the response per HTTP procedures": for us, a failed handshake.
  if (head.status != 101)
    return "the server answered " + std::to_string(head.status) + " " + printable(head.reason, 60);
  bool upgrade_websocket = false;
  for (std::string_view value : header_values(head.headers, "Upgrade"))
    upgrade_websocket = upgrade_websocket || list_contains(value, "websocket");
  if (!upgrade_websocket) return std::string("the response's Upgrade header is not \"websocket\"");
  bool connection_upgrade = false;
  for (std::string_view value : header_values(head.headers, "Connection"))
    connection_upgrade = connection_upgrade || list_contains(value, "upgrade");
  if (!connection_upgrade) return std::string("the response's Connection header lacks \"Upgrade\"");

  const auto accept = single_header(head.headers, "Sec-WebSocket-Accept");
  if (!accept) return std::string("the response needs exactly one Sec-WebSocket-Accept header");
  if (trim_ows(*accept) != compute_accept_key(request.key))
    return "Sec-WebSocket-Accept \"" + printable(*accept, 40) + "\" does not match the key sent";

  const std::vector<std::string_view> extension_values =
      header_values(head.headers, "Sec-WebSocket-Extensions");
  std::vector<ExtensionItem> accepted;
  if (!extension_values.empty()) {
    ParsedExtensions parsed = parse_extensions_headers(extension_values);
    if (!parsed.ok())
      return "malformed Sec-WebSocket-Extensions in the response: " + parsed.error->message();
    accepted = std::move(parsed.items);
  }
  if (auto error = read_subprotocol(head.headers, request, handshake.subprotocol)) return error;

  ClientNegotiation negotiation =
      accept_client_response(accepted, factories, request.extension_offers);
  if (!negotiation.ok()) return std::move(negotiation.error);
  handshake.extensions = std::move(negotiation.chain);
  return std::nullopt;
}

}  // namespace

ClientHandshake client_handshake(std::span<const std::uint8_t> received,
                                 const ClientRequest& request, const FactoryList& factories,
                                 std::size_t max_head_bytes) {
  ClientHandshake handshake;
  HeadParse<ResponseHead> parsed = parse_response_head(received, max_head_bytes);
  switch (parsed.status) {
    case HeadStatus::need_more:
      return handshake;
    case HeadStatus::too_large:
      handshake.state = HandshakeState::rejected;
      handshake.reason =
          "the response head is larger than " + std::to_string(max_head_bytes) + " bytes";
      return handshake;
    case HeadStatus::malformed:
      handshake.state = HandshakeState::rejected;
      handshake.reason = "malformed HTTP response: " + parsed.error;
      return handshake;
    case HeadStatus::complete:
      break;
  }
  handshake.consumed = parsed.consumed;
  handshake.status = parsed.head.status;
  if (auto error = validate_response(parsed.head, request, factories, handshake)) {
    handshake.state = HandshakeState::rejected;
    handshake.reason = std::move(*error);
    handshake.subprotocol.reset();
    handshake.extensions = ExtensionChain();
  } else {
    handshake.state = HandshakeState::accepted;
  }
  handshake.headers = std::move(parsed.head.headers);
  return handshake;
}

ClientHandshake client_handshake(std::string_view received, const ClientRequest& request,
                                 const FactoryList& factories, std::size_t max_head_bytes) {
  return client_handshake(
      std::span(reinterpret_cast<const std::uint8_t*>(received.data()), received.size()), request,
      factories, max_head_bytes);
}

}  // namespace wsx::core
