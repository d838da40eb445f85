#include "inflater.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <new>
#include <string>

namespace wsx::pmd {
namespace {

// RFC 7692 §7.2.2: appended to every message before inflating it.
constexpr std::array<Bytef, 4> kMessageTail{0x00, 0x00, 0xff, 0xff};

constexpr std::size_t kMaxZlibChunk = std::numeric_limits<uInt>::max();

// The first reservation guesses 4x the input (deflate rarely does better on
// text), at least 1 KiB; each later one doubles, up to 1 MiB at a time. A
// bomb therefore grows the buffer step by step up to the limit only.
constexpr std::size_t kFirstRoom = 1024;
constexpr std::size_t kLargestRoom = std::size_t{1} << 20;

// zlib.h: data_type is "plus 128 if inflate() returned immediately after
// decoding an end-of-block code" -- i.e. between two DEFLATE blocks.
constexpr int kBetweenBlocks = 128;

}  // namespace

// Counts what one decompress() call wrote against the host's limit.
class Inflater::OutputLimit {
 public:
  OutputLimit(std::uint64_t max_output, std::size_t input_size) noexcept
      : max_output_(max_output),
        next_room_(std::clamp(input_size > kLargestRoom / 4 ? kLargestRoom : input_size * 4,
                              kFirstRoom, kLargestRoom)) {}

  // Bytes that may still be written.
  [[nodiscard]] std::size_t left() const noexcept {
    const std::uint64_t left = max_output_ - written_;
    return left > std::numeric_limits<std::size_t>::max() ? std::numeric_limits<std::size_t>::max()
                                                          : static_cast<std::size_t>(left);
  }
  // How much room to ask the host for next: never past the limit.
  [[nodiscard]] std::size_t next_room() noexcept {
    const std::size_t room = std::min(next_room_, left());
    next_room_ = std::min(next_room_ * 2, kLargestRoom);
    return room;
  }
  void add(std::size_t bytes) noexcept { written_ += bytes; }
  [[nodiscard]] std::uint64_t max_output() const noexcept { return max_output_; }

 private:
  std::uint64_t max_output_;
  std::uint64_t written_ = 0;
  std::size_t next_room_;
};

Inflater::Inflater(const InflaterSettings& settings, MemoryGauge& gauge) noexcept
    : settings_(settings), memory_(gauge) {}

Inflater::~Inflater() {
  close();
}

// We inflate with at least a 9-bit window even when 8 was agreed. zlib older
// than 1.2.9, and Node.js's zlib binding to this day, turn a request for a
// raw 8-bit window into 9, so a peer asked for 8 may really compress with a
// 512-byte window. zlib itself stays within 250 bytes, but another
// compressor need not; a 512-byte window reads both and costs 256 bytes more.
// A window larger than the sender's is always safe for inflate.
int Inflater::zlib_window_bits(int agreed_window_bits) noexcept {
  return std::max(agreed_window_bits, 9);
}

std::size_t Inflater::memory_bound(const InflaterSettings& settings) noexcept {
  return inflate_memory_bound(zlib_window_bits(settings.window_bits));
}

bool Inflater::zlib_accepts(const InflaterSettings& settings) noexcept {
  MemoryGauge gauge;
  Inflater probe(settings, gauge);
  return probe.open();
}

bool Inflater::open() noexcept {
  stream_ = z_stream{};
  memory_.attach(stream_);
  // Negative windowBits: raw DEFLATE, no zlib header or checksum (§7.2.2).
  open_ = inflateInit2(&stream_, -zlib_window_bits(settings_.window_bits)) == Z_OK;
  return open_;
}

void Inflater::close() noexcept {
  if (open_) inflateEnd(&stream_);
  open_ = false;
}

void Inflater::end_message() noexcept {
  if (settings_.no_context_takeover) {
    // RFC 7692 §7.1.1.2: the next message refers to nothing before it.
    if (open_ && inflateReset(&stream_) != Z_OK) close();
    at_block_boundary_ = true;
  }
}

std::optional<CodecError> Inflater::decompress(wsx_bytes payload, bool final_frame,
                                               std::uint64_t max_output, HostBuffer& out) {
  if (!open_ && !open()) {
    return CodecError{WSX_CLOSE_INTERNAL_ERROR, "cannot start a zlib decompressor (out of memory)"};
  }
  OutputLimit limit(max_output, payload.size);
  if (auto error = inflate_all(payload, limit, out)) return error;
  if (!final_frame) return std::nullopt;

  // §7.2.2: append 00 00 ff ff, the LEN/NLEN of the empty stored block the
  // sender's flush began, then decompress. Data that already ends between
  // blocks has no such block to finish, and the tail would leave the stream
  // in the middle of a header: an empty payload (python-websockets and ws
  // send one for an empty message right after another message), a message
  // ending with a BFINAL block (§7.2.3.4), or a sender that kept the tail.
  if (!at_block_boundary_) {
    if (auto error = inflate_all({kMessageTail.data(), kMessageTail.size()}, limit, out)) {
      return error;
    }
    // After the tail every complete message ends between two blocks. If it
    // does not, the message was cut short; with context takeover the next
    // message would be misread, so fail now.
    if (!at_block_boundary_) {
      return CodecError{WSX_CLOSE_INVALID_PAYLOAD,
                        "invalid compressed data: the message ends inside a DEFLATE block"};
    }
  }
  return std::nullopt;
}

std::optional<CodecError> Inflater::inflate_all(wsx_bytes input, OutputLimit& limit,
                                                HostBuffer& out) {
  const Bytef* next_in = input.data;
  std::size_t remaining_in = input.size;
  if (remaining_in == 0) return std::nullopt;

  // Every round consumes input or writes output, bounded by the input and
  // the output limit; a round that does neither is an error, not a spin.
  for (;;) {
    // At the limit, one more byte of output is looked for in a scratch byte
    // instead of the host's buffer: whether the message goes on is all we
    // need to know, and the buffer never grows past the limit for it.
    std::array<std::uint8_t, 1> scratch{};
    const std::size_t left = limit.left();
    std::uint8_t* room = scratch.data();
    std::size_t out_space = scratch.size();
    if (left != 0) {
      std::size_t available = 0;
      room = out.reserve(limit.next_room(), available);
      if (room == nullptr) {
        return CodecError{WSX_CLOSE_INTERNAL_ERROR, "out of memory for a decompressed frame"};
      }
      out_space = std::min({available, left, kMaxZlibChunk});
    }
    const std::size_t in_chunk = std::min(remaining_in, kMaxZlibChunk);
    stream_.next_in = const_cast<Bytef*>(next_in);  // zlib's API is not const-correct
    stream_.avail_in = static_cast<uInt>(in_chunk);
    stream_.next_out = room;
    stream_.avail_out = static_cast<uInt>(out_space);

    const int status = inflate(&stream_, Z_SYNC_FLUSH);
    const std::size_t consumed = in_chunk - stream_.avail_in;
    const std::size_t written = out_space - stream_.avail_out;
    next_in += consumed;
    remaining_in -= consumed;
    if (left == 0 && written != 0) {
      return CodecError{WSX_CLOSE_MESSAGE_TOO_BIG, "decompressed message exceeds the limit of " +
                                                       std::to_string(limit.max_output()) +
                                                       " bytes"};
    }
    if (left != 0) {
      out.commit(written);
      limit.add(written);
    }

    switch (status) {
      case Z_OK:
      case Z_BUF_ERROR:  // no progress possible: more input or room needed
        at_block_boundary_ = (stream_.data_type & kBetweenBlocks) != 0;
        break;
      case Z_STREAM_END:
        // §7.2.3.4: a sender may end its data with a BFINAL block. What
        // follows (normally an empty stored block, then later messages)
        // is read as new DEFLATE data over the same window.
        if (!restart_keeping_window()) {
          return CodecError{WSX_CLOSE_INTERNAL_ERROR, "cannot restart the zlib decompressor"};
        }
        at_block_boundary_ = true;
        break;
      case Z_DATA_ERROR:
        return CodecError{WSX_CLOSE_INVALID_PAYLOAD,
                          std::string("invalid compressed data: ") +
                              (stream_.msg != nullptr ? stream_.msg : "corrupt DEFLATE stream")};
      case Z_MEM_ERROR:
        return CodecError{WSX_CLOSE_INTERNAL_ERROR, "out of memory in zlib inflate"};
      default:
        return CodecError{WSX_CLOSE_INTERNAL_ERROR, "zlib inflate failed"};
    }
    // Done when all input is in and zlib did not fill the room: nothing of
    // this input is left to write.
    if (remaining_in == 0 && stream_.avail_out != 0 && status != Z_STREAM_END) break;
    if (remaining_in == 0 && status == Z_STREAM_END) break;
    if (consumed == 0 && written == 0 && status != Z_STREAM_END) {
      return CodecError{WSX_CLOSE_INTERNAL_ERROR, "zlib inflate made no progress"};
    }
  }
  return std::nullopt;
}

bool Inflater::restart_keeping_window() noexcept {
  // inflateReset forgets the window, yet later data may still refer to it
  // (context takeover, or more blocks of the same message): copy it out and
  // give it back as the dictionary, which raw inflate accepts at any time.
  const std::size_t window_size = std::size_t{1} << zlib_window_bits(settings_.window_bits);
  const std::unique_ptr<Bytef[]> window(new (std::nothrow) Bytef[window_size]);
  if (!window) return false;
  uInt length = 0;
  if (inflateGetDictionary(&stream_, window.get(), &length) != Z_OK) return false;
  if (inflateReset(&stream_) != Z_OK) return false;
  return length == 0 || inflateSetDictionary(&stream_, window.get(), length) == Z_OK;
}

}  // namespace wsx::pmd
