#include "core/handshake/http_response.hpp"

#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

std::string_view reason_phrase(unsigned status) noexcept {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      break;
  }
  if (status >= 500) return "Server Error";
  if (status >= 400) return "Client Error";
  return "Unknown";
}

std::string build_error_response(unsigned status, std::string_view reason,
                                 std::span<const HttpHeader> extra) {
  // The body is the reason on one line; limits keep a response small even
  // when the reason quotes a long piece of the request.
  const std::string body = printable(reason, 1024) + "\n";
  bool has_connection = false;
  std::string fields;
  for (const HttpHeader& header : extra) {
    has_connection = has_connection || iequals(header.name, "Connection");
    fields += printable(header.name, 256) + ": " + printable(header.value, 1024) + "\r\n";
  }

  std::string response = "HTTP/1.1 " + std::to_string(status) + " ";
  response += reason_phrase(status);
  response += "\r\n";
  if (!has_connection) response += "Connection: close\r\n";
  response += "Content-Type: text/plain; charset=utf-8\r\n";
  response += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  response += fields;
  response += "\r\n";
  response += body;
  return response;
}

}  // namespace wsx::core
