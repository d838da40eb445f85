// permessage-deflate done with zlib directly (RFC 7692 section 7.2), the
// reference the plugin is measured against: the same deflateInit2 settings
// (raw DEFLATE, window, memLevel, level), Z_SYNC_FLUSH per message with the
// trailing 00 00 ff ff removed, and inflate with that tail put back. No
// memory accounting, no host buffers, no C ABI: the least work the protocol
// allows, so the difference is what the plugin adds.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <span>
#include <vector>

namespace wsx::bench {

struct DeflateSettings {
  int level = 3;         // zlib level (the plugin's default compress_level)
  int window_bits = 15;  // a full window, as Beast and ws use
  int mem_level = 5;     // python-websockets' memLevel
  // RFC 7692 section 7.1.1: every message starts with an empty window.
  bool no_context_takeover = false;
};

class RawDeflater {
 public:
  explicit RawDeflater(const DeflateSettings& settings);
  ~RawDeflater();
  RawDeflater(const RawDeflater&) = delete;
  RawDeflater& operator=(const RawDeflater&) = delete;

  // One whole message, compressed as permessage-deflate sends it. The result
  // is valid until the next call. Throws std::runtime_error on a zlib error.
  std::span<const std::uint8_t> compress(std::span<const std::uint8_t> message);

 private:
  DeflateSettings settings_;
  z_stream stream_{};
  std::vector<std::uint8_t> out_;
};

class RawInflater {
 public:
  RawInflater(int window_bits, bool no_context_takeover);
  ~RawInflater();
  RawInflater(const RawInflater&) = delete;
  RawInflater& operator=(const RawInflater&) = delete;

  // One whole compressed message (tail removed, as on the wire). The result
  // is valid until the next call. Throws std::runtime_error on corrupt data.
  std::span<const std::uint8_t> decompress(std::span<const std::uint8_t> compressed);

 private:
  void inflate_into(const std::uint8_t* data, std::size_t size);

  bool no_context_takeover_;
  z_stream stream_{};
  std::vector<std::uint8_t> out_;
  std::size_t used_ = 0;
};

}  // namespace wsx::bench
