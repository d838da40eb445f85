#include "support/ws_client.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace wsx::integration {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "HTTP/1.1 426 Upgrade Required\r\nName: value\r\n..." (without the blank line).
HttpResponse parse_response_head(std::string head) {
  HttpResponse response;
  std::string_view rest = head;
  const auto next_line = [&rest] {
    const std::size_t end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
    return line;
  };
  const std::string_view status_line = next_line();
  if (status_line.starts_with("HTTP/1.1 ") && status_line.size() >= 12) {
    const std::string_view code = status_line.substr(9, 3);
    if (std::ranges::all_of(code, [](char c) { return c >= '0' && c <= '9'; })) {
      response.status = std::stoi(std::string(code));
    }
  }
  // Bounded by the head's length: each pass consumes at least one line.
  while (!rest.empty()) {
    const std::string_view line = next_line();
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                  std::string(trim(line.substr(colon + 1))));
  }
  response.head = std::move(head);
  return response;
}

std::string describe(const InFrame& frame) {
  std::string text =
      "[opcode=" + std::to_string(frame.opcode) + " fin=" + std::to_string(frame.fin ? 1 : 0) +
      " rsv=" + std::to_string(frame.rsv >> 4) + " len=" + std::to_string(frame.payload.size());
  if (frame.opcode == opcode::close) {
    if (const auto code = close_code(frame)) text += " code=" + std::to_string(*code);
    if (frame.payload.size() > 2) {
      text += " reason=\"" + std::string(frame.payload.begin() + 2, frame.payload.end()) + "\"";
    }
  }
  return text + "] ";
}

}  // namespace

std::string handshake_request(std::string_view extensions) {
  std::string request =
      "GET /chat HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Key: ";
  request += kSampleKey;
  request += "\r\nSec-WebSocket-Version: 13\r\n";
  if (!extensions.empty()) {
    request += "Sec-WebSocket-Extensions: ";
    request += extensions;
    request += "\r\n";
  }
  return request + "\r\n";
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (iequals(field, name)) return value;
  }
  return std::nullopt;
}

const char* to_string(ReadOutcome outcome) noexcept {
  switch (outcome) {
    case ReadOutcome::frame:
      return "frame";
    case ReadOutcome::timeout:
      return "timeout";
    case ReadOutcome::eof:
      return "end of stream";
    case ReadOutcome::error:
      return "socket error";
    case ReadOutcome::bad_frame:
      return "masked frame from the server";
  }
  return "?";
}

WsClient WsClient::connect(std::uint16_t port) {
  return WsClient(TcpSocket::connect_loopback(port));
}

WsClient WsClient::handshake(std::uint16_t port, std::string_view request,
                             std::chrono::milliseconds timeout) {
  WsClient client = connect(port);
  const auto deadline = Clock::now() + timeout;
  if (!client.socket_.write_all(request, deadline)) return client;
  client.read_response(
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
  return client;
}

bool WsClient::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Bounded by the deadline: every pass reads or returns.
  for (;;) {
    const std::string_view seen(reinterpret_cast<const char*>(received_.data()), received_.size());
    const std::size_t end = seen.find("\r\n\r\n");
    if (end != std::string_view::npos) {
      response_ = parse_response_head(std::string(seen.substr(0, end)));
      received_.erase(received_.begin(), received_.begin() + static_cast<std::ptrdiff_t>(end + 4));
      return true;
    }
    const ReadStatus status = socket_.read_some(received_, deadline);
    if (status != ReadStatus::data) {
      eof_ = status == ReadStatus::eof;
      response_.head =
          std::string(reinterpret_cast<const char*>(received_.data()), received_.size());
      return false;
    }
  }
}

WsClient WsClient::open(std::uint16_t port, std::string_view extensions) {
  WsClient client = handshake(port, handshake_request(extensions));
  const HttpResponse& response = client.response();
  if (response.status != 101 || response.header("Sec-WebSocket-Accept") != kSampleAccept) {
    throw std::runtime_error("WebSocket handshake failed; response:\n" + response.head);
  }
  return client;
}

bool WsClient::send(const OutFrame& frame) {
  return send_raw(encode_frame(frame));
}

bool WsClient::send_raw(std::span<const std::uint8_t> bytes) {
  return send_raw(bytes, 5s);
}

bool WsClient::send_raw(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout) {
  return socket_.write_all(bytes, Clock::now() + timeout);
}

void WsClient::note(const InFrame& frame) {
  // Kept short: only the start of a long exchange matters for a message.
  if (history_.size() < 2000) history_ += describe(frame);
}

ReadOutcome WsClient::read_frame(InFrame& out, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Bounded by the deadline: every pass parses a frame or reads.
  for (;;) {
    if (auto parsed = parse_frame(received_)) {
      out = std::move(parsed->first);
      received_.erase(received_.begin(),
                      received_.begin() + static_cast<std::ptrdiff_t>(parsed->second));
      note(out);
      if (out.masked) return ReadOutcome::bad_frame;  // RFC 6455 5.1
      return ReadOutcome::frame;
    }
    if (eof_) return ReadOutcome::eof;
    switch (socket_.read_some(received_, deadline)) {
      case ReadStatus::data:
        break;
      case ReadStatus::eof:
        eof_ = true;
        break;
      case ReadStatus::timeout:
        return ReadOutcome::timeout;
      case ReadStatus::error:
        return ReadOutcome::error;
    }
  }
}

std::optional<Message> WsClient::read_message(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Message message;
  // Bounded by the deadline through read_frame's own.
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    InFrame frame;
    if (left.count() <= 0 || read_frame(frame, left) != ReadOutcome::frame) return std::nullopt;
    if (frame.opcode == opcode::close) {
      last_close_ = std::move(frame);
      return std::nullopt;
    }
    if (frame.opcode >= 0x8) {
      message.control.push_back(std::move(frame));
      continue;
    }
    if (message.frames.empty()) {
      message.opcode = frame.opcode;
      message.first_rsv = frame.rsv;
    }
    message.payload.insert(message.payload.end(), frame.payload.begin(), frame.payload.end());
    const bool fin = frame.fin;
    message.frames.push_back(std::move(frame));
    if (fin) return message;
  }
}

std::optional<InFrame> WsClient::read_close(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    InFrame frame;
    if (left.count() <= 0 || read_frame(frame, left) != ReadOutcome::frame) return std::nullopt;
    if (frame.opcode == opcode::close) {
      last_close_ = frame;
      return frame;
    }
  }
}

bool WsClient::wait_for_eof(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Bounded by the deadline: every pass reads or returns.
  while (!eof_) {
    received_.clear();  // not interested in what arrives now
    switch (socket_.read_some(received_, deadline)) {
      case ReadStatus::data:
        break;
      case ReadStatus::eof:
      case ReadStatus::error:  // a reset ends the connection too
        eof_ = true;
        break;
      case ReadStatus::timeout:
        return false;
    }
  }
  return true;
}

std::optional<std::uint16_t> close_code(const InFrame& frame) {
  if (frame.payload.size() < 2) return std::nullopt;
  return static_cast<std::uint16_t>((frame.payload[0] << 8) | frame.payload[1]);
}

}  // namespace wsx::integration
