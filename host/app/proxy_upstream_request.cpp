#include "app/proxy_upstream_request.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "core/handshake/http_head.hpp"

namespace wsx::app {

namespace {

bool is_token_char(char c) noexcept {
  constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         extra.find(c) != std::string_view::npos;
}

// RFC 7239 section 4: a value that is not a token goes in a quoted-string
// (RFC 7230 section 3.2.6), with " and \ escaped.
std::string forwarded_value(std::string_view value) {
  if (!value.empty() && std::all_of(value.begin(), value.end(), is_token_char)) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

// The earlier hops' values, joined as one list (RFC 7230 section 3.2.2).
std::string joined(const core::HttpHeaders& headers, std::string_view name) {
  std::string out;
  for (std::string_view value : core::header_values(headers, name)) {
    if (!out.empty()) out += ", ";
    out.append(value);
  }
  return out;
}

std::string append_item(std::string list, std::string_view item) {
  if (!list.empty()) list += ", ";
  list.append(item);
  return list;
}

std::string target_for(const config::UpstreamUrl& upstream, std::string_view client_target) {
  if (upstream.target.find('?') != std::string::npos) return upstream.target;
  std::string prefix = upstream.target;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (client_target.empty() || client_target.front() != '/') return prefix + "/";
  return prefix + std::string(client_target);
}

}  // namespace

core::ClientHandshakeOptions upstream_handshake_options(
    const config::Proxy& proxy, const core::HandshakeRequest& client,
    const boost::asio::ip::address& client_address, bool client_uses_tls) {
  core::ClientHandshakeOptions options;
  options.host = proxy.upstream.host_header();
  options.target = target_for(proxy.upstream, client.target);
  options.origin = client.origin;
  options.subprotocols = client.subprotocols;
  for (const std::string& name : proxy.forward_headers) {
    for (std::string_view value : core::header_values(client.headers, name)) {
      options.extra_headers.push_back({name, std::string(value)});
    }
  }
  const std::string address = client_address.to_string();
  const std::string_view proto = client_uses_tls ? "https" : "http";
  options.extra_headers.push_back(
      {"X-Forwarded-For", append_item(joined(client.headers, "X-Forwarded-For"), address)});
  options.extra_headers.push_back({"X-Forwarded-Proto", std::string(proto)});
  // RFC 7239 section 6.1: an IPv6 node is bracketed (and so quoted).
  const std::string node = client_address.is_v6() ? "[" + address + "]" : address;
  std::string hop = "for=" + forwarded_value(node) + ";proto=" + std::string(proto);
  if (!client.host.empty()) hop += ";host=" + forwarded_value(client.host);
  options.extra_headers.push_back(
      {"Forwarded", append_item(joined(client.headers, "Forwarded"), hop)});
  return options;
}

}  // namespace wsx::app
