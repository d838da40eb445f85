// wsx/sdk/host.hpp -- the host's services as C++: logging (Host) and writing
// into host-owned buffers (BufferWriter, ABI rule 4).
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/c_interop.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <utility>

namespace wsx::sdk {

/// The host's service table (wsx_host_api), read once per ABI rule 2.
///
/// A plugin receives it through CreateArgs::host() and an extension through
/// Extension::host(). All members are thread-safe (the table's own rule), so
/// one Host may be shared by every factory and extension of an instance.
/// Services a host did not provide read as null and are skipped.
class Host {
 public:
  /// A host without services: log() does nothing and buffer writes throw
  /// std::bad_alloc. Used for extensions built outside a host (unit tests).
  Host() noexcept = default;

  /// Copies the host's table. `api` may be null (same as the default).
  explicit Host(const wsx_host_api* api) noexcept : api_(detail::read_sized(api)) {}

  /// Writes one line to the host's log, tagged by the host with the plugin's
  /// name. `level` is one of wsx_log_level. The message is copied.
  void log(wsx_log_level level, std::string_view message) const noexcept {
    if (api_.log != nullptr) api_.log(api_.log_context, level, detail::to_wsx(message));
  }

  /// The raw, size-normalised table, for services this header does not wrap.
  [[nodiscard]] const wsx_host_api& api() const noexcept { return api_; }

 private:
  wsx_host_api api_{};
};

/// Writes into one host-owned buffer (a frame payload) through the host's
/// reserve/commit services (ABI rule 4: no side frees what the other
/// allocated).
///
/// Two ways to write:
///  - write(n, fill): the common case; `fill` gets exactly n writable bytes;
///  - reserve(n) then commit(k <= size of the span): for producers that do
///    not know their output size in advance (a compressor loop).
/// Any reserve invalidates spans from an earlier reserve (the buffer may
/// move). Failures throw std::bad_alloc, which the SDK turns into WSX_FAIL
/// with close code 1011 at the boundary.
class BufferWriter {
 public:
  /// Writes into `buffer` with `host`'s services. Both are borrowed and must
  /// outlive the writer.
  BufferWriter(const Host& host, wsx_buffer* buffer) noexcept : host_(&host), buffer_(buffer) {}

  /// Makes room for at least `min_bytes` more bytes and returns all the
  /// writable room the host gave (size >= min_bytes). Nothing is part of the
  /// content until commit(). Throws std::bad_alloc if the host has no memory.
  std::span<std::uint8_t> reserve(std::size_t min_bytes) {
    const auto reserve_fn = host_->api().buffer_reserve;
    if (reserve_fn == nullptr || buffer_ == nullptr) throw std::bad_alloc();
    std::size_t available = 0;
    std::uint8_t* room = reserve_fn(buffer_, min_bytes, &available);
    if (room == nullptr) {
      // An empty buffer may have no storage yet; asking for nothing is no failure.
      if (min_bytes == 0) return {};
      throw std::bad_alloc();
    }
    return {room, std::max(available, min_bytes)};
  }

  /// Appends the first `bytes` bytes of the last reserve() to the content.
  void commit(std::size_t bytes) noexcept {
    if (host_->api().buffer_commit != nullptr && buffer_ != nullptr && bytes != 0) {
      host_->api().buffer_commit(buffer_, bytes);
    }
  }

  /// Reserves exactly `size` bytes, lets `fill` write all of them into the
  /// std::span<std::uint8_t> it receives, and commits them.
  template <std::invocable<std::span<std::uint8_t>> Fill>
  void write(std::size_t size, Fill&& fill) {
    if (size == 0) return;
    std::forward<Fill>(fill)(reserve(size).first(size));
    commit(size);
  }

  /// Appends a copy of `bytes`.
  void append(std::span<const std::uint8_t> bytes) {
    write(bytes.size(), [&](std::span<std::uint8_t> room) {
      std::memcpy(room.data(), bytes.data(), bytes.size());
    });
  }

  /// Appends a copy of `text`.
  void append(std::string_view text) {
    append(std::span<const std::uint8_t>{reinterpret_cast<const std::uint8_t*>(text.data()),
                                         text.size()});
  }

  /// Committed bytes in the buffer.
  [[nodiscard]] std::size_t size() const noexcept {
    const auto size_fn = host_->api().buffer_size;
    return size_fn == nullptr || buffer_ == nullptr ? 0 : size_fn(buffer_);
  }

  /// The C handle, for services this class does not wrap.
  [[nodiscard]] wsx_buffer* handle() const noexcept { return buffer_; }

 private:
  const Host* host_;
  wsx_buffer* buffer_;
};

}  // namespace wsx::sdk
