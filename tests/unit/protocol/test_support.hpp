// Helpers shared by the protocol tests. Frames are built and read here with a
// small encoder/decoder written independently of host/core/frame.cpp, so the
// tests check the production code against the RFC rather than against itself.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection/connection.hpp"

namespace wsx::core::test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}
inline std::string text_of(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}
inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// How a test frame encodes its payload length (5.2).
enum class LengthForm { minimal, force16, force64 };

struct FrameSpec {
  std::uint8_t opcode = 0x2;
  Bytes payload;
  bool fin = true;
  std::uint8_t rsv = 0;                             // already in bit position (0x40, 0x20, 0x10)
  std::optional<std::array<std::uint8_t, 4>> mask;  // masked with this key if set
  LengthForm length_form = LengthForm::minimal;
  std::optional<std::uint64_t> declared_length;  // lie about the length if set
};

// Encodes a frame the way RFC 6455 section 5.2 draws it.
inline Bytes encode(const FrameSpec& spec) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>((spec.fin ? 0x80 : 0) | spec.rsv | spec.opcode));
  const std::uint64_t length = spec.declared_length.value_or(spec.payload.size());
  const std::uint8_t mask_bit = spec.mask ? 0x80 : 0;
  LengthForm form = spec.length_form;
  if (form == LengthForm::minimal)
    form = length <= 125      ? LengthForm::minimal
           : length <= 0xFFFF ? LengthForm::force16
                              : LengthForm::force64;
  if (form == LengthForm::minimal) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | length));
  } else if (form == LengthForm::force16) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(length >> 8));
    out.push_back(static_cast<std::uint8_t>(length));
  } else {
    out.push_back(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(length >> shift));
  }
  Bytes payload = spec.payload;
  if (spec.mask) {
    out.insert(out.end(), spec.mask->begin(), spec.mask->end());
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= (*spec.mask)[i % 4];
  }
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

inline constexpr std::array<std::uint8_t, 4> client_key{0x12, 0x34, 0x56, 0x78};

inline FrameSpec spec_of(std::uint8_t opcode, const Bytes& payload, bool fin, std::uint8_t rsv,
                         bool masked) {
  FrameSpec spec;
  spec.opcode = opcode;
  spec.payload = payload;
  spec.fin = fin;
  spec.rsv = rsv;
  if (masked) spec.mask = client_key;
  return spec;
}

// A frame as a client would send it (masked with a fixed key).
inline Bytes client_frame(std::uint8_t opcode, const Bytes& payload, bool fin = true,
                          std::uint8_t rsv = 0) {
  return encode(spec_of(opcode, payload, fin, rsv, true));
}
// A masked frame with a chosen length encoding, optionally declaring a
// length other than the payload's (to send a header alone).
inline Bytes client_frame_with_length(std::uint8_t opcode, const Bytes& payload, LengthForm form,
                                      std::optional<std::uint64_t> declared_length = std::nullopt) {
  FrameSpec spec = spec_of(opcode, payload, true, 0, true);
  spec.length_form = form;
  spec.declared_length = declared_length;
  return encode(spec);
}
inline Bytes client_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                          std::uint8_t rsv = 0) {
  return client_frame(opcode, bytes_of(payload), fin, rsv);
}
// A frame as a server would send it (unmasked).
inline Bytes server_frame(std::uint8_t opcode, const Bytes& payload, bool fin = true,
                          std::uint8_t rsv = 0) {
  return encode(spec_of(opcode, payload, fin, rsv, false));
}
inline Bytes server_frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                          std::uint8_t rsv = 0) {
  return server_frame(opcode, bytes_of(payload), fin, rsv);
}

inline Bytes close_payload(std::uint16_t code, std::string_view reason = {}) {
  Bytes out{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)};
  out.insert(out.end(), reason.begin(), reason.end());
  return out;
}

// A frame read back from a connection's output.
struct Frame {
  bool fin = false;
  std::uint8_t rsv = 0;
  std::uint8_t opcode = 0;
  bool masked = false;
  std::array<std::uint8_t, 4> mask{};
  Bytes payload;  // unmasked
  std::size_t header_size = 0;
};

// Splits a byte stream into frames; fails the calling test on garbage.
std::vector<Frame> decode_frames(std::span<const std::uint8_t> stream);

// Everything the connection has queued for the socket, consumed.
Bytes drain(Connection& connection);

struct Event {
  enum Kind { message, ping, pong, close, error } kind;
  std::uint8_t opcode = 0;
  Bytes payload;
  std::uint16_t code = 0;
  std::string reason;
  friend bool operator==(const Event&, const Event&) = default;
};

// Records every event; optionally echoes messages back (send from inside a
// callback, as the echo application does).
class RecordingHandler : public ConnectionHandler {
 public:
  explicit RecordingHandler(Connection* echo_to = nullptr) : echo_to_(echo_to) {}
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override;
  void on_ping(std::span<const std::uint8_t> payload) override;
  void on_pong(std::span<const std::uint8_t> payload) override;
  void on_close(std::uint16_t code, std::string_view reason) override;
  void on_protocol_error(std::uint16_t code, std::string_view reason) override;

  std::vector<Event> events;
  // Where the last on_message payload pointed (to check zero-copy delivery).
  const std::uint8_t* last_message_data = nullptr;

  [[nodiscard]] std::vector<std::string> messages() const;
  [[nodiscard]] const Event* first_error() const;

 private:
  Connection* echo_to_;
};

// Feeds `stream` in pieces of `chunk` bytes (0: all at once), copying each
// piece into a fresh buffer as a socket read would.
void feed(Connection& connection, const Bytes& stream, ConnectionHandler& handler,
          std::size_t chunk = 0);

}  // namespace wsx::core::test
