#include "metrics/metrics_http.hpp"

#include "metrics/prometheus_text.hpp"
#include "metrics/status_page.hpp"

namespace wsx::metrics {

namespace {

std::string_view reason_phrase(unsigned status) noexcept {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string build(unsigned status, std::string_view content_type, std::string_view body,
                  bool head_only, std::string_view extra_headers = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                    std::string(reason_phrase(status)) +
                    "\r\nContent-Type: " + std::string(content_type) +
                    "\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nCache-Control: no-store\r\nConnection: close\r\n";
  out += extra_headers;
  out += "\r\n";
  // HEAD: the same header fields, Content-Length included, and no content
  // (RFC 9110 section 9.3.2).
  if (!head_only) out += body;
  return out;
}

bool is_tchar(char c) noexcept {
  // RFC 9110 section 5.6.2: the characters of a method token.
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

ParsedRequest parse_request(std::string_view received) {
  ParsedRequest request;
  const std::size_t end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    request.state =
        received.size() > kMaxRequestHeadBytes ? RequestState::too_large : RequestState::need_more;
    return request;
  }
  if (end + 4 > kMaxRequestHeadBytes) {
    request.state = RequestState::too_large;
    return request;
  }
  // request-line = method SP request-target SP HTTP-version (RFC 9112
  // section 3).
  const std::string_view line = received.substr(0, received.find("\r\n"));
  const std::size_t first_space = line.find(' ');
  const std::size_t second_space =
      first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  request.state = RequestState::malformed;
  if (first_space == 0 || second_space == std::string_view::npos) return request;
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = line.substr(second_space + 1);
  for (char c : method)
    if (!is_tchar(c)) return request;
  if (target.empty() || target.front() != '/' || !version.starts_with("HTTP/1.")) return request;
  request.state = RequestState::complete;
  request.method = method;
  request.target = target;
  return request;
}

std::string error_response(unsigned status, std::string_view text) {
  return build(status, "text/plain; charset=utf-8", std::string(text) + "\n", false);
}

std::string respond(const ParsedRequest& request, const MetricsSource& source) {
  if (request.state == RequestState::too_large)
    return error_response(431, "request head too large");
  if (request.state != RequestState::complete) return error_response(400, "malformed request");
  const bool head = request.method == "HEAD";
  if (!head && request.method != "GET") {
    return build(405, "text/plain; charset=utf-8", "only GET and HEAD\n", false,
                 "Allow: GET, HEAD\r\n");
  }
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (path == "/metrics") return build(200, kPrometheusContentType, source.prometheus_text(), head);
  if (path == "/healthz") return build(200, "text/plain; charset=utf-8", "ok\n", head);
  if (path == "/readyz") {
    return source.ready() ? build(200, "text/plain; charset=utf-8", "ready\n", head)
                          : build(503, "text/plain; charset=utf-8", "not ready\n", head);
  }
  if (path == "/status.json") return build(200, "application/json", source.status_json(), head);
  if (path == "/" || path == "/index.html")
    return build(200, "text/html; charset=utf-8", kStatusPageHtml, head);
  return build(404, "text/plain; charset=utf-8", "not found\n", head);
}

}  // namespace wsx::metrics
