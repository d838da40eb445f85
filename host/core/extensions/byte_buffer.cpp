#include "core/extensions/byte_buffer.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "core/extensions/extension_params.hpp"

namespace wsx::core {

std::uint8_t* ByteBuffer::reserve(std::size_t min_bytes) {
  const std::size_t needed = raw_.size + min_bytes;
  if (needed > raw_.capacity) {
    // Geometric growth keeps appends amortised O(1).
    const std::size_t new_capacity = std::max<std::size_t>({needed, raw_.capacity * 2, 256});
    auto fresh = std::make_unique_for_overwrite<std::uint8_t[]>(new_capacity);
    if (raw_.size != 0) std::memcpy(fresh.get(), raw_.storage.get(), raw_.size);
    raw_.storage = std::move(fresh);
    raw_.capacity = new_capacity;
  }
  return raw_.storage.get() + raw_.size;
}

void ByteBuffer::append(const void* data, std::size_t bytes) {
  if (bytes == 0) return;
  std::memcpy(reserve(bytes), data, bytes);
  commit(bytes);
}

void ByteBuffer::release() noexcept {
  raw_.storage.reset();
  raw_.size = 0;
  raw_.capacity = 0;
}

namespace {

// ByteBuffer is a standard-layout wrapper whose only member is wsx_buffer, so
// the C handle and the wrapper share an address; the C functions below work
// on the raw struct directly and never need the wrapper.
std::uint8_t* c_reserve(wsx_buffer* buffer, std::size_t min_bytes, std::size_t* available) {
  if (buffer == nullptr) return nullptr;
  try {
    auto* wrapper = reinterpret_cast<ByteBuffer*>(buffer);
    std::uint8_t* out = wrapper->reserve(min_bytes);
    if (available != nullptr) *available = buffer->capacity - buffer->size;
    return out;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void c_commit(wsx_buffer* buffer, std::size_t bytes) {
  if (buffer == nullptr) return;
  buffer->size += std::min(bytes, buffer->capacity - buffer->size);
}

std::size_t c_size(const wsx_buffer* buffer) {
  return buffer == nullptr ? 0 : buffer->size;
}

std::int32_t c_append(wsx_buffer* buffer, const void* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t available = 0;
  std::uint8_t* out = c_reserve(buffer, size, &available);
  if (out == nullptr) return -1;
  std::memcpy(out, data, size);
  buffer->size += size;
  return 0;
}

}  // namespace

void fill_buffer_services(wsx_host_api& api) noexcept {
  api.buffer_reserve = &c_reserve;
  api.buffer_commit = &c_commit;
  api.buffer_size = &c_size;
  api.buffer_append = &c_append;
  api.params_add = &params_out_add;
}

}  // namespace wsx::core
