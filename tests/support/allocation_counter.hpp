// Counts calls of the global operator new (and new[]) while an
// AllocationCount is alive. allocation_counter.cpp replaces the global
// operators for the whole binary that links it (target
// wsx_allocation_counter, an OBJECT library, so that a binary counting
// allocations is its own executable); counting is off otherwise and costs
// one relaxed atomic load per allocation.
#pragma once

#include <cstddef>

namespace wsx::test {

class AllocationCount {
 public:
  // Starts counting from zero. One at a time, on one thread.
  AllocationCount() noexcept;
  ~AllocationCount();
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;

  // Allocations since construction.
  [[nodiscard]] std::size_t count() const noexcept;
};

}  // namespace wsx::test
