// A per-I/O-thread pool of deflate streams (issue 13, item 2). Compressor
// state is only needed while a connection sends; an idle connection's
// compressor can serve another connection of the same thread. So instead of
// one zlib stream per connection, the connections of one I/O thread share at
// most `budget` bytes of streams.
//
// The policy, message by message (a stream is never shared mid-message):
//  - At the end of every message a connection gives its stream back. The
//    stream still holds the connection's history, and remembers it: if the
//    same connection asks again before anyone else took that stream, it
//    continues with it (context takeover, nothing reset).
//  - Another connection takes a given-back stream only when the pool has no
//    free one and no budget for a new one (least recently used first). The
//    stream is deflateReset for it, and its former owner starts its next
//    message from an empty window. RFC 7692 §7.1.1.1 allows that at any
//    message boundary even with context takeover agreed: the peer's
//    decompressor keeps a window that our next message just does not use.
//    The cost is ratio, not correctness (see README: a message compressed
//    with no history compresses to about 0.7 of its size instead of 0.35).
//  - Without context takeover for what we send (agreed, or
//    keep_compression_context = false) a given-back stream keeps nothing:
//    any connection may take it next, the most recently used first, which
//    is the one most likely still in the CPU's cache.
//  - With no stream to take and the budget spent, the message goes out
//    uncompressed (RSV1 clear, §6: compression is chosen per message).
//
// Threads: a pool belongs to one I/O thread (the plugin's thread context,
// ABI rule 7); every call on it, and on the PooledCompressors made from it,
// happens on that thread, so nothing here is atomic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "deflater.hpp"
#include "memory_budget.hpp"
#include "zlib_allocator.hpp"

namespace wsx::pmd {

class PooledCompressor;

class CompressorPool {
 public:
  // `budget` bytes of deflate streams (Deflater::memory_bound each) for
  // this thread; every stream also holds its bytes of the instance-wide
  // `instance_budget` (max_memory) while it exists.
  CompressorPool(std::uint64_t budget, int level, int mem_level, MemoryGauge& gauge,
                 MemoryBudget& instance_budget) noexcept;
  ~CompressorPool();
  CompressorPool(const CompressorPool&) = delete;
  CompressorPool& operator=(const CompressorPool&) = delete;

  // Bytes of streams that exist now (lent and given back), by their bound.
  [[nodiscard]] std::uint64_t bytes_in_streams() const noexcept { return bytes_in_streams_; }
  [[nodiscard]] std::uint64_t budget() const noexcept { return budget_; }
  [[nodiscard]] std::size_t streams() const noexcept { return slots_.size(); }
  // Streams lent to a connection that is inside a message now.
  [[nodiscard]] std::size_t lent() const noexcept { return lent_; }
  // Messages that got a stream whose history had to be dropped for them
  // (taken from another connection, or reset for a new owner).
  [[nodiscard]] std::uint64_t takeovers() const noexcept { return takeovers_; }
  // Messages that found no stream and no budget (sent uncompressed).
  [[nodiscard]] std::uint64_t refusals() const noexcept { return refusals_; }

 private:
  friend class PooledCompressor;
  struct Slot;

  // One list of given-back streams per agreed window (8-15): a stream
  // cannot change its window (zlib's deflateReset keeps windowBits).
  static constexpr int kWindows = 8;
  struct List {
    Slot* oldest = nullptr;
    Slot* newest = nullptr;
  };

  // A stream for the next message of `user`, or nullptr.
  Deflater* acquire(PooledCompressor& user) noexcept;
  // `user` ended its message; `keep_context` says whether its history may
  // be continued (context takeover for what it sends).
  void give_back(PooledCompressor& user, bool keep_context) noexcept;
  // `user` goes away: whatever it holds becomes free for anyone.
  void forget(PooledCompressor& user) noexcept;

  Slot* make_slot(int window_bits) noexcept;
  void destroy_slot(Slot* slot) noexcept;
  bool evict_one_other_than(int window_bits) noexcept;
  void unlink(Slot* slot) noexcept;
  void push_newest(Slot* slot) noexcept;
  void push_oldest(Slot* slot) noexcept;
  [[nodiscard]] List& list_for(int window_bits) noexcept;
  Deflater* lend(Slot* slot, PooledCompressor& user) noexcept;

  const std::uint64_t budget_;
  const int level_;
  const int mem_level_;
  MemoryGauge& gauge_;
  MemoryBudget& instance_budget_;
  std::uint64_t bytes_in_streams_ = 0;
  std::size_t lent_ = 0;
  std::uint64_t takeovers_ = 0;
  std::uint64_t refusals_ = 0;
  // Owns every stream; lists and users only point into it.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::array<List, kWindows> given_back_{};
};

// One connection's use of a pool: its compressor for what it sends.
class PooledCompressor {
 public:
  PooledCompressor(CompressorPool& pool, const DeflaterSettings& settings) noexcept
      : pool_(&pool), settings_(settings) {}
  ~PooledCompressor();
  // The pool keeps this object's address while it holds a stream.
  PooledCompressor(const PooledCompressor&) = delete;
  PooledCompressor& operator=(const PooledCompressor&) = delete;

  // The stream for a new message, or nullptr: send it uncompressed.
  [[nodiscard]] Deflater* begin_message() noexcept;
  // After the message's final frame was compressed.
  void end_message() noexcept;

  [[nodiscard]] const DeflaterSettings& settings() const noexcept { return settings_; }
  // zlib bytes of the stream this connection holds or may continue with.
  [[nodiscard]] std::size_t bytes_held() const noexcept;
  // Whether this connection is inside a message with a stream of the pool.
  [[nodiscard]] bool sending() const noexcept { return sending_; }

 private:
  friend class CompressorPool;
  CompressorPool* pool_;
  DeflaterSettings settings_;
  // The stream lent to us (sending_) or given back and still ours to
  // continue with, or nullptr. The pool clears it when it takes the stream.
  CompressorPool::Slot* slot_ = nullptr;
  bool sending_ = false;
};

}  // namespace wsx::pmd
