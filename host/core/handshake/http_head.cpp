#include "core/handshake/http_head.hpp"

#include <algorithm>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <limits>

#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

namespace http = boost::beast::http;

std::vector<std::string_view> header_values(const HttpHeaders& headers, std::string_view name) {
  std::vector<std::string_view> values;
  for (const HttpHeader& header : headers)
    if (iequals(header.name, name)) values.push_back(header.value);
  return values;
}

std::optional<std::string_view> single_header(const HttpHeaders& headers, std::string_view name) {
  std::optional<std::string_view> found;
  for (const HttpHeader& header : headers) {
    if (!iequals(header.name, name)) continue;
    if (found) return std::nullopt;
    found = header.value;
  }
  return found;
}

namespace {

std::string to_string(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

// Feeds `received` to `parser` until its header is done. Returns the status
// and sets `consumed`; every round consumes bytes or stops, so it ends.
template <bool isRequest, class Head>
void feed(http::parser<isRequest, http::empty_body>& parser, std::span<const std::uint8_t> received,
          std::size_t max_head_bytes, HeadParse<Head>& out) {
  // Beast's limit is 32-bit; anything larger means "no practical limit".
  const auto beast_limit = static_cast<std::uint32_t>(
      std::min<std::size_t>(max_head_bytes, std::numeric_limits<std::uint32_t>::max()));
  parser.header_limit(beast_limit);
  parser.eager(false);  // never read past the head into the WebSocket stream
  const auto* data = reinterpret_cast<const char*>(received.data());
  std::size_t consumed = 0;
  while (!parser.is_header_done()) {
    boost::beast::error_code ec;
    const std::size_t used =
        parser.put(boost::asio::const_buffer(data + consumed, received.size() - consumed), ec);
    consumed += used;
    if (ec == http::error::need_more) {
      if (used != 0) continue;
      // Beast only notices an oversized head once it has seen that many
      // bytes; so do we.
      out.status =
          received.size() >= max_head_bytes ? HeadStatus::too_large : HeadStatus::need_more;
      return;
    }
    if (ec == http::error::header_limit) {
      out.status = HeadStatus::too_large;
      return;
    }
    if (ec) {
      out.status = HeadStatus::malformed;
      out.error = ec.message();
      return;
    }
  }
  if (consumed > max_head_bytes) {
    out.status = HeadStatus::too_large;
    return;
  }
  out.status = HeadStatus::complete;
  out.consumed = consumed;
  for (const auto& field : parser.get())
    out.head.headers.push_back({to_string(field.name_string()), to_string(field.value())});
}

}  // namespace

HeadParse<RequestHead> parse_request_head(std::span<const std::uint8_t> received,
                                          std::size_t max_head_bytes) {
  HeadParse<RequestHead> out;
  http::request_parser<http::empty_body> parser;
  feed(parser, received, max_head_bytes, out);
  if (out.status != HeadStatus::complete) return out;
  const auto& message = parser.get();
  out.head.method = to_string(message.method_string());
  out.head.target = to_string(message.target());
  out.head.version = message.version();
  // A request without Content-Length or Transfer-Encoding has no body, and
  // Beast reports it done right after the head (RFC 7230 section 3.3.3).
  out.head.has_body = !parser.is_done();
  return out;
}

HeadParse<ResponseHead> parse_response_head(std::span<const std::uint8_t> received,
                                            std::size_t max_head_bytes) {
  HeadParse<ResponseHead> out;
  http::response_parser<http::empty_body> parser;
  feed(parser, received, max_head_bytes, out);
  if (out.status != HeadStatus::complete) return out;
  const auto& message = parser.get();
  out.head.status = message.result_int();
  out.head.reason = to_string(message.reason());
  out.head.version = message.version();
  return out;
}

}  // namespace wsx::core
