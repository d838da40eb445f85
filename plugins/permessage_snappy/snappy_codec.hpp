// permessage-snappy's payload: the snappy framing format
// (github.com/google/snappy framing_format.txt), as python-snappy's
// StreamCompressor writes it and its StreamDecompressor reads it, which is
// what Autobahn|Python 22.x (compress_snappy.py) sends:
//
//   stream identifier  ff 06 00 00 's' 'N' 'a' 'P' 'p' 'Y'
//   data chunk         type (00 compressed, 01 uncompressed), 3-byte
//                      little-endian length, 4-byte masked CRC-32C of the
//                      uncompressed data, then the data (at most 65536
//                      bytes once uncompressed)
//   80..fe             skippable chunks; 02..7f reserved, unskippable
//
// "Context takeover" is the stream: with it, one snappy stream runs through
// every message of a connection, so only the first message starts with the
// identifier; without it, every message is a stream of its own and starts
// with one. Snappy has no dictionary across chunks, so that is all a
// context is. Every message ends on a chunk boundary.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "per_message_codec.hpp"

namespace wsx::snappy_framing {

/// Uncompressed bytes per data chunk at most (framing_format.txt 4.2, 4.3).
inline constexpr std::size_t kMaxChunkData = 65536;

/// What we send.
class Encoder {
 public:
  /// `no_context_takeover`: start every message with the stream identifier
  /// (a new stream), so the peer may decode each message on its own.
  explicit Encoder(bool no_context_takeover) noexcept : no_context_takeover_(no_context_takeover) {}

  codec::Outcome encode(std::span<const std::uint8_t> fragment, bool first, bool last,
                        sdk::BufferWriter& out);

 private:
  bool no_context_takeover_;
  bool identifier_sent_ = false;
};

/// What we receive.
class Decoder {
 public:
  /// `no_context_takeover`: the peer promised a new stream per message, so
  /// each message must start with the stream identifier.
  explicit Decoder(bool no_context_takeover) noexcept : no_context_takeover_(no_context_takeover) {}

  codec::Outcome decode(std::span<const std::uint8_t> fragment, bool first, bool last,
                        std::uint64_t max_output, sdk::BufferWriter& out);

 private:
  // Handles one whole chunk (header already read).
  codec::Outcome chunk(std::uint8_t type, std::span<const std::uint8_t> body,
                       std::uint64_t max_output, std::uint64_t& written, sdk::BufferWriter& out);

  bool no_context_takeover_;
  bool identifier_seen_ = false;
  // A chunk cut by a frame boundary: its header, then its body.
  std::array<std::uint8_t, 4> header_{};
  std::size_t header_size_ = 0;
  std::vector<std::uint8_t> body_;
  std::size_t skip_left_ = 0;  // rest of a skippable chunk
};

}  // namespace wsx::snappy_framing
