// Reading the host's structs the way ABI rule 2 (wsx/extension.h) asks.
#pragma once

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace wsx::pmd {

// Every struct that crosses the boundary starts with `struct_size` and only
// grows at the end. A host built against a newer header may hand us a larger
// struct, an older one a smaller struct: copying min(struct_size, sizeof(T))
// into a zeroed T gives us exactly the fields we know, with zeroes for any
// field the writer did not know.
template <typename T>
[[nodiscard]] T read_abi_struct(const T* from) noexcept {
  static_assert(std::is_trivially_copyable_v<T>);
  T copy{};
  if (from != nullptr) std::memcpy(&copy, from, std::min(from->struct_size, sizeof(T)));
  return copy;
}

}  // namespace wsx::pmd
