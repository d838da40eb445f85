// The client's half of permessage-deflate (RFC 7692 section 7.2) with zlib:
// raw DEFLATE, one sync flush per message with its trailing 00 00 ff ff
// removed, and the LZ77 window kept between messages (context takeover,
// which the host allows unless told otherwise).
#pragma once

#include <zlib.h>

#include <cstddef>
#include <optional>
#include <span>

#include "support/ws_frame.hpp"

namespace wsx::integration {

class MessageCompressor {
 public:
  MessageCompressor();
  ~MessageCompressor();
  MessageCompressor(const MessageCompressor&) = delete;
  MessageCompressor& operator=(const MessageCompressor&) = delete;

  // RFC 7692 section 7.2.1: compress, sync-flush, drop the 4-byte tail.
  Bytes compress(std::span<const std::uint8_t> message);
  // A part of a message that more parts follow: compressed and
  // sync-flushed, its 00 00 ff ff kept (an empty stored block, valid in the
  // middle of the stream), so each part inflates as soon as it arrives.
  Bytes compress_part(std::span<const std::uint8_t> part);

 private:
  z_stream stream_{};
};

class MessageDecompressor {
 public:
  // `window_bits`: the LZ77 window agreed for the server's messages (8-15,
  // RFC 7692 section 7.1.2.1); data reaching further back fails to inflate.
  explicit MessageDecompressor(int window_bits = 15);
  ~MessageDecompressor();
  MessageDecompressor(const MessageDecompressor&) = delete;
  MessageDecompressor& operator=(const MessageDecompressor&) = delete;

  // RFC 7692 section 7.2.2: append 00 00 ff ff and inflate. nullopt if the
  // data is corrupt or would inflate past `max_size`.
  std::optional<Bytes> decompress(std::span<const std::uint8_t> payload,
                                  std::size_t max_size = 64u << 20);

 private:
  z_stream stream_{};
};

// A compressed message payload (tail already dropped) that inflates to
// `inflated_mib` MiB of zeros: a compression bomb. It repeats one
// full-flushed block of 1 MiB zeros, so it costs one small compression to
// build, whatever its inflated size. DEFLATE cannot beat about 1032:1, so
// the payload is about inflated_mib KiB.
Bytes compression_bomb(std::size_t inflated_mib);

}  // namespace wsx::integration
