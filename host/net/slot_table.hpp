// The connections of one I/O thread, indexed by ConnectionHandle slot. Owns
// its objects. A slot's generation changes every time it is reused, so a
// stale handle finds nothing instead of a stranger (see connection_handle.hpp).
// 16 bytes per slot; freed slots are reused before the table grows.
// Not thread-safe: only the owning I/O thread touches it.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace wsx::net {

template <class T>
class SlotTable {
 public:
  static constexpr std::uint32_t kGenerationLimit = 0x80000000u;

  struct Key {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;
  };

  SlotTable() = default;
  SlotTable(const SlotTable&) = delete;
  SlotTable& operator=(const SlotTable&) = delete;
  ~SlotTable() { clear(); }

  // Stores the object `make(key)` returns (a std::unique_ptr<T>) and takes
  // ownership of it; `make` learns the key first so the object can know it.
  template <class Make>
  T& emplace(Make&& make) {
    std::uint32_t slot;
    if (free_head_ != kNone) {
      slot = free_head_;
      free_head_ = slots_[slot].next_free;
    } else {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{});
    }
    Slot& entry = slots_[slot];
    // Generation 0 is reserved for "no connection"; generations stay below
    // 2^31 so that a poller token keeps its top bit free (Session's
    // upstream socket is told apart by it).
    if (++entry.generation >= kGenerationLimit) entry.generation = 1;
    const Key key{slot, entry.generation};
    try {
      entry.object = std::forward<Make>(make)(key).release();
    } catch (...) {
      release_slot(slot);
      throw;
    }
    ++size_;
    return *entry.object;
  }

  // The object `key` names, or nullptr if it is gone.
  [[nodiscard]] T* find(Key key) const noexcept {
    if (key.slot >= slots_.size()) return nullptr;
    const Slot& entry = slots_[key.slot];
    return entry.generation == key.generation ? entry.object : nullptr;
  }

  // Destroys the object `key` names (no-op if it is already gone).
  void erase(Key key) noexcept {
    T* object = find(key);
    if (object == nullptr) return;
    release_slot(key.slot);
    --size_;
    delete object;
  }

  // Calls fn(T&) on every object. fn may erase any object, including the
  // current one; objects added meanwhile may or may not be visited.
  template <class Fn>
  void for_each(Fn&& fn) {
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
      if (T* object = slots_[slot].object) fn(*object);
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

  void clear() noexcept {
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
      if (slots_[slot].object != nullptr) erase(Key{slot, slots_[slot].generation});
    }
  }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  struct Slot {
    T* object = nullptr;
    std::uint32_t generation = 0;
    std::uint32_t next_free = kNone;
  };

  void release_slot(std::uint32_t slot) noexcept {
    slots_[slot].object = nullptr;
    slots_[slot].next_free = free_head_;
    free_head_ = slot;
  }

  std::vector<Slot> slots_;
  std::uint32_t free_head_ = kNone;
  std::size_t size_ = 0;
};

}  // namespace wsx::net
