// What a loaded plugin declared, as plain C++ values: for --check-plugin,
// --list-plugins, --check-config and the startup log.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace wsx::loader {

// The ABI versions this host speaks (wsx/extension.h rule 1).
inline constexpr std::uint32_t kHostAbiMin = WSX_ABI_VERSION_1;
inline constexpr std::uint32_t kHostAbiMax = WSX_ABI_VERSION_CURRENT;

struct TokenManifest {
  std::string token;
  std::uint32_t roles = 0;    // wsx_role bits
  std::uint8_t rsv_bits = 0;  // WSX_RSV* bits
};

struct ParamManifest {
  std::string name;
  std::int32_t type = 0;  // wsx_param_type
  std::string description;
};

struct PluginManifest {
  std::filesystem::path file;
  std::string name;
  std::string version;
  std::string description;
  // The version the plugin chose and the range the host offered.
  std::uint32_t abi_version = 0;
  std::uint32_t host_abi_min = kHostAbiMin;
  std::uint32_t host_abi_max = kHostAbiMax;
  std::vector<TokenManifest> tokens;
  std::vector<ParamManifest> params;
};

// "server", "client" or "server+client".
[[nodiscard]] std::string roles_to_string(std::uint32_t roles);
// "none", "RSV1", "RSV1|RSV3"...
[[nodiscard]] std::string rsv_to_string(std::uint8_t rsv_bits);
// "string", "integer", "boolean" (or "type N" for anything else).
[[nodiscard]] std::string param_type_name(std::int32_t type);
// "test-pass 1.0.0 (ABI 1)": how messages name a plugin.
[[nodiscard]] std::string short_name(const PluginManifest& manifest);

// A multi-line, indented description of everything the plugin declared, each
// line ending in '\n':
//   plugin: /abs/path/x.so
//     name: test-pass
//     version: 1.0.0
//     description: ...
//     ABI: version 1 (host speaks 1..1)
//     token: x-test-pass  roles: server+client  RSV: none
//     param: level (integer) - compression level
[[nodiscard]] std::string format_manifest(const PluginManifest& manifest);

}  // namespace wsx::loader
