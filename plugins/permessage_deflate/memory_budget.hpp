// The zlib memory budget shared by every connection of one plugin instance
// (the max_memory parameter).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace wsx::pmd {

// A counter of bytes promised to zlib streams, bounded by a limit. Factories
// of one instance run on several I/O threads at once (ABI rule 6), so the
// counter is atomic; the instance owns it, so there is no global state.
class MemoryBudget {
 public:
  // limit 0 means unlimited.
  explicit MemoryBudget(std::uint64_t limit) noexcept : limit_(limit) {}

  // Adds `bytes` to the reserved total unless that would pass the limit.
  [[nodiscard]] bool try_reserve(std::uint64_t bytes) noexcept;
  void release(std::uint64_t bytes) noexcept;
  // Whether `bytes` more would fit now (another thread may take them first).
  [[nodiscard]] bool would_fit(std::uint64_t bytes) const noexcept;

  [[nodiscard]] std::uint64_t reserved() const noexcept {
    return reserved_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t limit() const noexcept { return limit_; }
  [[nodiscard]] bool unlimited() const noexcept { return limit_ == 0; }

 private:
  const std::uint64_t limit_;
  std::atomic<std::uint64_t> reserved_{0};
};

// Bytes held from a MemoryBudget, given back when this object dies.
class BudgetReservation {
 public:
  BudgetReservation() = default;
  // Reserves `bytes`; check held() to see whether it worked.
  BudgetReservation(MemoryBudget& budget, std::uint64_t bytes) noexcept;
  ~BudgetReservation() { reset(); }
  BudgetReservation(BudgetReservation&& other) noexcept;
  BudgetReservation& operator=(BudgetReservation&& other) noexcept;
  BudgetReservation(const BudgetReservation&) = delete;
  BudgetReservation& operator=(const BudgetReservation&) = delete;

  [[nodiscard]] bool held() const noexcept { return budget_ != nullptr; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }
  void reset() noexcept;

 private:
  MemoryBudget* budget_ = nullptr;
  std::uint64_t bytes_ = 0;
};

}  // namespace wsx::pmd
