#include "zlib_allocator.hpp"

#include <cstdlib>
#include <cstring>
#include <limits>

namespace wsx::pmd {
namespace {

// Each block starts with a header that remembers its size, since zfree is
// not told; the header keeps the block aligned for any type zlib stores.
constexpr std::size_t kHeaderBytes = alignof(std::max_align_t);
static_assert(kHeaderBytes >= sizeof(std::size_t));

}  // namespace

void MemoryGauge::add(std::size_t bytes) noexcept {
  allocations_.fetch_add(1, std::memory_order_relaxed);
  const std::size_t now = in_use_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::size_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void MemoryGauge::remove(std::size_t bytes) noexcept {
  in_use_.fetch_sub(bytes, std::memory_order_relaxed);
}

void StreamMemory::attach(z_stream& stream) noexcept {
  stream.zalloc = &StreamMemory::allocate;
  stream.zfree = &StreamMemory::release;
  stream.opaque = this;
}

voidpf StreamMemory::allocate(voidpf opaque, uInt items, uInt size) noexcept {
  auto* self = static_cast<StreamMemory*>(opaque);
  if (size != 0 && items > (std::numeric_limits<std::size_t>::max() - kHeaderBytes) / size) {
    return Z_NULL;
  }
  const std::size_t bytes = std::size_t{items} * size;
  auto* block = static_cast<unsigned char*>(std::malloc(kHeaderBytes + bytes));
  if (block == nullptr) return Z_NULL;
  std::memcpy(block, &bytes, sizeof bytes);
  self->in_use_ += bytes;
  self->gauge_->add(bytes);
  return block + kHeaderBytes;
}

void StreamMemory::release(voidpf opaque, voidpf address) noexcept {
  if (address == Z_NULL) return;
  auto* self = static_cast<StreamMemory*>(opaque);
  unsigned char* block = static_cast<unsigned char*>(address) - kHeaderBytes;
  std::size_t bytes = 0;
  std::memcpy(&bytes, block, sizeof bytes);
  self->in_use_ -= bytes;
  self->gauge_->remove(bytes);
  std::free(block);
}

}  // namespace wsx::pmd
