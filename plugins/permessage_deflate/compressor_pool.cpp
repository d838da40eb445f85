#include "compressor_pool.hpp"

#include <new>
#include <utility>

namespace wsx::pmd {

struct CompressorPool::Slot {
  Slot(const DeflaterSettings& settings, MemoryGauge& gauge, BudgetReservation held,
       std::uint64_t bytes) noexcept
      : deflater(settings, gauge),
        reservation(std::move(held)),
        bound(bytes),
        window_bits(settings.window_bits) {}

  Deflater deflater;
  BudgetReservation reservation;
  std::uint64_t bound;
  int window_bits;
  // The connection whose history the stream holds and who may continue
  // with it; nullptr once that history may not be continued by anyone.
  PooledCompressor* owner = nullptr;
  // Inside a message of `owner`: in no list, untouchable.
  bool lent = false;
  // Written to since its last reset: a new owner needs a deflateReset.
  bool has_history = false;
  // Position in CompressorPool::slots_.
  std::size_t index = 0;
  // Neighbours in the given-back list of its window (oldest to newest).
  Slot* older = nullptr;
  Slot* newer = nullptr;
};

CompressorPool::CompressorPool(std::uint64_t budget, int level, int mem_level, MemoryGauge& gauge,
                               MemoryBudget& instance_budget) noexcept
    : budget_(budget),
      level_(level),
      mem_level_(mem_level),
      gauge_(gauge),
      instance_budget_(instance_budget) {}

CompressorPool::~CompressorPool() {
  // ABI rule 7: the host destroys a thread context only after every
  // extension made with it, so no user is left; clear any link regardless.
  for (const auto& slot : slots_) {
    if (slot->owner != nullptr) slot->owner->slot_ = nullptr;
  }
}

CompressorPool::List& CompressorPool::list_for(int window_bits) noexcept {
  return given_back_[static_cast<std::size_t>(window_bits - 8)];
}

void CompressorPool::unlink(Slot* slot) noexcept {
  List& list = list_for(slot->window_bits);
  (slot->older != nullptr ? slot->older->newer : list.oldest) = slot->newer;
  (slot->newer != nullptr ? slot->newer->older : list.newest) = slot->older;
  slot->older = slot->newer = nullptr;
}

void CompressorPool::push_newest(Slot* slot) noexcept {
  List& list = list_for(slot->window_bits);
  slot->older = list.newest;
  slot->newer = nullptr;
  (list.newest != nullptr ? list.newest->newer : list.oldest) = slot;
  list.newest = slot;
}

void CompressorPool::push_oldest(Slot* slot) noexcept {
  List& list = list_for(slot->window_bits);
  slot->newer = list.oldest;
  slot->older = nullptr;
  (list.oldest != nullptr ? list.oldest->older : list.newest) = slot;
  list.oldest = slot;
}

CompressorPool::Slot* CompressorPool::make_slot(int window_bits) noexcept {
  const DeflaterSettings settings{window_bits, false, level_, mem_level_};
  const std::uint64_t bound = Deflater::memory_bound(settings);
  if (bound > budget_ || bytes_in_streams_ > budget_ - bound) return nullptr;
  BudgetReservation held(instance_budget_, bound);
  if (!held.held()) return nullptr;
  try {
    auto slot = std::make_unique<Slot>(settings, gauge_, std::move(held), bound);
    slot->index = slots_.size();
    slots_.push_back(std::move(slot));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
  bytes_in_streams_ += bound;
  return slots_.back().get();
}

void CompressorPool::destroy_slot(Slot* slot) noexcept {
  bytes_in_streams_ -= slot->bound;
  const std::size_t index = slot->index;
  if (index + 1 != slots_.size()) {
    std::swap(slots_[index], slots_.back());
    slots_[index]->index = index;
  }
  slots_.pop_back();  // deflateEnd, and the reservations go back
}

bool CompressorPool::evict_one_other_than(int window_bits) noexcept {
  for (int other = 8; other < 8 + kWindows; ++other) {
    if (other == window_bits) continue;
    Slot* victim = list_for(other).oldest;
    if (victim == nullptr) continue;
    if (victim->owner != nullptr) {
      victim->owner->slot_ = nullptr;
      ++takeovers_;
    }
    unlink(victim);
    destroy_slot(victim);
    return true;
  }
  return false;
}

Deflater* CompressorPool::lend(Slot* slot, PooledCompressor& user) noexcept {
  // A stream that carries someone else's history (or history nobody may
  // continue) starts over: byte for byte what a fresh stream would make.
  if (slot->has_history && slot->owner != &user) slot->deflater.reset();
  slot->owner = &user;
  slot->lent = true;
  slot->has_history = true;
  ++lent_;
  user.slot_ = slot;
  user.sending_ = true;
  return &slot->deflater;
}

Deflater* CompressorPool::acquire(PooledCompressor& user) noexcept {
  // Our own stream, untouched since our last message: continue with it.
  if (user.slot_ != nullptr) {
    Slot* own = user.slot_;
    // A new message over one that never ended (the host does not do that;
    // a stream mid-flush must not be continued either way): start over.
    if (own->lent) {
      own->deflater.reset();
      return &own->deflater;
    }
    unlink(own);
    return lend(own, user);
  }
  const int window_bits = user.settings_.window_bits;
  List& list = list_for(window_bits);
  // A free stream (nobody's history to keep): the most recently freed one
  // is at the old end, so it is taken first while it is still in cache.
  if (Slot* free = list.oldest; free != nullptr && free->owner == nullptr) {
    unlink(free);
    return lend(free, user);
  }
  if (Slot* fresh = make_slot(window_bits)) return lend(fresh, user);
  // No budget for a new stream: take the one given back longest ago. Its
  // owner is between messages (lent streams are in no list) and starts its
  // next one from an empty window, as RFC 7692 §7.1.1.1 allows.
  if (Slot* oldest = list.oldest; oldest != nullptr) {
    oldest->owner->slot_ = nullptr;
    unlink(oldest);
    ++takeovers_;
    return lend(oldest, user);
  }
  // Budget held by given-back streams of other windows: trade one in.
  if (evict_one_other_than(window_bits)) {
    if (Slot* fresh = make_slot(window_bits)) return lend(fresh, user);
  }
  ++refusals_;
  return nullptr;
}

void CompressorPool::give_back(PooledCompressor& user, bool keep_context) noexcept {
  Slot* slot = user.slot_;
  slot->lent = false;
  --lent_;
  user.sending_ = false;
  if (keep_context) {
    push_newest(slot);  // still ours, taken from others last
    return;
  }
  slot->owner = nullptr;
  user.slot_ = nullptr;
  push_oldest(slot);
}

void CompressorPool::forget(PooledCompressor& user) noexcept {
  Slot* slot = user.slot_;
  if (slot == nullptr) return;
  if (slot->lent) {
    // Gone mid-message (a failed connection): its half-written stream is
    // reset before anyone else uses it (has_history stays set).
    slot->lent = false;
    --lent_;
  } else {
    unlink(slot);
  }
  slot->owner = nullptr;
  user.slot_ = nullptr;
  user.sending_ = false;
  push_oldest(slot);
}

PooledCompressor::~PooledCompressor() {
  pool_->forget(*this);
}

Deflater* PooledCompressor::begin_message() noexcept {
  return pool_->acquire(*this);
}

void PooledCompressor::end_message() noexcept {
  if (sending_) pool_->give_back(*this, !settings_.no_context_takeover);
}

std::size_t PooledCompressor::bytes_held() const noexcept {
  return slot_ == nullptr ? 0 : slot_->deflater.bytes_held();
}

}  // namespace wsx::pmd
