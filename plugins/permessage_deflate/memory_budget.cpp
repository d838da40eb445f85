#include "memory_budget.hpp"

#include <utility>

namespace wsx::pmd {

bool MemoryBudget::try_reserve(std::uint64_t bytes) noexcept {
  std::uint64_t current = reserved_.load(std::memory_order_relaxed);
  do {
    if (limit_ != 0 && (bytes > limit_ || current > limit_ - bytes)) return false;
  } while (!reserved_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
  return true;
}

bool MemoryBudget::would_fit(std::uint64_t bytes) const noexcept {
  const std::uint64_t current = reserved();
  return limit_ == 0 || (bytes <= limit_ && current <= limit_ - bytes);
}

void MemoryBudget::release(std::uint64_t bytes) noexcept {
  reserved_.fetch_sub(bytes, std::memory_order_relaxed);
}

BudgetReservation::BudgetReservation(MemoryBudget& budget, std::uint64_t bytes) noexcept {
  if (budget.try_reserve(bytes)) {
    budget_ = &budget;
    bytes_ = bytes;
  }
}

BudgetReservation::BudgetReservation(BudgetReservation&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

BudgetReservation& BudgetReservation::operator=(BudgetReservation&& other) noexcept {
  if (this != &other) {
    reset();
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void BudgetReservation::reset() noexcept {
  if (budget_ != nullptr) budget_->release(bytes_);
  budget_ = nullptr;
  bytes_ = 0;
}

}  // namespace wsx::pmd
