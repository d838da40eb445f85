#include "workspace_cache.hpp"

#include <algorithm>
#include <new>

namespace wsx::bzip2 {

void* WorkspaceCache::allocate(std::size_t size) noexcept {
  for (Block& block : blocks_) {
    if (!block.in_use && block.size == size) {
      block.in_use = true;
      idle_bytes_ -= size;
      return block.memory.get();
    }
  }
  try {
    blocks_.reserve(blocks_.size() + 1);  // the one step that may throw
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
  void* memory = std::malloc(size == 0 ? 1 : size);
  if (memory == nullptr) return nullptr;
  blocks_.push_back({size, std::unique_ptr<void, Free>(memory), true});
  return memory;
}

void WorkspaceCache::release(void* memory) noexcept {
  const auto block = std::find_if(blocks_.begin(), blocks_.end(),
                                  [&](const Block& b) { return b.memory.get() == memory; });
  if (block == blocks_.end()) return;  // not ours: libbz2 never does this
  if (idle_bytes_ + block->size > kMaxIdleBytes) {
    blocks_.erase(block);  // over the bound: back to the system
    return;
  }
  block->in_use = false;
  idle_bytes_ += block->size;
}

void* WorkspaceCache::bz_allocate(void* cache, int count, int size) noexcept {
  if (count < 0 || size < 0) return nullptr;
  return static_cast<WorkspaceCache*>(cache)->allocate(static_cast<std::size_t>(count) *
                                                       static_cast<std::size_t>(size));
}

void WorkspaceCache::bz_free(void* cache, void* block) noexcept {
  static_cast<WorkspaceCache*>(cache)->release(block);
}

}  // namespace wsx::bzip2
