// Latency percentiles without storing every sample: a log-linear histogram in
// the style of HdrHistogram. Values below 128 ns are exact; above, each power
// of two is split into 64 buckets, so any reported value is within 1/64
// (1.6 %) of a recorded one. Fixed size, so recording never allocates.
#pragma once

#include <array>
#include <cstdint>

namespace wsx::bench {

class LatencyHistogram {
 public:
  void record(std::uint64_t nanoseconds) noexcept;
  void merge(const LatencyHistogram& other) noexcept;

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] std::uint64_t max_ns() const noexcept { return max_; }
  // The value at quantile q (0..1), in nanoseconds; 0 when empty.
  [[nodiscard]] double quantile_ns(double q) const noexcept;

 private:
  static constexpr unsigned kSubBits = 6;             // 64 buckets per power of two
  static constexpr unsigned kExact = 2u << kSubBits;  // 128 exact values
  static constexpr unsigned kPowers = 64 - kSubBits - 1;
  static constexpr unsigned kBuckets = kExact + kPowers * (1u << kSubBits);

  [[nodiscard]] static unsigned index_of(std::uint64_t value) noexcept;
  [[nodiscard]] static double midpoint_of(unsigned index) noexcept;

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace wsx::bench
