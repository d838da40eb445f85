#include "deflater.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

namespace wsx::pmd {
namespace {

// The end of every Z_SYNC_FLUSH: the LEN/NLEN of an empty stored block.
constexpr std::array<std::uint8_t, 4> kSyncFlushTail{0x00, 0x00, 0xff, 0xff};

// zlib counts in uInt; bigger payloads are fed in pieces.
constexpr std::size_t kMaxZlibChunk = std::numeric_limits<uInt>::max();

// Room beyond deflateBound for the flush marker; zlib.h asks for more than 6
// bytes of output space with Z_SYNC_FLUSH to avoid repeated flush markers.
constexpr std::size_t kFlushSlack = 16;

// Window 8. RFC 7692 lets a peer ask for an 8-bit (256-byte) window, but
// zlib >= 1.2.9 refuses windowBits 8 for raw deflate (zlib.h: "a request for
// a 256-byte window is rejected as invalid"); older zlib, and Node.js to
// this day, quietly use 9 instead. zlib's 9-bit compressor happens to keep
// its distances within 250 bytes (deflate.h limits them to the window minus
// its 262-byte lookahead), but that is an internal detail, not a promise.
// Declining would leave clients that insist on 8 without compression. So we
// honour 8 by contract instead: a 9-bit window with the Z_RLE strategy,
// which zlib documents to emit matches at distance one only. Every
// back-reference then fits any window. The unit tests check our output with
// an inflater that has nothing but a 256-byte window to look back into.
int zlib_strategy(int agreed_window_bits) noexcept {
  return agreed_window_bits < 9 ? Z_RLE : Z_DEFAULT_STRATEGY;
}

}  // namespace

Deflater::Deflater(const DeflaterSettings& settings, MemoryGauge& gauge) noexcept
    : settings_(settings), memory_(gauge) {}

Deflater::~Deflater() {
  close();
}

int Deflater::zlib_window_bits(int agreed_window_bits) noexcept {
  return std::max(agreed_window_bits, 9);
}

std::size_t Deflater::memory_bound(const DeflaterSettings& settings) noexcept {
  return deflate_memory_bound(zlib_window_bits(settings.window_bits), settings.mem_level);
}

bool Deflater::zlib_accepts(const DeflaterSettings& settings) noexcept {
  MemoryGauge gauge;
  Deflater probe(settings, gauge);
  return probe.open();
}

bool Deflater::open() noexcept {
  stream_ = z_stream{};
  memory_.attach(stream_);
  // Negative windowBits: raw DEFLATE, no zlib header or checksum (§7.2.1).
  open_ =
      deflateInit2(&stream_, settings_.level, Z_DEFLATED, -zlib_window_bits(settings_.window_bits),
                   settings_.mem_level, zlib_strategy(settings_.window_bits)) == Z_OK;
  return open_;
}

void Deflater::close() noexcept {
  if (open_) deflateEnd(&stream_);
  open_ = false;
}

void Deflater::end_message() noexcept {
  // deflateReset empties the window and the hash chains, as a new stream
  // would have them, without giving the memory back: the next message is
  // byte-for-byte what a fresh stream makes. If it fails (it cannot on a
  // stream deflateInit2 opened), fall back to a new stream.
  if (settings_.no_context_takeover) reset();
}

void Deflater::reset() noexcept {
  if (open_ && deflateReset(&stream_) != Z_OK) close();
}

std::optional<CodecError> Deflater::compress(wsx_bytes payload, bool final_frame, HostBuffer& out) {
  if (!open_ && !open()) {
    return CodecError{WSX_CLOSE_INTERNAL_ERROR, "cannot start a zlib compressor (out of memory)"};
  }
  const Bytef* next_in = payload.data;
  std::size_t remaining_in = payload.size;

  // §7.2.1 drops the final frame's 00 00 ff ff, but a host buffer only
  // grows. So the last (up to) four bytes written are held back: moved aside
  // whenever the buffer needs more room (it may move), written back first
  // into the new room, and finally dropped if they are the flush tail.
  const std::size_t hold_back = final_frame ? kSyncFlushTail.size() : 0;
  std::array<std::uint8_t, kSyncFlushTail.size()> held{};
  std::size_t held_size = 0;
  std::size_t written_total = 0;

  // One round per reservation; deflateBound usually makes it a single one.
  // Every round consumes input or fills the room it was given, so the loop
  // ends; a round that does neither is an error, not a spin.
  for (;;) {
    const std::size_t want = deflateBound(&stream_, static_cast<uLong>(remaining_in)) + kFlushSlack;
    std::size_t available = 0;
    std::uint8_t* room = out.reserve(held_size + want, available);
    if (room == nullptr) {
      return CodecError{WSX_CLOSE_INTERNAL_ERROR, "out of memory for a compressed frame"};
    }
    std::memcpy(room, held.data(), held_size);

    const std::size_t in_chunk = std::min(remaining_in, kMaxZlibChunk);
    const std::size_t out_space = std::min(available - held_size, kMaxZlibChunk);
    const int flush = in_chunk == remaining_in ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    stream_.next_in = const_cast<Bytef*>(next_in);  // zlib's API is not const-correct
    stream_.avail_in = static_cast<uInt>(in_chunk);
    stream_.next_out = room + held_size;
    stream_.avail_out = static_cast<uInt>(out_space);

    // Z_BUF_ERROR is not fatal: zlib returns it (writing nothing) for a
    // flush with no new input right after another flush.
    const int status = deflate(&stream_, flush);
    if (status != Z_OK && status != Z_BUF_ERROR) {
      return CodecError{WSX_CLOSE_INTERNAL_ERROR, "zlib deflate failed"};
    }
    const std::size_t consumed = in_chunk - stream_.avail_in;
    const std::size_t written = out_space - stream_.avail_out;
    next_in += consumed;
    remaining_in -= consumed;
    written_total += written;

    const std::size_t in_room = held_size + written;
    held_size = std::min(hold_back, in_room);
    out.commit(in_room - held_size);
    std::memcpy(held.data(), room + in_room - held_size, held_size);

    // The flush is complete once all input is in and zlib left room unused.
    if (flush == Z_SYNC_FLUSH && remaining_in == 0 && stream_.avail_out != 0) break;
    if (consumed == 0 && written == 0) {
      return CodecError{WSX_CLOSE_INTERNAL_ERROR, "zlib deflate made no progress"};
    }
  }

  if (final_frame) {
    if (held_size == kSyncFlushTail.size() && held == kSyncFlushTail) {
      held_size = 0;  // §7.2.1: remove the 00 00 ff ff
    } else if (written_total == 0) {
      // zlib had nothing to flush (an empty final frame right after a
      // flushed one). The message must still end like every other one: with
      // the header byte of an empty stored block whose LEN/NLEN the receiver
      // appends; alone, this is §7.2.3.6's empty message, 0x00.
      held[0] = 0x00;
      held_size = 1;
    } else {
      return CodecError{WSX_CLOSE_INTERNAL_ERROR, "zlib sync flush did not end in 00 00 ff ff"};
    }
  }
  if (held_size != 0) {
    std::size_t available = 0;
    std::uint8_t* room = out.reserve(held_size, available);
    if (room == nullptr) {
      return CodecError{WSX_CLOSE_INTERNAL_ERROR, "out of memory for a compressed frame"};
    }
    std::memcpy(room, held.data(), held_size);
    out.commit(held_size);
  }
  return std::nullopt;
}

}  // namespace wsx::pmd
