// The metrics listener's HTTP, sans-I/O: from request bytes to the response
// bytes (net/metrics_listener.cpp does the sockets). HTTP/1.1 (RFC 9110,
// RFC 9112), one request per connection (the response says
// "Connection: close"), which is all a Prometheus scraper, a probe or a
// browser polling the status page needs.
//
// Routes (GET, and HEAD for the same without the body, RFC 9110 section
// 9.3.2; any other method is 405 with an Allow header, section 15.5.6):
//   /metrics      Prometheus text exposition format
//   /healthz      200 "ok" while the process serves at all (liveness)
//   /readyz       200 when ready, 503 while starting or draining (readiness)
//   /status.json  the status page's data (metrics/status_json.hpp)
//   /             the status page (metrics/status_page.html)
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace wsx::metrics {

// Request heads larger than this are refused (431): no probe or scraper
// sends one, and the listener must not buffer without bound.
inline constexpr std::size_t kMaxRequestHeadBytes = 8 * 1024;

// What the routes read, called on the listener's thread.
struct MetricsSource {
  std::function<std::string()> prometheus_text;
  std::function<std::string()> status_json;
  std::function<bool()> ready;
};

enum class RequestState { need_more, complete, too_large, malformed };

struct ParsedRequest {
  RequestState state = RequestState::need_more;
  std::string method;
  std::string target;  // origin-form, e.g. "/metrics?x=1"
};

// Parses the request line of `received` once the whole head (up to the
// empty line) is there. Only the request line matters; header fields are
// skipped (none changes what is served).
[[nodiscard]] ParsedRequest parse_request(std::string_view received);

// The whole response (status line, headers, body) to `request`.
[[nodiscard]] std::string respond(const ParsedRequest& request, const MetricsSource& source);

// A bare response with `status` and a one-line text body.
[[nodiscard]] std::string error_response(unsigned status, std::string_view text);

}  // namespace wsx::metrics
