#include "upstream_url.hpp"

namespace wsx::config {

namespace {

constexpr std::string_view kUrlHelp =
    "use ws://HOST:PORT/PATH, e.g. \"ws://127.0.0.1:8080/chat\" or \"ws://[::1]:8080/\"";

std::string with_help(std::string message) {
  return message + "; " + std::string(kUrlHelp);
}

bool parse_port(std::string_view text, std::uint16_t& port) noexcept {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// RFC 3986 section 2: no spaces or controls in a URL; the request line would
// be malformed (RFC 7230 section 3.1.1).
bool has_bad_characters(std::string_view text) noexcept {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return true;
  }
  return false;
}

}  // namespace

std::string UpstreamUrl::host_header() const {
  const bool bracket = host.find(':') != std::string::npos;
  std::string text = bracket ? "[" + host + "]" : host;
  if (port != (secure ? 443 : 80)) text += ":" + std::to_string(port);
  return text;
}

std::variant<UpstreamUrl, std::string> parse_upstream_url(std::string_view text) {
  UpstreamUrl url;
  if (text.empty()) return with_help("must not be empty");
  if (has_bad_characters(text)) return with_help("contains spaces or control characters");
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return with_help("has no scheme");
  std::string scheme(text.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme == "wss") {
    url.secure = true;
    url.port = 443;
  } else if (scheme != "ws") {
    return with_help("scheme \"" + scheme + "\" is not ws or wss");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) {
    return with_help("has a fragment; RFC 6455 section 3 does not allow one");
  }
  const std::size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) {
    url.target = std::string(rest.substr(path_start));
    if (url.target.front() == '?') url.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    return with_help("has user information; credentials do not belong in the URL");
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return with_help("has an unclosed [ in its host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return with_help("has text after its ] that is not a :PORT");
      port = after.substr(1);
      if (port.empty()) return with_help("has a : but no port");
    }
    if (url.host.find(':') == std::string::npos) return with_help("brackets an IPv4 or a name");
  } else {
    const std::size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.find(':') != std::string_view::npos) {
        return with_help("has an IPv6 host without brackets");
      }
      if (port.empty()) return with_help("has a : but no port");
    }
  }
  if (url.host.empty()) return with_help("has no host");
  if (!port.empty() && !parse_port(port, url.port)) {
    return with_help("port \"" + std::string(port) + "\" is not a number from 1 to 65535");
  }
  return url;
}

}  // namespace wsx::config
