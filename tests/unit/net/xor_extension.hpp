// An in-process test extension, "x-xor": XORs every data frame's payload
// with a one-byte key and marks it with RSV2. The server picks the key (its
// factory's) and tells the client in the response ("x-xor; key=17"), so a
// test can see over the wire which factory generation served a connection.
#pragma once

#include <cstdint>
#include <memory>

#include "core/extensions/extension_factory.hpp"

namespace wsx::test {

struct XorFactories {
  core::FactoryList server;
  core::FactoryList client;
  // Expires once every factory and every extension made from them is gone:
  // the stand-in for "the plugin library may be unloaded now".
  std::weak_ptr<const void> alive;
};

[[nodiscard]] XorFactories make_xor_factories(std::uint8_t key);

}  // namespace wsx::test
