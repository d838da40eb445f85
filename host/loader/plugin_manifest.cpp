#include "plugin_manifest.hpp"

namespace wsx::loader {

std::string roles_to_string(std::uint32_t roles) {
  std::string out;
  if ((roles & WSX_ROLE_SERVER) != 0) out = "server";
  if ((roles & WSX_ROLE_CLIENT) != 0) out += out.empty() ? "client" : "+client";
  return out.empty() ? "none" : out;
}

std::string rsv_to_string(std::uint8_t rsv_bits) {
  std::string out;
  const auto add = [&](std::uint8_t bit, const char* name) {
    if ((rsv_bits & bit) == 0) return;
    if (!out.empty()) out += '|';
    out += name;
  };
  add(WSX_RSV1, "RSV1");
  add(WSX_RSV2, "RSV2");
  add(WSX_RSV3, "RSV3");
  return out.empty() ? "none" : out;
}

std::string param_type_name(std::int32_t type) {
  switch (type) {
    case WSX_PARAM_STRING:
      return "string";
    case WSX_PARAM_INTEGER:
      return "integer";
    case WSX_PARAM_BOOLEAN:
      return "boolean";
    default:
      return "type " + std::to_string(type);
  }
}

std::string short_name(const PluginManifest& manifest) {
  return manifest.name + " " + manifest.version + " (ABI " + std::to_string(manifest.abi_version) +
         ")";
}

std::string format_manifest(const PluginManifest& manifest) {
  std::string out = "plugin: " + manifest.file.string() + "\n";
  out += "  name: " + manifest.name + "\n";
  out += "  version: " + manifest.version + "\n";
  if (!manifest.description.empty()) out += "  description: " + manifest.description + "\n";
  out += "  ABI: version " + std::to_string(manifest.abi_version) + " (host speaks " +
         std::to_string(manifest.host_abi_min) + ".." + std::to_string(manifest.host_abi_max) +
         ")\n";
  for (const TokenManifest& token : manifest.tokens) {
    out += "  token: " + token.token + "  roles: " + roles_to_string(token.roles) +
           "  RSV: " + rsv_to_string(token.rsv_bits) + "\n";
  }
  if (manifest.params.empty()) out += "  params: none\n";
  for (const ParamManifest& param : manifest.params) {
    out += "  param: " + param.name + " (" + param_type_name(param.type) + ")";
    if (!param.description.empty()) out += " - " + param.description;
    out += "\n";
  }
  return out;
}

}  // namespace wsx::loader
