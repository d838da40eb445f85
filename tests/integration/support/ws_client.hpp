// A raw WebSocket client for black-box tests: it sends exactly the bytes a
// test asks for (valid or not) and reports exactly what the server sent back,
// frame by frame. It never answers pings or closes on its own: the test
// decides. Every read is bounded by a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/tcp_socket.hpp"
#include "support/ws_frame.hpp"

namespace wsx::integration {

using namespace std::chrono_literals;

// The key of RFC 6455 section 1.3's example and the accept value it implies.
inline constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr std::string_view kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

// A correct opening handshake request (RFC 6455 section 4.1), offering
// `extensions` in Sec-WebSocket-Extensions when not empty.
std::string handshake_request(std::string_view extensions = {});

struct HttpResponse {
  int status = 0;    // 0: no complete response head arrived
  std::string head;  // the head as received, for failure messages
  std::vector<std::pair<std::string, std::string>> headers;

  // The first field named `name` (case-insensitive), trimmed.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

enum class ReadOutcome { frame, timeout, eof, error, bad_frame };
[[nodiscard]] const char* to_string(ReadOutcome outcome) noexcept;

// One message assembled from data frames (control frames in between are kept
// apart, in `control`).
struct Message {
  std::uint8_t opcode = 0;
  std::uint8_t first_rsv = 0;  // RSV bits of the first frame
  Bytes payload;
  std::vector<InFrame> frames;   // the data frames as received
  std::vector<InFrame> control;  // control frames received in between
};

class WsClient {
 public:
  // Connects, sends `request` as is and reads the response head (up to
  // `timeout`). Does not judge the status: see response().
  static WsClient handshake(std::uint16_t port, std::string_view request,
                            std::chrono::milliseconds timeout = 5s);
  // Only connects: the test sends the request its own way (send_raw), then
  // calls read_response().
  static WsClient connect(std::uint16_t port);
  // Reads the response head (up to `timeout`); false if none arrived.
  bool read_response(std::chrono::milliseconds timeout = 5s);
  // A correct handshake; throws std::runtime_error unless the server
  // answers 101 with the right Sec-WebSocket-Accept.
  static WsClient open(std::uint16_t port, std::string_view extensions = {});

  [[nodiscard]] const HttpResponse& response() const noexcept { return response_; }

  // false if the bytes could not all be written (peer gone, or 5 s passed).
  bool send(const OutFrame& frame);
  bool send_raw(std::span<const std::uint8_t> bytes);
  // The same with its own bound: false once `timeout` passed before every
  // byte was written (a server that stopped reading), or the peer is gone.
  bool send_raw(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout);
  bool send_text(std::string_view text) {
    return send({.opcode = opcode::text, .payload = to_bytes(text)});
  }

  // The next frame the server sent.
  ReadOutcome read_frame(InFrame& out, std::chrono::milliseconds timeout = 5s);
  // The next whole message (data frames until FIN). nullopt on timeout, end
  // of stream, or a Close frame (kept in last_close()).
  std::optional<Message> read_message(std::chrono::milliseconds timeout = 5s);
  // Reads (and drops) frames until the server's Close frame; nullopt if the
  // stream ends or the timeout passes first.
  std::optional<InFrame> read_close(std::chrono::milliseconds timeout = 5s);
  // Reads (and drops) everything until the server closes TCP.
  bool wait_for_eof(std::chrono::milliseconds timeout = 5s);

  [[nodiscard]] const std::optional<InFrame>& last_close() const noexcept { return last_close_; }
  // Text describing what arrived, for failure messages.
  [[nodiscard]] const std::string& history() const noexcept { return history_; }
  void shutdown_write() noexcept { socket_.shutdown_write(); }

 private:
  explicit WsClient(TcpSocket socket) : socket_(std::move(socket)) {}
  void note(const InFrame& frame);

  TcpSocket socket_;
  HttpResponse response_;
  Bytes received_;  // bytes read and not parsed yet
  bool eof_ = false;
  std::optional<InFrame> last_close_;
  std::string history_;
};

// The close code of a Close frame's payload, if it has one.
[[nodiscard]] std::optional<std::uint16_t> close_code(const InFrame& frame);

}  // namespace wsx::integration
