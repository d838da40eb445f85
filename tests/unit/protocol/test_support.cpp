#include "test_support.hpp"

#include <gtest/gtest.h>

namespace wsx::core::test {

std::vector<Frame> decode_frames(std::span<const std::uint8_t> stream) {
  std::vector<Frame> frames;
  std::size_t at = 0;
  while (at < stream.size()) {
    Frame frame;
    if (stream.size() - at < 2) {
      ADD_FAILURE() << "truncated frame header at " << at;
      return frames;
    }
    const std::size_t start = at;
    frame.fin = (stream[at] & 0x80) != 0;
    frame.rsv = stream[at] & 0x70;
    frame.opcode = stream[at] & 0x0F;
    frame.masked = (stream[at + 1] & 0x80) != 0;
    std::uint64_t length = stream[at + 1] & 0x7F;
    at += 2;
    const std::size_t extended = length == 126 ? 2 : length == 127 ? 8 : 0;
    if (extended != 0) {
      length = 0;
      for (std::size_t i = 0; i < extended; ++i) length = (length << 8) | stream[at + i];
      at += extended;
    }
    if (frame.masked) {
      for (std::size_t i = 0; i < 4; ++i) frame.mask[i] = stream[at + i];
      at += 4;
    }
    if (stream.size() - at < length) {
      ADD_FAILURE() << "truncated frame payload at " << start;
      return frames;
    }
    frame.payload.assign(stream.begin() + static_cast<std::ptrdiff_t>(at),
                         stream.begin() + static_cast<std::ptrdiff_t>(at + length));
    if (frame.masked)
      for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= frame.mask[i % 4];
    frame.header_size = at - start;
    at += length;
    frames.push_back(std::move(frame));
  }
  return frames;
}

Bytes drain(Connection& connection) {
  Bytes out;
  for (int guard = 0; guard < 1000; ++guard) {
    const auto pending = connection.pending_output();
    if (pending.empty()) break;
    out.insert(out.end(), pending.begin(), pending.end());
    connection.consume_output(pending.size());
  }
  return out;
}

void RecordingHandler::on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) {
  last_message_data = payload.data();
  events.push_back({Event::message, opcode, Bytes(payload.begin(), payload.end()), 0, {}});
  if (echo_to_ != nullptr) {
    if (opcode == WSX_OPCODE_TEXT)
      echo_to_->send_text(payload);
    else
      echo_to_->send_binary(payload);
  }
}

void RecordingHandler::on_ping(std::span<const std::uint8_t> payload) {
  events.push_back({Event::ping, 0, Bytes(payload.begin(), payload.end()), 0, {}});
}

void RecordingHandler::on_pong(std::span<const std::uint8_t> payload) {
  events.push_back({Event::pong, 0, Bytes(payload.begin(), payload.end()), 0, {}});
}

void RecordingHandler::on_close(std::uint16_t code, std::string_view reason) {
  events.push_back({Event::close, 0, {}, code, std::string(reason)});
}

void RecordingHandler::on_protocol_error(std::uint16_t code, std::string_view reason) {
  events.push_back({Event::error, 0, {}, code, std::string(reason)});
}

std::vector<std::string> RecordingHandler::messages() const {
  std::vector<std::string> out;
  for (const Event& event : events)
    if (event.kind == Event::message) out.push_back(text_of(event.payload));
  return out;
}

const Event* RecordingHandler::first_error() const {
  for (const Event& event : events)
    if (event.kind == Event::error) return &event;
  return nullptr;
}

void feed(Connection& connection, const Bytes& stream, ConnectionHandler& handler,
          std::size_t chunk) {
  if (chunk == 0) chunk = stream.size() == 0 ? 1 : stream.size();
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    const std::size_t size = std::min(chunk, stream.size() - at);
    Bytes piece(stream.begin() + static_cast<std::ptrdiff_t>(at),
                stream.begin() + static_cast<std::ptrdiff_t>(at + size));
    connection.receive(piece, handler);
  }
}

}  // namespace wsx::core::test
