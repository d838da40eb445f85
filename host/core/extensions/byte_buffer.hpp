// The host-owned growable buffer behind the SDK's opaque `wsx_buffer`, and the
// buffer half of the host-services table (wsx/extension.h, rule 4: plugins write
// output only into host-owned memory, through reserve/commit).
#pragma once

#include <wsx/extension.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

// The C ABI declares `struct wsx_buffer` opaque; the host defines it here.
struct wsx_buffer {
  // Growth never shrinks capacity, so a warm connection stops allocating
  // (DESIGN.md: no allocation per frame once a connection is warm).
  std::unique_ptr<std::uint8_t[]> storage;
  std::size_t size = 0;
  std::size_t capacity = 0;
};

namespace wsx::core {

// A thin RAII-friendly view over wsx_buffer used throughout the host.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&&) noexcept = default;
  ByteBuffer& operator=(ByteBuffer&&) noexcept = default;

  // Ensures room for `min_bytes` more bytes after size(); returns where they
  // start. Earlier pointers into the buffer are invalidated.
  std::uint8_t* reserve(std::size_t min_bytes);
  void commit(std::size_t bytes) noexcept { raw_.size += bytes; }
  void append(const void* data, std::size_t bytes);
  void clear() noexcept { raw_.size = 0; }
  // Keeps the first `bytes` bytes (no-op when it holds fewer).
  void truncate(std::size_t bytes) noexcept {
    if (bytes < raw_.size) raw_.size = bytes;
  }
  // Releases the storage (used when an idle connection should shrink).
  void release() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return raw_.size; }
  [[nodiscard]] std::size_t capacity() const noexcept { return raw_.capacity; }
  [[nodiscard]] bool empty() const noexcept { return raw_.size == 0; }
  [[nodiscard]] std::uint8_t* data() noexcept { return raw_.storage.get(); }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return raw_.storage.get(); }
  [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return {data(), size()}; }
  [[nodiscard]] std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(data()), size()};
  }

  // The C handle handed to plugins.
  [[nodiscard]] wsx_buffer* handle() noexcept { return &raw_; }

 private:
  wsx_buffer raw_;
};

// Fills the buffer and parameter-list entries of a host-services table
// (buffer_reserve, buffer_commit, buffer_size, buffer_append, params_add).
// The log entries are left for the caller (host/plugins tags them per plugin).
void fill_buffer_services(wsx_host_api& api) noexcept;

}  // namespace wsx::core
