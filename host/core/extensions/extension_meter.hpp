// Per-extension counters of one I/O thread: what the extension chain
// (extension_chain.cpp) records for every frame an extension encodes or
// decodes. One ExtensionMeter per (I/O thread, extension token); every
// connection of that thread whose chain holds that token writes to it.
//
// Why "owned" counters: only the owning I/O thread ever writes a meter, so
// an increment is a relaxed load and a relaxed store (a plain add, no locked
// read-modify-write and no cache line shared with another writer), while a
// metrics reader on another thread may load any value at any time without a
// data race. A reader sees each counter as of some recent moment; counters
// of one meter are not read atomically together (Prometheus does not need
// them to be).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace wsx::core {

// A monotonic counter written by one thread and read by any.
class OwnedCounter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t get() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// The close codes an extension may fail a connection with (wsx/extension.h),
// in the order of ExtensionMeter::errors.
inline constexpr std::array<std::uint16_t, 5> kExtensionErrorCodes{1002, 1007, 1009, 1010, 1011};

struct ExtensionDirectionMeter {
  OwnedCounter frames;
  // Payload bytes handed to the extension and the bytes it produced (equal
  // for a frame it left unchanged): their ratio is the compression ratio of
  // the direction.
  OwnedCounter bytes_in;
  OwnedCounter bytes_out;
  // Time inside the plugin's encode/decode, measured for one frame in
  // kTimingSampleEvery (so the clock is read twice per that many frames,
  // not per frame) and scaled by it: an estimate of the total.
  OwnedCounter sampled_nanoseconds;
  OwnedCounter samples;
};

struct ExtensionMeter {
  // A power of two, so "is this frame sampled" is a mask test.
  static constexpr std::uint64_t kTimingSampleEvery = 64;

  ExtensionDirectionMeter encode;
  ExtensionDirectionMeter decode;
  // Failures of encode/decode, by kExtensionErrorCodes index.
  std::array<OwnedCounter, kExtensionErrorCodes.size()> errors;

  void count_error(std::uint16_t code) noexcept {
    for (std::size_t i = 0; i < kExtensionErrorCodes.size(); ++i) {
      if (kExtensionErrorCodes[i] == code) {
        errors[i].add();
        return;
      }
    }
    errors.back().add();  // anything else is reported as 1011
  }
};

}  // namespace wsx::core
