#include "latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace wsx::bench {

unsigned LatencyHistogram::index_of(std::uint64_t value) noexcept {
  if (value < kExact) return static_cast<unsigned>(value);
  const unsigned exponent = 63u - static_cast<unsigned>(std::countl_zero(value));  // >= 7
  const unsigned shift = exponent - kSubBits;
  const auto mantissa = static_cast<unsigned>(value >> shift);  // in [64, 128)
  return kExact + (exponent - kSubBits - 1) * (1u << kSubBits) + (mantissa - (1u << kSubBits));
}

double LatencyHistogram::midpoint_of(unsigned index) noexcept {
  if (index < kExact) return static_cast<double>(index);
  const unsigned rest = index - kExact;
  const unsigned exponent = rest / (1u << kSubBits) + kSubBits + 1;
  const unsigned mantissa = rest % (1u << kSubBits) + (1u << kSubBits);
  const unsigned shift = exponent - kSubBits;
  const double low = std::ldexp(static_cast<double>(mantissa), static_cast<int>(shift));
  return low + std::ldexp(0.5, static_cast<int>(shift));
}

void LatencyHistogram::record(std::uint64_t nanoseconds) noexcept {
  ++buckets_[index_of(nanoseconds)];
  ++count_;
  if (nanoseconds > max_) max_ = nanoseconds;
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (unsigned i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  if (other.max_ > max_) max_ = other.max_;
}

double LatencyHistogram::quantile_ns(double q) const noexcept {
  if (count_ == 0) return 0;
  // The smallest value with at least ceil(q * count) samples at or below it.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (unsigned i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return midpoint_of(i);
  }
  return midpoint_of(kBuckets - 1);
}

}  // namespace wsx::bench
