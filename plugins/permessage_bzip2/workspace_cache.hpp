// libbz2's work areas, kept per I/O thread between messages (the plugin's
// ThreadContext, ABI rule 7).
//
// Every bzip2 stream allocates its work areas when it starts and frees them
// when it ends, and this plugin starts one stream per message each way:
// at level 9 about 7.6 MB to compress and 3.7 MB to decompress. glibc hands
// blocks that big out by mmap, so without a cache every message pays for
// mapping, page faults and unmapping. The cache keeps freed blocks and
// hands the same sizes out again (a level's work areas always have the same
// sizes), so the connections of one I/O thread reuse one set of them.
//
// Threads: one cache per I/O thread, used only there (the host calls an
// extension made with a context only on that context's thread), so no lock.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <vector>

namespace wsx::bzip2 {

class WorkspaceCache {
 public:
  /// Idle bytes kept at most: one level-9 compressor and one decompressor
  /// (7.6 MB + 3.7 MB) fit; anything freed past it goes back to the system.
  static constexpr std::size_t kMaxIdleBytes = 12u << 20;

  WorkspaceCache() = default;
  WorkspaceCache(const WorkspaceCache&) = delete;
  WorkspaceCache& operator=(const WorkspaceCache&) = delete;

  /// A block of `size` bytes: an idle one of that size, or a new one.
  /// nullptr when memory cannot be had (libbz2 then reports BZ_MEM_ERROR).
  [[nodiscard]] void* allocate(std::size_t size) noexcept;

  /// Gives back a block from allocate().
  void release(void* block) noexcept;

  /// Bytes held idle for reuse.
  [[nodiscard]] std::size_t idle_bytes() const noexcept { return idle_bytes_; }

  /// libbz2's bzalloc/bzfree with the cache as `opaque`.
  static void* bz_allocate(void* cache, int count, int size) noexcept;
  static void bz_free(void* cache, void* block) noexcept;

 private:
  struct Free {
    void operator()(void* block) const noexcept { std::free(block); }
  };
  struct Block {
    std::size_t size;
    std::unique_ptr<void, Free> memory;
    bool in_use;
  };

  std::vector<Block> blocks_;  // a handful: four per stream alive on this thread
  std::size_t idle_bytes_ = 0;
};

}  // namespace wsx::bzip2
