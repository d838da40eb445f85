#include "descriptor_check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "core/extensions/extension_params.hpp"
#include "plugin_error.hpp"
#include "plugin_text.hpp"

namespace wsx::loader {

namespace {

constexpr std::uint32_t kKnownRoles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT;
constexpr std::uint8_t kKnownRsvBits = WSX_RSV1 | WSX_RSV2 | WSX_RSV3;
constexpr std::string_view kRebuildHint = "rebuild the plugin against wsx/extension.h (ABI 1)";

[[noreturn]] void refuse(const std::string& who, const std::string& problem) {
  throw PluginError(who + ": " + problem);
}

std::string hex(unsigned value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", value);
  return text;
}

// The size of each struct as ABI v1 defined it: up to the end of its last v1
// field. Fixed forever, unlike sizeof(), which grows when fields are
// appended, so a future host still accepts v1 plugins.
constexpr std::size_t kDescriptorV1Size =
    offsetof(wsx_plugin_descriptor, destroy) + sizeof(wsx_plugin_descriptor::destroy);
constexpr std::size_t kExtensionDefV1Size =
    offsetof(wsx_extension_def, destroy_extension) + sizeof(wsx_extension_def::destroy_extension);

// ABI rule 2: a reader copies min(struct_size, sizeof(own)) into a zeroed
// struct, so fields an older plugin did not know read as zero. A struct
// smaller than ABI v1's lacks v1 fields: that is a broken plugin, not an
// older one, since v1 is the first version. `label` names the struct in
// messages; `type` is its C type name.
template <class Struct>
Struct normalised_copy(const Struct& raw, std::size_t v1_size, const std::string& who,
                       const std::string& label, const char* type) {
  if (raw.struct_size < v1_size) {
    refuse(who, label + " struct_size is " + std::to_string(raw.struct_size) +
                    " bytes, smaller than the ABI v1 " + type + " (" + std::to_string(v1_size) +
                    " bytes); set struct_size = sizeof(" + type + ") and " +
                    std::string(kRebuildHint));
  }
  Struct copy{};
  std::memcpy(&copy, &raw, std::min(raw.struct_size, sizeof(Struct)));
  copy.struct_size = sizeof(Struct);
  return copy;
}

void check_params(const wsx_plugin_descriptor& descriptor, const std::string& who) {
  if (descriptor.param_count == 0) return;
  if (descriptor.params == nullptr) {
    refuse(who,
           "declares " + std::to_string(descriptor.param_count) +
               " parameter(s) but params is NULL; point params at a static wsx_param_spec array");
  }
  if (descriptor.param_count > kMaxParamsPerPlugin) {
    refuse(who, "declares " + std::to_string(descriptor.param_count) + " parameters; at most " +
                    std::to_string(kMaxParamsPerPlugin) + " are supported");
  }
  for (std::size_t i = 0; i < descriptor.param_count; ++i) {
    const wsx_param_spec& spec = descriptor.params[i];
    const std::string which = "parameter #" + std::to_string(i + 1);
    if (spec.name == nullptr || *spec.name == '\0') {
      refuse(who, which + " has no name; give every wsx_param_spec a non-empty name");
    }
    const std::string name = printable(spec.name, 128);
    if (spec.type != WSX_PARAM_STRING && spec.type != WSX_PARAM_INTEGER &&
        spec.type != WSX_PARAM_BOOLEAN) {
      refuse(who, "parameter \"" + name + "\" has type " + std::to_string(spec.type) +
                      "; use WSX_PARAM_STRING, WSX_PARAM_INTEGER or WSX_PARAM_BOOLEAN");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (std::strcmp(descriptor.params[j].name, spec.name) == 0) {
        refuse(who, "declares parameter \"" + name + "\" twice; declare each parameter once");
      }
    }
  }
}

void check_functions(const wsx_extension_def& def, const std::string& who,
                     const std::string& which) {
  const auto require_for_role = [&](bool present, const char* field, const char* role,
                                    const char* flag) {
    if (present) return;
    refuse(who, which + " declares the " + role + " role but " + field + " is NULL; set " + field +
                    " or remove " + flag + " from roles");
  };
  if ((def.roles & WSX_ROLE_SERVER) != 0) {
    require_for_role(def.server_negotiate != nullptr, "server_negotiate", "server",
                     "WSX_ROLE_SERVER");
  }
  if ((def.roles & WSX_ROLE_CLIENT) != 0) {
    require_for_role(def.client_offer != nullptr, "client_offer", "client", "WSX_ROLE_CLIENT");
    require_for_role(def.client_accept != nullptr, "client_accept", "client", "WSX_ROLE_CLIENT");
  }
  const auto require = [&](bool present, const char* field) {
    if (present) return;
    refuse(who, which + " has no " + field +
                    " function (NULL); every extension needs encode, decode and destroy_extension");
  };
  require(def.encode != nullptr, "encode");
  require(def.decode != nullptr, "decode");
  require(def.destroy_extension != nullptr, "destroy_extension");
}

wsx_extension_def check_definition(const wsx_extension_def* raw, std::size_t index,
                                   const std::string& who) {
  const std::string number = "extension #" + std::to_string(index + 1);
  if (raw == nullptr) {
    refuse(who, number + " is NULL; every entry of extensions must point to a wsx_extension_def");
  }
  wsx_extension_def def =
      normalised_copy(*raw, kExtensionDefV1Size, who, number, "wsx_extension_def");
  if (def.token == nullptr)
    refuse(who, number + " has no token; set token (e.g. \"x-my-extension\")");
  // RFC 6455 section 9.1: extension-token = registered-token = token (RFC 7230).
  if (!core::is_token(def.token)) {
    refuse(who, number + " token \"" + printable(def.token, 128) +
                    "\" is not an RFC 7230 token (RFC 6455 section 9.1); use letters, digits and "
                    "!#$%&'*+-.^_`|~ only: no spaces, commas, semicolons or quotes");
  }
  const std::string which = "extension \"" + std::string(def.token) + "\"";
  if (def.roles == 0 || (def.roles & ~kKnownRoles) != 0) {
    refuse(who, which + " declares roles " + hex(def.roles) +
                    "; use WSX_ROLE_SERVER (0x1), WSX_ROLE_CLIENT (0x2) or both");
  }
  // RFC 6455 section 5.2: only RSV1..RSV3 exist in the frame header.
  if ((def.rsv_bits & ~kKnownRsvBits) != 0) {
    refuse(who, which + " declares rsv_bits " + hex(def.rsv_bits) +
                    "; only WSX_RSV1 (0x40), WSX_RSV2 (0x20) and WSX_RSV3 (0x10) exist "
                    "(RFC 6455 section 5.2)");
  }
  check_functions(def, who, which);
  return def;
}

}  // namespace

CheckedDescriptor check_descriptor(const wsx_plugin_descriptor* raw, const std::string& who) {
  if (raw == nullptr) {
    refuse(who,
           "the entry symbol returned WSX_OK without a descriptor; set *descriptor to a "
           "static wsx_plugin_descriptor");
  }
  CheckedDescriptor checked;
  checked.descriptor =
      normalised_copy(*raw, kDescriptorV1Size, who, "descriptor", "wsx_plugin_descriptor");
  const wsx_plugin_descriptor& descriptor = checked.descriptor;
  if (descriptor.name == nullptr || *descriptor.name == '\0') {
    refuse(who, "descriptor has no name; set name to a non-empty string (e.g. \"my-extension\")");
  }
  if (descriptor.version == nullptr) {
    refuse(who, "descriptor has no version; set version (e.g. \"1.0.0\")");
  }
  if (descriptor.create == nullptr || descriptor.destroy == nullptr) {
    refuse(who, std::string("descriptor has no ") +
                    (descriptor.create == nullptr ? "create" : "destroy") +
                    " function; set both create and destroy");
  }
  // ABI rule 7: a context the host could create but never destroy would leak.
  if ((descriptor.thread_create == nullptr) != (descriptor.thread_destroy == nullptr)) {
    refuse(who, std::string("descriptor sets ") +
                    (descriptor.thread_create == nullptr ? "thread_destroy" : "thread_create") +
                    " without " +
                    (descriptor.thread_create == nullptr ? "thread_create" : "thread_destroy") +
                    "; set both per-thread context hooks or neither");
  }
  check_params(descriptor, who);
  if (descriptor.extension_count == 0 || descriptor.extensions == nullptr) {
    refuse(who,
           "declares no extensions; a plugin must provide at least one wsx_extension_def "
           "(set extensions and extension_count)");
  }
  if (descriptor.extension_count > kMaxExtensionsPerPlugin) {
    refuse(who, "declares " + std::to_string(descriptor.extension_count) + " extensions; at most " +
                    std::to_string(kMaxExtensionsPerPlugin) + " are supported");
  }
  for (std::size_t i = 0; i < descriptor.extension_count; ++i) {
    wsx_extension_def def = check_definition(descriptor.extensions[i], i, who);
    for (const wsx_extension_def& earlier : checked.definitions) {
      if (tokens_equal(earlier.token, def.token) && (earlier.roles & def.roles) != 0) {
        refuse(who, "declares token \"" + std::string(def.token) + "\" twice for the " +
                        ((earlier.roles & def.roles & WSX_ROLE_SERVER) != 0 ? "server" : "client") +
                        " role; declare each token once per role");
      }
    }
    checked.definitions.push_back(def);
  }
  return checked;
}

}  // namespace wsx::loader
