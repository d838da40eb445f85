// Unmasking (RFC 6455 section 5.3), GB/s, in place as Connection::receive does
// it, for a control-frame-sized payload (125 B), a typical large frame (4 KiB)
// and a bulk transfer (1 MiB); with the payload starting on a 64-byte
// boundary and one byte past it (a payload follows a 2..14-byte header in the
// read buffer, so in practice it is rarely aligned).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <new>

#include "core/framing/mask.hpp"

namespace wsx::bench {
namespace {

constexpr std::size_t alignment = 64;

// A buffer whose usable bytes start at a 64-byte boundary plus `offset`.
class OffsetBuffer {
 public:
  OffsetBuffer(std::size_t size, std::size_t offset)
      : storage_(new (std::align_val_t{alignment}) std::uint8_t[size + alignment]),
        data_(storage_.get() + offset),
        size_(size) {
    for (std::size_t i = 0; i < size; ++i) data_[i] = static_cast<std::uint8_t>(i * 131 + 7);
  }
  [[nodiscard]] std::span<std::uint8_t> bytes() noexcept { return {data_, size_}; }

 private:
  struct AlignedDelete {
    void operator()(std::uint8_t* p) const noexcept {
      ::operator delete[](p, std::align_val_t{alignment});
    }
  };
  std::unique_ptr<std::uint8_t[], AlignedDelete> storage_;
  std::uint8_t* data_;
  std::size_t size_;
};

void BM_Unmask(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto offset = static_cast<std::size_t>(state.range(1));
  OffsetBuffer buffer(size, offset);
  const core::MaskKey key{0x37, 0xfa, 0x21, 0x3d};
  const std::uint8_t first = buffer.bytes()[0];
  for (auto _ : state) {
    core::apply_mask(buffer.bytes(), key);
    benchmark::DoNotOptimize(buffer.bytes().data());
    benchmark::ClobberMemory();
  }
  // Masking twice is the identity: after an even number of passes the buffer
  // is back to its start (a cheap check that the loop did the work).
  if (state.iterations() % 2 == 0 && buffer.bytes()[0] != first) {
    state.SkipWithError("apply_mask is not an involution");
    return;
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
  state.SetLabel(offset == 0 ? "aligned" : "unaligned");
}
BENCHMARK(BM_Unmask)->ArgsProduct({{125, 4 << 10, 1 << 20}, {0, 1}});

}  // namespace
}  // namespace wsx::bench
