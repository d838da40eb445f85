// One bzip2 stream per message, each way (Autobahn|Python's
// permessage-bzip2: a new BZ2Compressor/BZ2Decompressor per message, so
// there is no context to take over). The streams live from a message's
// first frame to its last and are freed in between.
#pragma once

#include <bzlib.h>

#include <cstdint>
#include <memory>
#include <span>

#include "per_message_codec.hpp"

namespace wsx::bzip2 {

/// A bz_stream with its libbz2 state, ended by the deleter. Heap-held
/// because libbz2's state points back at the bz_stream: it must not move.
struct CompressEnd {
  void operator()(bz_stream* stream) const noexcept;
};
struct DecompressEnd {
  void operator()(bz_stream* stream) const noexcept;
};
using CompressStream = std::unique_ptr<bz_stream, CompressEnd>;
using DecompressStream = std::unique_ptr<bz_stream, DecompressEnd>;

/// What we send: each message is one complete bzip2 stream.
class Encoder {
 public:
  /// `level`: 1..9, the block size in units of 100 kB. Level 9 makes libbz2
  /// allocate about 7.6 MB while a message is being compressed.
  explicit Encoder(int level) noexcept : level_(level) {}

  codec::Outcome encode(std::span<const std::uint8_t> fragment, bool first, bool last,
                        sdk::BufferWriter& out);

  [[nodiscard]] int level() const noexcept { return level_; }

 private:
  int level_;
  CompressStream stream_;
};

/// What we receive: each message must be exactly one complete bzip2 stream
/// (nothing after its end, nothing missing at the message's end).
class Decoder {
 public:
  codec::Outcome decode(std::span<const std::uint8_t> fragment, bool first, bool last,
                        std::uint64_t max_output, sdk::BufferWriter& out);

 private:
  DecompressStream stream_;
  bool ended_ = false;  // the message's bzip2 stream is complete
};

}  // namespace wsx::bzip2
