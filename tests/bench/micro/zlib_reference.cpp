#include "zlib_reference.hpp"

#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace wsx::bench {

namespace {

// RFC 7692 section 7.2.1: a message's compressed data ends with the empty
// stored block of Z_SYNC_FLUSH, whose last 4 octets are not sent.
constexpr std::array<std::uint8_t, 4> sync_flush_tail{0x00, 0x00, 0xff, 0xff};

// zlib.h: with Z_SYNC_FLUSH, keep more than 6 bytes of room past deflateBound.
constexpr std::size_t flush_slack = 16;

uInt zlib_size(std::size_t size) {
  if (size > std::numeric_limits<uInt>::max()) throw std::runtime_error("message too big for zlib");
  return static_cast<uInt>(size);
}

}  // namespace

RawDeflater::RawDeflater(const DeflateSettings& settings) : settings_(settings) {
  // Negative windowBits: raw DEFLATE, no zlib header or trailer (7.2.1).
  if (deflateInit2(&stream_, settings.level, Z_DEFLATED, -settings.window_bits, settings.mem_level,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
}

RawDeflater::~RawDeflater() {
  deflateEnd(&stream_);
}

std::span<const std::uint8_t> RawDeflater::compress(std::span<const std::uint8_t> message) {
  const std::size_t room = deflateBound(&stream_, zlib_size(message.size())) + flush_slack;
  if (out_.size() < room) out_.resize(room);
  stream_.next_in = const_cast<Bytef*>(message.data());  // zlib's API is not const-correct
  stream_.avail_in = zlib_size(message.size());
  stream_.next_out = out_.data();
  stream_.avail_out = zlib_size(out_.size());
  const int status = deflate(&stream_, Z_SYNC_FLUSH);
  if (status != Z_OK || stream_.avail_in != 0 || stream_.avail_out == 0)
    throw std::runtime_error("deflate failed");
  const std::size_t size = out_.size() - stream_.avail_out;
  if (size < sync_flush_tail.size() ||
      std::memcmp(out_.data() + size - sync_flush_tail.size(), sync_flush_tail.data(),
                  sync_flush_tail.size()) != 0)
    throw std::runtime_error("deflate output does not end with a sync flush");
  if (settings_.no_context_takeover && deflateReset(&stream_) != Z_OK)
    throw std::runtime_error("deflateReset failed");
  return {out_.data(), size - sync_flush_tail.size()};
}

RawInflater::RawInflater(int window_bits, bool no_context_takeover)
    : no_context_takeover_(no_context_takeover), out_(64 << 10) {
  if (inflateInit2(&stream_, -window_bits) != Z_OK) throw std::runtime_error("inflateInit2 failed");
}

RawInflater::~RawInflater() {
  inflateEnd(&stream_);
}

void RawInflater::inflate_into(const std::uint8_t* data, std::size_t size) {
  stream_.next_in = const_cast<Bytef*>(data);
  stream_.avail_in = zlib_size(size);
  // Bounded: each round either finishes the input or doubles the room.
  for (int round = 0; round < 32; ++round) {
    stream_.next_out = out_.data() + used_;
    stream_.avail_out = zlib_size(out_.size() - used_);
    const int status = inflate(&stream_, Z_SYNC_FLUSH);
    used_ = out_.size() - stream_.avail_out;
    if (status != Z_OK && status != Z_BUF_ERROR)
      throw std::runtime_error("inflate failed: " + std::to_string(status));
    if (stream_.avail_in == 0 && stream_.avail_out != 0) return;
    if (stream_.avail_out == 0) out_.resize(out_.size() * 2);
  }
  throw std::runtime_error("inflate made no progress");
}

std::span<const std::uint8_t> RawInflater::decompress(std::span<const std::uint8_t> compressed) {
  used_ = 0;
  inflate_into(compressed.data(), compressed.size());
  // RFC 7692 section 7.2.2: append 00 00 ff ff to the payload before inflating.
  inflate_into(sync_flush_tail.data(), sync_flush_tail.size());
  if (no_context_takeover_ && inflateReset(&stream_) != Z_OK)
    throw std::runtime_error("inflateReset failed");
  return {out_.data(), used_};
}

}  // namespace wsx::bench
