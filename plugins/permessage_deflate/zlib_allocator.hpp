// Counting what zlib really holds. zlib allocates through the zalloc/zfree
// hooks of each z_stream; pointing them here lets a connection report the
// bytes its streams hold and the instance keep a total, without guessing.
#pragma once

#include <zlib.h>

#include <atomic>
#include <cstddef>

namespace wsx::pmd {

// zlib bytes held by all streams of one plugin instance, and the most ever
// held at once. Streams of different connections run on different threads.
class MemoryGauge {
 public:
  void add(std::size_t bytes) noexcept;
  void remove(std::size_t bytes) noexcept;
  [[nodiscard]] std::size_t in_use() const noexcept {
    return in_use_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::size_t peak() const noexcept { return peak_.load(std::memory_order_relaxed); }
  // Starts a new peak measurement from the current use.
  void reset_peak() noexcept { peak_.store(in_use(), std::memory_order_relaxed); }
  // zlib allocations so far (a warm connection makes none per frame).
  [[nodiscard]] std::size_t allocations() const noexcept {
    return allocations_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::size_t> allocations_{0};
  std::atomic<std::size_t> in_use_{0};
  std::atomic<std::size_t> peak_{0};
};

// The allocator of one z_stream: counts the bytes that stream holds and
// reports them to the instance's gauge. Not copyable or movable: zlib keeps
// its address as the stream's `opaque`.
class StreamMemory {
 public:
  explicit StreamMemory(MemoryGauge& gauge) noexcept : gauge_(&gauge) {}
  StreamMemory(const StreamMemory&) = delete;
  StreamMemory& operator=(const StreamMemory&) = delete;

  // Makes `stream` allocate through this object; call before *Init2().
  void attach(z_stream& stream) noexcept;

  [[nodiscard]] std::size_t in_use() const noexcept { return in_use_; }

 private:
  static voidpf allocate(voidpf opaque, uInt items, uInt size) noexcept;
  static void release(voidpf opaque, voidpf address) noexcept;

  MemoryGauge* gauge_;
  std::size_t in_use_ = 0;
};

// The most zlib allocates for one stream (zconf.h, "memory footprint"),
// plus its internal state struct: 5952 bytes for deflate and 7160 for
// inflate with zlib 1.2.13 on 64-bit Linux, rounded up. The unit tests
// check these bounds against the counting allocator above.
inline constexpr std::size_t kDeflateStateBytes = 6 * 1024;
inline constexpr std::size_t kInflateStateBytes = 8 * 1024;

// deflate: a 2-byte-per-entry window and prev chain of 2^windowBits entries
// each (4 << windowBits together) plus the hash head and symbol buffer
// (2^(memLevel+9)). windowBits is what zlib really uses (9-15).
[[nodiscard]] constexpr std::size_t deflate_memory_bound(int zlib_window_bits,
                                                         int mem_level) noexcept {
  return (std::size_t{1} << (zlib_window_bits + 2)) + (std::size_t{1} << (mem_level + 9)) +
         kDeflateStateBytes;
}

// inflate: the window, allocated on first output, plus the state.
[[nodiscard]] constexpr std::size_t inflate_memory_bound(int zlib_window_bits) noexcept {
  return (std::size_t{1} << zlib_window_bits) + kInflateStateBytes;
}

}  // namespace wsx::pmd
