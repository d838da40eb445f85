// Reading the head (start line + header fields) of an HTTP/1.1 request or
// response from bytes received so far, with Boost.Beast's parser (header
// only, no I/O). The opening handshake needs nothing else from HTTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsx::core {

struct HttpHeader {
  std::string name;
  std::string value;
  friend bool operator==(const HttpHeader&, const HttpHeader&) = default;
};

// Header fields in the order received; names keep the peer's spelling.
using HttpHeaders = std::vector<HttpHeader>;

// Values of every field named `name` (ASCII case-insensitive), in order.
[[nodiscard]] std::vector<std::string_view> header_values(const HttpHeaders& headers,
                                                          std::string_view name);
// The value of the only field named `name`; nullopt if absent or repeated.
[[nodiscard]] std::optional<std::string_view> single_header(const HttpHeaders& headers,
                                                            std::string_view name);

struct RequestHead {
  std::string method;
  std::string target;
  unsigned version = 0;  // 11 for HTTP/1.1
  HttpHeaders headers;
  // True if Content-Length > 0 or Transfer-Encoding announces a body.
  bool has_body = false;
};

struct ResponseHead {
  unsigned status = 0;
  std::string reason;
  unsigned version = 0;
  HttpHeaders headers;
};

enum class HeadStatus {
  need_more,  // the head is not complete yet: call again with more bytes
  complete,   // `head` is filled and `consumed` says where the head ended
  too_large,  // the head exceeds the limit (or would, once complete)
  malformed,  // not HTTP/1.x; `error` says why
};

template <class Head>
struct HeadParse {
  HeadStatus status = HeadStatus::need_more;
  // Bytes of the head, including the empty line that ends it. Bytes after it
  // are not HTTP (after an upgrade they belong to the WebSocket stream).
  std::size_t consumed = 0;
  Head head;
  std::string error;
};

// `received` is everything received so far on the connection; each call
// parses from its start (Beast's parser needs the whole head in one buffer
// anyway). `max_head_bytes` bounds the start line plus all header fields.
[[nodiscard]] HeadParse<RequestHead> parse_request_head(std::span<const std::uint8_t> received,
                                                        std::size_t max_head_bytes);
[[nodiscard]] HeadParse<ResponseHead> parse_response_head(std::span<const std::uint8_t> received,
                                                          std::size_t max_head_bytes);

}  // namespace wsx::core
