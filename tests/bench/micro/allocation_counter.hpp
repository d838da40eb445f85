// Counts calls of the global operator new (and new[]) while an
// AllocationCount is alive. allocation_counter.cpp replaces the global
// operators for this whole binary; counting is off otherwise and costs one
// relaxed atomic load per allocation.
#pragma once

#include <cstddef>

namespace wsx::bench {

class AllocationCount {
 public:
  // Starts counting from zero. One at a time (the benchmarks run on one thread).
  AllocationCount() noexcept;
  ~AllocationCount();
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;

  // Allocations since construction.
  [[nodiscard]] std::size_t count() const noexcept;
};

}  // namespace wsx::bench
