#include "incompressible.hpp"

#include <array>
#include <cstdint>

namespace wsx::pmd {
namespace {

// 1/220 as a ratio of integers: noise if (sum c^2 - n) * 220 <= n (n - 1).
constexpr std::uint64_t kAlphabetThreshold = 220;

// The collision test on one stretch of bytes (at least kMinSample long).
bool stretch_looks_incompressible(const std::uint8_t* data, std::size_t size) noexcept {
  std::array<std::uint32_t, 256> counts{};
  for (std::size_t i = 0; i < size; ++i) ++counts[data[i]];
  std::uint64_t sum_of_squares = 0;
  for (const std::uint32_t count : counts) sum_of_squares += std::uint64_t{count} * count;
  const std::uint64_t n = size;
  return (sum_of_squares - n) * kAlphabetThreshold <= n * (n - 1);
}

}  // namespace

bool looks_incompressible(wsx_bytes payload) noexcept {
  if (payload.size < kMinSample || payload.data == nullptr) return false;
  if (payload.size <= kSampleSlice * kSampleSlices) {
    return stretch_looks_incompressible(payload.data, payload.size);
  }
  // Slices start at 0, 1/4, 2/4 and 3/4 of the payload and never overlap.
  // Each is judged on its own and most must look like noise, so a text
  // header (a file format's, say) in one slice does not decide the message.
  const std::size_t step = payload.size / kSampleSlices;
  std::size_t noisy = 0;
  for (std::size_t slice = 0; slice < kSampleSlices; ++slice) {
    if (stretch_looks_incompressible(payload.data + slice * step, kSampleSlice)) ++noisy;
  }
  return noisy + 1 >= kSampleSlices;
}

}  // namespace wsx::pmd
