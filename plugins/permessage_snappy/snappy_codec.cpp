#include "snappy_codec.hpp"

#include <snappy.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "crc32c.hpp"

namespace wsx::snappy_framing {
namespace {

constexpr std::uint8_t kCompressed = 0x00;
constexpr std::uint8_t kUncompressed = 0x01;
constexpr std::uint8_t kIdentifier = 0xff;
constexpr std::array<std::uint8_t, 10> kStreamIdentifier{0xff, 0x06, 0x00, 0x00, 's',
                                                         'N',  'a',  'P',  'p',  'Y'};
constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kCrcSize = 4;

// python-snappy sends a chunk uncompressed unless snappy saves 12.5 %.
bool worth_compressing(std::size_t compressed, std::size_t plain) noexcept {
  return compressed * 8 <= plain * 7;
}

// The longest body a conforming data chunk can have: CRC plus snappy's
// worst case for 64 KiB. A longer length field is refused before any of the
// body is buffered.
std::size_t max_data_body() {
  return kCrcSize + ::snappy::MaxCompressedLength(kMaxChunkData);
}

void put_le24(std::uint8_t* at, std::size_t value) noexcept {
  at[0] = static_cast<std::uint8_t>(value);
  at[1] = static_cast<std::uint8_t>(value >> 8);
  at[2] = static_cast<std::uint8_t>(value >> 16);
}

void put_le32(std::uint8_t* at, std::uint32_t value) noexcept {
  put_le24(at, value);
  at[3] = static_cast<std::uint8_t>(value >> 24);
}

std::uint32_t get_le32(const std::uint8_t* at) noexcept {
  return static_cast<std::uint32_t>(at[0]) | static_cast<std::uint32_t>(at[1]) << 8 |
         static_cast<std::uint32_t>(at[2]) << 16 | static_cast<std::uint32_t>(at[3]) << 24;
}

// Appends one data chunk holding `data` (<= kMaxChunkData bytes).
void write_chunk(std::span<const std::uint8_t> data, sdk::BufferWriter& out) {
  const std::size_t worst = kHeaderSize + kCrcSize + ::snappy::MaxCompressedLength(data.size());
  std::span<std::uint8_t> room = out.reserve(worst);
  std::uint8_t* body = room.data() + kHeaderSize + kCrcSize;
  std::size_t compressed = 0;
  ::snappy::RawCompress(reinterpret_cast<const char*>(data.data()), data.size(),
                        reinterpret_cast<char*>(body), &compressed);
  std::uint8_t type = kCompressed;
  std::size_t body_size = compressed;
  if (!worth_compressing(compressed, data.size())) {
    type = kUncompressed;
    body_size = data.size();
    if (!data.empty()) std::memcpy(body, data.data(), data.size());
  }
  room[0] = type;
  put_le24(room.data() + 1, kCrcSize + body_size);
  put_le32(room.data() + kHeaderSize, masked_crc32c(data));
  out.commit(kHeaderSize + kCrcSize + body_size);
}

}  // namespace

codec::Outcome Encoder::encode(std::span<const std::uint8_t> fragment, bool first, bool last,
                               sdk::BufferWriter& out) {
  (void)last;  // every call ends on a chunk boundary: nothing to flush
  if (first && no_context_takeover_) identifier_sent_ = false;
  if (!identifier_sent_) {
    out.append(std::span<const std::uint8_t>{kStreamIdentifier});
    identifier_sent_ = true;
  }
  for (std::size_t at = 0; at < fragment.size(); at += kMaxChunkData) {
    write_chunk(fragment.subspan(at, std::min(kMaxChunkData, fragment.size() - at)), out);
  }
  return std::nullopt;
}

codec::Outcome Decoder::decode(std::span<const std::uint8_t> fragment, bool first, bool last,
                               std::uint64_t max_output, sdk::BufferWriter& out) {
  if (first) {
    // A chunk cannot span messages (each message ends on a boundary).
    header_size_ = 0;
    body_.clear();
    skip_left_ = 0;
    if (no_context_takeover_) identifier_seen_ = false;
  }
  std::uint64_t written = 0;
  std::span<const std::uint8_t> input = fragment;
  while (!input.empty()) {
    if (skip_left_ > 0) {
      const std::size_t n = std::min(skip_left_, input.size());
      skip_left_ -= n;
      input = input.subspan(n);
      continue;
    }
    if (header_size_ < kHeaderSize) {
      const std::size_t n = std::min(kHeaderSize - header_size_, input.size());
      std::memcpy(header_.data() + header_size_, input.data(), n);
      header_size_ += n;
      input = input.subspan(n);
      if (header_size_ < kHeaderSize) break;
      const std::uint8_t type = header_[0];
      const std::size_t length = get_le32(header_.data()) >> 8;
      // framing_format.txt 4.1: a stream starts with the identifier, which
      // python-snappy's StreamDecompressor insists on too.
      if (!identifier_seen_ && type != kIdentifier) {
        return codec::corrupt("the snappy stream does not start with the stream identifier");
      }
      if (type >= 0x02 && type <= 0x7f) {
        return codec::corrupt("reserved unskippable snappy chunk type " + std::to_string(type));
      }
      if (type == kIdentifier && length != kStreamIdentifier.size() - kHeaderSize) {
        return codec::corrupt("snappy stream identifier of the wrong length");
      }
      if ((type == kCompressed || type == kUncompressed) &&
          (length < kCrcSize || length > max_data_body())) {
        return codec::corrupt("snappy data chunk of impossible length " + std::to_string(length));
      }
      if (type >= 0x80 && type <= 0xfe) {  // skippable (4.4, 4.6)
        header_size_ = 0;
        skip_left_ = length;
        continue;
      }
    }
    const std::size_t length = get_le32(header_.data()) >> 8;
    if (body_.empty() && input.size() >= length) {
      // The whole body is in this frame: no copy.
      if (auto failure = chunk(header_[0], input.first(length), max_output, written, out)) {
        return failure;
      }
      input = input.subspan(length);
      header_size_ = 0;
      continue;
    }
    const std::size_t n = std::min(length - body_.size(), input.size());
    body_.insert(body_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(n));
    input = input.subspan(n);
    if (body_.size() < length) break;
    if (auto failure = chunk(header_[0], body_, max_output, written, out)) return failure;
    body_.clear();
    header_size_ = 0;
  }
  if (last) {
    if (header_size_ > 0 || skip_left_ > 0) {
      return codec::corrupt("the message ended inside a snappy chunk");
    }
    // A chunk cut by frame boundaries needed up to ~76 KB here; an idle
    // connection keeps none of it.
    if (body_.capacity() > 0) std::vector<std::uint8_t>().swap(body_);
  }
  return std::nullopt;
}

codec::Outcome Decoder::chunk(std::uint8_t type, std::span<const std::uint8_t> body,
                              std::uint64_t max_output, std::uint64_t& written,
                              sdk::BufferWriter& out) {
  if (type == kIdentifier) {
    if (!std::equal(body.begin(), body.end(), kStreamIdentifier.begin() + kHeaderSize)) {
      return codec::corrupt("bad snappy stream identifier");
    }
    identifier_seen_ = true;  // a repeated identifier is allowed (4.1)
    return std::nullopt;
  }
  const std::uint32_t expected_crc = get_le32(body.data());
  const std::span<const std::uint8_t> data = body.subspan(kCrcSize);
  std::size_t size = data.size();
  if (type == kCompressed) {
    if (!::snappy::GetUncompressedLength(reinterpret_cast<const char*>(data.data()), data.size(),
                                         &size)) {
      return codec::corrupt("corrupt snappy chunk (bad length preamble)");
    }
  }
  if (size > kMaxChunkData) {
    return codec::corrupt("snappy chunk of " + std::to_string(size) + " bytes (at most 65536)");
  }
  // The limit is checked before the chunk is uncompressed: a bomb never
  // gets room past max_output.
  if (size > max_output - written) {
    return codec::too_big("the decompressed message exceeds " + std::to_string(max_output) +
                          " bytes, the room left under max_message_size");
  }
  if (size == 0) {
    if (expected_crc != masked_crc32c({})) return codec::corrupt("snappy chunk CRC mismatch");
    return std::nullopt;
  }
  std::span<std::uint8_t> room = out.reserve(size).first(size);
  if (type == kCompressed) {
    if (!::snappy::RawUncompress(reinterpret_cast<const char*>(data.data()), data.size(),
                                 reinterpret_cast<char*>(room.data()))) {
      return codec::corrupt("corrupt snappy chunk");
    }
  } else {
    std::memcpy(room.data(), data.data(), size);
  }
  if (masked_crc32c(room) != expected_crc) return codec::corrupt("snappy chunk CRC mismatch");
  out.commit(size);
  written += size;
  return std::nullopt;
}

}  // namespace wsx::snappy_framing
