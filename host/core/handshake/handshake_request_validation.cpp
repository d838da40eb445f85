#include "core/handshake/handshake_request_validation.hpp"

#include "core/extensions/extensions_header.hpp"
#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

namespace {

HandshakeRejection bad_request(std::string reason) {
  return HandshakeRejection{400, std::move(reason), {}};
}

// RFC 7230 section 5.3: origin-form ("/path?query") or absolute-form
// ("ws://host/path", which servers must accept). Anything else (asterisk-
// or authority-form) cannot name a WebSocket resource.
bool is_resource_target(std::string_view target) {
  if (target.empty()) return false;
  if (target.front() == '/') return true;
  const std::size_t scheme_end = target.find("://");
  return scheme_end != std::string_view::npos && scheme_end != 0 &&
         is_token(target.substr(0, scheme_end));
}

std::optional<HandshakeRejection> check_method_and_version(const HandshakeRequest& head) {
  // RFC 6455 section 4.1 item 2: "The method of the request MUST be GET".
  // 405 rather than a bare 400: it names the problem precisely, and RFC 7231
  // section 6.5.5 gives the client the Allow field to act on.
  if (head.method != "GET")
    return HandshakeRejection{405,
                              "the WebSocket opening handshake must be a GET request, not " +
                                  printable(head.method, 20) + " (RFC 6455 section 4.1)",
                              {{"Allow", "GET"}}};
  // "... and the HTTP version MUST be at least 1.1."
  if (head.http_version < 11)
    return bad_request(
        "the WebSocket opening handshake needs HTTP/1.1 or later (RFC 6455 section 4.1)");
  if (!is_resource_target(head.target))
    return bad_request("the request target \"" + printable(head.target, 40) + "\" is not a path");
  return std::nullopt;
}

std::optional<HandshakeRejection> check_upgrade_fields(const HttpHeaders& headers) {
  // RFC 6455 section 4.2.1 items 3 and 4. Both fields are lists (RFC 7230
  // sections 6.1 and 6.7) whose tokens compare case-insensitively, so
  // "keep-alive, Upgrade" and "WebSocket" qualify.
  bool upgrade_websocket = false;
  for (std::string_view value : header_values(headers, "Upgrade"))
    upgrade_websocket = upgrade_websocket || list_contains(value, "websocket");
  if (!upgrade_websocket)
    return bad_request("the Upgrade header must contain \"websocket\" (RFC 6455 section 4.2.1)");

  bool connection_upgrade = false;
  for (std::string_view value : header_values(headers, "Connection"))
    connection_upgrade = connection_upgrade || list_contains(value, "upgrade");
  if (!connection_upgrade)
    return bad_request("the Connection header must contain \"Upgrade\" (RFC 6455 section 4.2.1)");
  return std::nullopt;
}

std::optional<HandshakeRejection> check_version(const HttpHeaders& headers) {
  // RFC 6455 section 4.2.2: a version the server does not speak is answered
  // with 426 and the versions it does speak.
  const auto version = single_header(headers, "Sec-WebSocket-Version");
  if (!version || trim_ows(*version) != kWebSocketVersion) {
    const std::string got = version ? "\"" + printable(*version, 20) + "\""
                            : header_values(headers, "Sec-WebSocket-Version").empty() ? "none"
                                                                                      : "several";
    return HandshakeRejection{
        426,
        "unsupported Sec-WebSocket-Version " + got + ", this server speaks 13",
        {{"Sec-WebSocket-Version", std::string(kWebSocketVersion)}}};
  }
  return std::nullopt;
}

std::optional<HandshakeRejection> read_subprotocols(const HttpHeaders& headers,
                                                    std::vector<std::string>& out) {
  // RFC 6455 section 4.1 item 10: a list of tokens, possibly in several fields.
  for (std::string_view value : header_values(headers, "Sec-WebSocket-Protocol")) {
    for (std::string_view name : split_list(value)) {
      if (!is_token(name))
        return bad_request("Sec-WebSocket-Protocol: \"" + printable(name, 40) +
                           "\" is not a token (RFC 6455 section 4.1)");
      out.emplace_back(name);
    }
  }
  return std::nullopt;
}

std::optional<HandshakeRejection> read_extension_offers(const HttpHeaders& headers,
                                                        std::vector<ExtensionItem>& out) {
  const std::vector<std::string_view> values = header_values(headers, "Sec-WebSocket-Extensions");
  if (values.empty()) return std::nullopt;
  ParsedExtensions parsed = parse_extensions_headers(values);
  if (!parsed.ok())
    return bad_request("malformed Sec-WebSocket-Extensions header: " + parsed.error->message());
  out = std::move(parsed.items);
  return std::nullopt;
}

}  // namespace

std::optional<HandshakeRejection> validate_handshake_request(RequestHead head,
                                                             HandshakeRequest& request) {
  request.method = std::move(head.method);
  request.target = std::move(head.target);
  request.http_version = head.version;
  request.headers = std::move(head.headers);
  const HttpHeaders& headers = request.headers;

  if (auto rejection = check_method_and_version(request)) return rejection;

  // RFC 6455 section 4.1 item 4 and RFC 7230 section 5.4: exactly one Host.
  const auto host = single_header(headers, "Host");
  if (!host || host->empty())
    return bad_request(header_values(headers, "Host").empty()
                           ? "the request has no Host header (RFC 6455 section 4.1)"
                           : "the request must have exactly one non-empty Host header");
  request.host = std::string(*host);

  if (auto rejection = check_upgrade_fields(headers)) return rejection;
  // The version comes before the key: a client of another version may use
  // another key format, and deserves the 426 that tells it what we speak.
  if (auto rejection = check_version(headers)) return rejection;

  // RFC 6455 section 4.2.1 item 5: base64 of exactly 16 bytes.
  const auto key = single_header(headers, "Sec-WebSocket-Key");
  if (!key)
    return bad_request(header_values(headers, "Sec-WebSocket-Key").empty()
                           ? "the request has no Sec-WebSocket-Key header"
                           : "the request has several Sec-WebSocket-Key headers");
  const std::string_view key_text = trim_ows(*key);
  if (!is_valid_client_key(key_text))
    return bad_request("Sec-WebSocket-Key \"" + printable(key_text, 40) +
                       "\" is not the base64 of 16 bytes (RFC 6455 section 4.1)");
  request.key = std::string(key_text);

  if (!header_values(headers, "Origin").empty()) {
    const auto origin = single_header(headers, "Origin");
    if (!origin) return bad_request("the request has several Origin headers");
    request.origin = std::string(*origin);
  }
  if (auto rejection = read_subprotocols(headers, request.subprotocols)) return rejection;
  if (auto rejection = read_extension_offers(headers, request.extension_offers)) return rejection;

  // Bytes after the head are WebSocket frames; a body announced by the
  // request would be read as frames (and is a request-smuggling hazard).
  if (head.has_body) return bad_request("the opening handshake request must not have a body");
  return std::nullopt;
}

}  // namespace wsx::core
