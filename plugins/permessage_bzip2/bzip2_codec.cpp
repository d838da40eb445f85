#include "bzip2_codec.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <string>

namespace wsx::bzip2 {
namespace {

// Output is produced in pieces of this size: the host buffer grows as the
// message does, never by a guess of the whole size.
constexpr std::size_t kOutputStep = 64 * 1024;

// libbz2 counts in unsigned int; a bigger view is fed in several calls.
constexpr std::size_t kMaxStep = UINT_MAX;

char* input_pointer(std::span<const std::uint8_t> bytes) noexcept {
  // libbz2's next_in is a non-const char*; it never writes through it.
  return const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
}

std::string bz_error(int code) {
  switch (code) {
    case BZ_DATA_ERROR:
      return "corrupt bzip2 data (BZ_DATA_ERROR)";
    case BZ_DATA_ERROR_MAGIC:
      return "not a bzip2 stream (BZ_DATA_ERROR_MAGIC)";
    case BZ_MEM_ERROR:
      return "out of memory in libbz2 (BZ_MEM_ERROR)";
    case BZ_PARAM_ERROR:
      return "libbz2 refused a parameter (BZ_PARAM_ERROR)";
    case BZ_SEQUENCE_ERROR:
      return "libbz2 call out of sequence (BZ_SEQUENCE_ERROR)";
    default:
      return "libbz2 error " + std::to_string(code);
  }
}

codec::Outcome decode_failure(int code) {
  if (code == BZ_DATA_ERROR || code == BZ_DATA_ERROR_MAGIC) return codec::corrupt(bz_error(code));
  return codec::internal(bz_error(code));
}

}  // namespace

void CompressEnd::operator()(bz_stream* stream) const noexcept {
  BZ2_bzCompressEnd(stream);
  delete stream;
}

void DecompressEnd::operator()(bz_stream* stream) const noexcept {
  BZ2_bzDecompressEnd(stream);
  delete stream;
}

codec::Outcome Encoder::encode(std::span<const std::uint8_t> fragment, bool first, bool last,
                               sdk::BufferWriter& out) {
  if (first || !stream_) {
    stream_.reset();
    auto stream = std::make_unique<bz_stream>();  // zeroed: default allocator
    // workFactor 0 is libbz2's default (30).
    const int init = BZ2_bzCompressInit(stream.get(), level_, 0, 0);
    if (init != BZ_OK) return codec::internal("BZ2_bzCompressInit: " + bz_error(init));
    stream_.reset(stream.release());
  }
  bz_stream& stream = *stream_;
  std::span<const std::uint8_t> input = fragment;
  for (;;) {
    const std::size_t step = std::min(input.size(), kMaxStep);
    stream.next_in = input_pointer(input);
    stream.avail_in = static_cast<unsigned>(step);
    const bool finishing = last && step == input.size();
    // BZ_RUN with no input is BZ_PARAM_ERROR in libbz2: nothing to do.
    if (!finishing && step == 0) break;
    std::span<std::uint8_t> room = out.reserve(kOutputStep);
    room = room.first(std::min(room.size(), kMaxStep));
    stream.next_out = reinterpret_cast<char*>(room.data());
    stream.avail_out = static_cast<unsigned>(room.size());
    const int result = BZ2_bzCompress(&stream, finishing ? BZ_FINISH : BZ_RUN);
    out.commit(room.size() - stream.avail_out);
    input = input.subspan(step - stream.avail_in);
    if (result == BZ_STREAM_END) break;
    if (result != BZ_RUN_OK && result != BZ_FINISH_OK) {
      stream_.reset();
      return codec::internal("BZ2_bzCompress: " + bz_error(result));
    }
    // BZ_FINISH goes on until BZ_STREAM_END; BZ_RUN until libbz2 holds
    // all the input (the check at the top of the loop).
  }
  if (last) stream_.reset();  // one stream per message: free its ~7.6 MB now
  return std::nullopt;
}

codec::Outcome Decoder::decode(std::span<const std::uint8_t> fragment, bool first, bool last,
                               std::uint64_t max_output, sdk::BufferWriter& out) {
  if (first || !stream_) {
    stream_.reset();
    ended_ = false;
    auto stream = std::make_unique<bz_stream>();
    // small = 0: the fast decoder (about 3.7 MB for a level-9 stream; the
    // block size comes from the stream's header, i.e. the peer's level).
    const int init = BZ2_bzDecompressInit(stream.get(), 0, 0);
    if (init != BZ_OK) return codec::internal("BZ2_bzDecompressInit: " + bz_error(init));
    stream_.reset(stream.release());
  }
  if (ended_ && !fragment.empty()) {
    return codec::corrupt("data after the end of the message's bzip2 stream");
  }
  bz_stream& stream = *stream_;
  std::span<const std::uint8_t> input = fragment;
  std::uint64_t written = 0;
  while (!ended_) {
    const std::size_t step = std::min(input.size(), kMaxStep);
    stream.next_in = input_pointer(input);
    stream.avail_in = static_cast<unsigned>(step);
    // With the message's room used up, one more byte of output is looked
    // for in a probe on the stack: a stream that has it is too big (1009),
    // and nothing was allocated past max_output to find out.
    std::uint8_t probe = 0;
    const bool probing = written == max_output;
    std::span<std::uint8_t> room{&probe, 1};
    if (!probing) {
      const std::uint64_t left = max_output - written;
      room = out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(left, kOutputStep)));
      room = room.first(static_cast<std::size_t>(
          std::min<std::uint64_t>({room.size(), left, std::uint64_t{kMaxStep}})));
    }
    stream.next_out = reinterpret_cast<char*>(room.data());
    stream.avail_out = static_cast<unsigned>(room.size());
    const int result = BZ2_bzDecompress(&stream);
    const std::size_t produced = room.size() - stream.avail_out;
    const std::size_t consumed = step - stream.avail_in;
    input = input.subspan(consumed);
    if (probing && produced > 0) {
      stream_.reset();
      return codec::too_big("the decompressed message exceeds " + std::to_string(max_output) +
                            " bytes, the room left under max_message_size");
    }
    if (!probing) {
      out.commit(produced);
      written += produced;
    }
    if (result == BZ_STREAM_END) {
      ended_ = true;
      break;
    }
    if (result != BZ_OK) {
      stream_.reset();
      return decode_failure(result);
    }
    // Room left over means libbz2 stopped for want of input.
    if (stream.avail_out > 0 && input.empty()) break;
    if (produced == 0 && consumed == 0) {
      stream_.reset();  // libbz2 neither read nor wrote: never loop on it
      return codec::internal("libbz2 made no progress");
    }
  }
  if (ended_ && !input.empty()) {
    stream_.reset();
    return codec::corrupt("data after the end of the message's bzip2 stream");
  }
  if (last) {
    const bool complete = ended_;
    stream_.reset();  // free the ~3.7 MB decoder between messages
    ended_ = false;
    if (!complete) return codec::corrupt("the message ended inside its bzip2 stream");
  }
  return std::nullopt;
}

}  // namespace wsx::bzip2
