// The compressing half of permessage-deflate (RFC 7692 §7.2.1): one zlib
// deflate stream per connection, created when the first message needs it.
#pragma once

#include <wsx/extension.h>
#include <zlib.h>

#include <cstddef>
#include <optional>

#include "codec_error.hpp"
#include "host_services.hpp"
#include "zlib_allocator.hpp"

namespace wsx::pmd {

struct DeflaterSettings {
  // The LZ77 window agreed for what we send (8-15).
  int window_bits = 15;
  // RFC 7692 §7.1.1: start every message with an empty window.
  bool no_context_takeover = false;
  int level = 3;
  int mem_level = 5;
};

class Deflater {
 public:
  Deflater(const DeflaterSettings& settings, MemoryGauge& gauge) noexcept;
  ~Deflater();
  // zlib keeps the z_stream's address (and ours as `opaque`): never move.
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Compresses one frame's payload and appends it to `out`. Frames of one
  // message share the stream; on the message's final frame the trailing
  // 00 00 ff ff is left out (RFC 7692 §7.2.1).
  [[nodiscard]] std::optional<CodecError> compress(wsx_bytes payload, bool final_frame,
                                                   HostBuffer& out);

  // Call after a message's final frame. Without context takeover the stream
  // forgets its history (deflateReset) but keeps its memory: RFC 7692
  // §7.1.1.1 lets a sender drop its context at any message boundary, and
  // freeing a 15-bit memLevel-8 stream instead cost 19 page faults and
  // ~280 us per message (issue 13, 1(a); BM_DeflateNoTakeoverEncode).
  void end_message() noexcept;

  // Forgets the history now (deflateReset), keeping the memory: what a
  // pooled stream gets before it serves another connection.
  void reset() noexcept;

  // zlib bytes this stream holds now.
  [[nodiscard]] std::size_t bytes_held() const noexcept { return memory_.in_use(); }

  // The window zlib compresses with for an agreed window (see deflater.cpp).
  [[nodiscard]] static int zlib_window_bits(int agreed_window_bits) noexcept;
  // The most this stream can hold, for the memory budget.
  [[nodiscard]] static std::size_t memory_bound(const DeflaterSettings& settings) noexcept;
  // True if the linked zlib takes these settings (checked once, in create(),
  // so that no setting can fail later, after a handshake).
  [[nodiscard]] static bool zlib_accepts(const DeflaterSettings& settings) noexcept;

 private:
  bool open() noexcept;
  void close() noexcept;

  DeflaterSettings settings_;
  StreamMemory memory_;
  z_stream stream_{};
  bool open_ = false;
};

}  // namespace wsx::pmd
