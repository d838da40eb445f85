// The decompressing half of permessage-deflate (RFC 7692 §7.2.2): one zlib
// inflate stream per connection, created when the first compressed message
// arrives, writing straight into the host's frame buffer and never past the
// size the host allows.
#pragma once

#include <wsx/extension.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <optional>

#include "codec_error.hpp"
#include "host_services.hpp"
#include "zlib_allocator.hpp"

namespace wsx::pmd {

struct InflaterSettings {
  // The LZ77 window agreed for what the peer sends (8-15).
  int window_bits = 15;
  // RFC 7692 §7.1.1: every incoming message starts with an empty window.
  bool no_context_takeover = false;
};

class Inflater {
 public:
  Inflater(const InflaterSettings& settings, MemoryGauge& gauge) noexcept;
  ~Inflater();
  // zlib keeps the z_stream's address (and ours as `opaque`): never move.
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Decompresses one frame of a compressed message and appends the result
  // to `out`, writing at most `max_output` bytes: past that it stops and
  // fails with 1009 (RFC 6455 §7.4.1) without asking for more memory.
  // Corrupt data fails with 1007.
  [[nodiscard]] std::optional<CodecError> decompress(wsx_bytes payload, bool final_frame,
                                                     std::uint64_t max_output, HostBuffer& out);

  // Call after a message's final frame. When the peer does not take over
  // context the stream forgets the window (inflateReset) but keeps its
  // memory, instead of freeing and faulting it back in every message.
  void end_message() noexcept;

  // zlib bytes this stream holds now.
  [[nodiscard]] std::size_t bytes_held() const noexcept { return memory_.in_use(); }

  // The window we inflate with for an agreed window (see inflater.cpp).
  [[nodiscard]] static int zlib_window_bits(int agreed_window_bits) noexcept;
  // The most this stream can hold, for the memory budget.
  [[nodiscard]] static std::size_t memory_bound(const InflaterSettings& settings) noexcept;
  // True if the linked zlib takes these settings (checked in create()).
  [[nodiscard]] static bool zlib_accepts(const InflaterSettings& settings) noexcept;

 private:
  class OutputLimit;

  bool open() noexcept;
  void close() noexcept;
  std::optional<CodecError> inflate_all(wsx_bytes input, OutputLimit& limit, HostBuffer& out);
  bool restart_keeping_window() noexcept;

  InflaterSettings settings_;
  StreamMemory memory_;
  z_stream stream_{};
  bool open_ = false;
  // True when the data so far ends where a DEFLATE block ends: at the start,
  // after a complete message, after a BFINAL block.
  bool at_block_boundary_ = true;
};

}  // namespace wsx::pmd
