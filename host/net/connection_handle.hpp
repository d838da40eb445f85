// Names one WebSocket connection of a wsx::Server. A handle is a small value
// (copy it freely, keep it in maps); it never dangles: once its connection is
// gone every operation on it is a harmless no-op, even if a new connection
// reuses the same slot (the generation differs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace wsx {

struct ConnectionHandle {
  // The I/O thread that owns the connection (0 .. io_threads-1). Everything
  // about a connection happens on this thread.
  std::uint32_t thread = 0;
  // Index in that thread's connection table.
  std::uint32_t slot = 0;
  // Incremented each time the slot is reused; 0 never names a connection.
  std::uint32_t generation = 0;

  [[nodiscard]] bool valid() const noexcept { return generation != 0; }
  friend bool operator==(const ConnectionHandle&, const ConnectionHandle&) = default;
};

}  // namespace wsx

template <>
struct std::hash<wsx::ConnectionHandle> {
  std::size_t operator()(const wsx::ConnectionHandle& h) const noexcept {
    const std::uint64_t packed = (static_cast<std::uint64_t>(h.thread) << 48) ^
                                 (static_cast<std::uint64_t>(h.slot) << 24) ^ h.generation;
    return std::hash<std::uint64_t>{}(packed);
  }
};
