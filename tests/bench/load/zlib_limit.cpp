#include "zlib_limit.hpp"

#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "workload.hpp"

namespace wsx::bench {

namespace {

using Clock = std::chrono::steady_clock;

// RFC 7692 section 7.2.1: the empty stored block a sync flush ends with.
constexpr std::uint8_t kTail[4] = {0x00, 0x00, 0xff, 0xff};

// One deflate and one inflate stream, both kept across messages.
class DeflatePair {
 public:
  DeflatePair(int level, int window_bits, int mem_level) {
    ok_ = deflateInit2(&deflater_, level, Z_DEFLATED, -window_bits, mem_level,
                       Z_DEFAULT_STRATEGY) == Z_OK;
    deflater_ready_ = ok_;
    ok_ = ok_ && inflateInit2(&inflater_, -window_bits) == Z_OK;
    inflater_ready_ = ok_;
  }
  ~DeflatePair() {
    if (deflater_ready_) deflateEnd(&deflater_);
    if (inflater_ready_) inflateEnd(&inflater_);
  }
  DeflatePair(const DeflatePair&) = delete;
  DeflatePair& operator=(const DeflatePair&) = delete;

  [[nodiscard]] bool ok() const noexcept { return ok_; }

  // Compresses `in` into `out` (which keeps its capacity between calls).
  bool compress(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
    out.resize(deflateBound(&deflater_, in.size()) + 16);
    deflater_.next_in = const_cast<Bytef*>(in.data());
    deflater_.avail_in = static_cast<uInt>(in.size());
    deflater_.next_out = out.data();
    deflater_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&deflater_, Z_SYNC_FLUSH) != Z_OK || deflater_.avail_in != 0 ||
        deflater_.avail_out == 0)
      return false;
    std::size_t size = out.size() - deflater_.avail_out;
    if (size < 4 || std::memcmp(out.data() + size - 4, kTail, 4) != 0) return false;
    out.resize(size - 4);
    return true;
  }

  // Decompresses `in` plus the tail into `out`, which must become `expected`.
  bool decompress(std::vector<std::uint8_t>& in, std::span<const std::uint8_t> expected,
                  std::vector<std::uint8_t>& out) {
    in.insert(in.end(), std::begin(kTail), std::end(kTail));
    out.resize(expected.size() + 64);
    inflater_.next_in = in.data();
    inflater_.avail_in = static_cast<uInt>(in.size());
    inflater_.next_out = out.data();
    inflater_.avail_out = static_cast<uInt>(out.size());
    const int status = inflate(&inflater_, Z_SYNC_FLUSH);
    if ((status != Z_OK && status != Z_BUF_ERROR) || inflater_.avail_in != 0) return false;
    const std::size_t size = out.size() - inflater_.avail_out;
    return size == expected.size() && std::memcmp(out.data(), expected.data(), size) == 0;
  }

 private:
  z_stream deflater_{};
  z_stream inflater_{};
  bool ok_ = false;
  bool deflater_ready_ = false;
  bool inflater_ready_ = false;
};

}  // namespace

bool run_zlib_limit(const BenchOptions& options, BenchResult& result) {
  const Workload workload = make_workload(options);
  const auto& messages = workload.set.messages;
  DeflatePair pair(options.level, options.window_bits, options.mem_level);
  if (!pair.ok()) {
    std::fprintf(stderr, "wsx-bench: error: zlib refused level %d, window %d, memLevel %d\n",
                 options.level, options.window_bits, options.mem_level);
    return false;
  }
  std::vector<std::uint8_t> compressed;
  std::vector<std::uint8_t> restored;
  compressed.reserve(4096);
  restored.reserve(4096);
  std::uint64_t original_bytes = 0;
  std::uint64_t compressed_bytes = 0;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(options.duration_s));
  Clock::time_point now = start;
  for (std::uint64_t i = 0; i < options.max_messages; ++i) {
    const std::span<const std::uint8_t> message = messages[i % messages.size()];
    if (!pair.compress(message, compressed)) {
      std::fprintf(stderr, "wsx-bench: error: deflate failed on message %llu\n",
                   static_cast<unsigned long long>(i));
      return false;
    }
    compressed_bytes += compressed.size();
    if (!pair.decompress(compressed, message, restored)) {
      std::fprintf(stderr, "wsx-bench: error: message %llu did not survive deflate + inflate\n",
                   static_cast<unsigned long long>(i));
      return false;
    }
    original_bytes += message.size();
    const Clock::time_point after = Clock::now();
    result.latency.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(after - now).count()));
    now = after;
    ++result.messages;
    if (now >= deadline) break;
  }
  result.payload_bytes = original_bytes;
  result.seconds = std::chrono::duration<double>(now - start).count();
  result.compression_ratio = original_bytes == 0 ? 0
                                                 : static_cast<double>(compressed_bytes) /
                                                       static_cast<double>(original_bytes);
  result.deflate = true;
  return true;
}

}  // namespace wsx::bench
