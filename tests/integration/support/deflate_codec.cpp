#include "support/deflate_codec.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace wsx::integration {

namespace {

constexpr std::uint8_t kTail[] = {0x00, 0x00, 0xff, 0xff};

bool ends_with_tail(const Bytes& bytes) {
  return bytes.size() >= 4 && std::equal(std::begin(kTail), std::end(kTail), bytes.end() - 4);
}

// Runs deflate() on `input` with `flush`, appending everything to `out`.
void deflate_into(z_stream& stream, std::span<const std::uint8_t> input, int flush, Bytes& out) {
  stream.next_in = const_cast<Bytef*>(input.data());
  stream.avail_in = static_cast<uInt>(input.size());
  // Bounded: every pass with output room left ends the loop, and zlib
  // always makes progress when given room.
  for (;;) {
    const std::size_t old_size = out.size();
    const std::size_t room = deflateBound(&stream, static_cast<uLong>(input.size())) + 64;
    out.resize(old_size + room);
    stream.next_out = out.data() + old_size;
    stream.avail_out = static_cast<uInt>(room);
    const int status = deflate(&stream, flush);
    out.resize(old_size + room - stream.avail_out);
    if (status != Z_OK && status != Z_BUF_ERROR) throw std::runtime_error("deflate failed");
    if (stream.avail_out != 0) return;
  }
}

}  // namespace

MessageCompressor::MessageCompressor() {
  // Negative window bits: raw DEFLATE, no zlib header (RFC 7692 7.2.1).
  if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
}

MessageCompressor::~MessageCompressor() {
  deflateEnd(&stream_);
}

Bytes MessageCompressor::compress(std::span<const std::uint8_t> message) {
  Bytes out;
  deflate_into(stream_, message, Z_SYNC_FLUSH, out);
  if (!ends_with_tail(out)) throw std::runtime_error("sync flush did not end with 00 00 ff ff");
  out.resize(out.size() - 4);
  return out;
}

Bytes MessageCompressor::compress_part(std::span<const std::uint8_t> part) {
  Bytes out;
  deflate_into(stream_, part, Z_SYNC_FLUSH, out);
  return out;
}

MessageDecompressor::MessageDecompressor(int window_bits) {
  if (inflateInit2(&stream_, -window_bits) != Z_OK) throw std::runtime_error("inflateInit2 failed");
}

MessageDecompressor::~MessageDecompressor() {
  inflateEnd(&stream_);
}

std::optional<Bytes> MessageDecompressor::decompress(std::span<const std::uint8_t> payload,
                                                     std::size_t max_size) {
  Bytes input(payload.begin(), payload.end());
  input.insert(input.end(), std::begin(kTail), std::end(kTail));
  stream_.next_in = input.data();
  stream_.avail_in = static_cast<uInt>(input.size());
  Bytes out;
  // Bounded: a pass that makes no progress ends the loop, and output is
  // capped by max_size.
  for (;;) {
    const std::size_t old_size = out.size();
    const std::size_t room = 64 * 1024;
    out.resize(old_size + room);
    stream_.next_out = out.data() + old_size;
    stream_.avail_out = static_cast<uInt>(room);
    const int status = inflate(&stream_, Z_SYNC_FLUSH);
    out.resize(old_size + room - stream_.avail_out);
    if (status != Z_OK && status != Z_BUF_ERROR && status != Z_STREAM_END) return std::nullopt;
    if (out.size() > max_size) return std::nullopt;
    if (status != Z_OK || (stream_.avail_in == 0 && stream_.avail_out != 0)) break;
  }
  return out;
}

Bytes compression_bomb(std::size_t inflated_mib) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_RLE) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  const Bytes zeros(1u << 20, 0);
  Bytes block;
  // A full flush ends the block on a byte boundary and forgets the window,
  // so the block inflates the same wherever it is repeated.
  deflate_into(stream, zeros, Z_FULL_FLUSH, block);
  deflateEnd(&stream);
  if (!ends_with_tail(block)) throw std::runtime_error("full flush did not end with 00 00 ff ff");

  Bytes bomb;
  bomb.reserve(block.size() * inflated_mib);
  for (std::size_t i = 0; i < inflated_mib; ++i)
    bomb.insert(bomb.end(), block.begin(), block.end());
  bomb.resize(bomb.size() - 4);  // the message's own tail goes, as RFC 7692 7.2.1 says
  return bomb;
}

}  // namespace wsx::integration
