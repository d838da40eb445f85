// ABI checks: entry symbol, exports (ABI rule 3), version negotiation
// (rule 1), struct sizes (rule 2), a complete manifest.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <memory>

#include "checks.hpp"
#include "elf_exports.hpp"

namespace wsx::plugin_check {

namespace wt = sdk::testing;

namespace {

struct Negotiated {
  wsx_status status = WSX_FAIL;
  std::uint32_t chosen = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  std::string message;
};

Negotiated negotiate(wsx_negotiate_fn entry, std::uint32_t low, std::uint32_t high) {
  wt::Services services;
  wsx_host_info host{};
  host.struct_size = sizeof host;
  host.abi_min = low;
  host.abi_max = high;
  host.api = services.api();
  host.host_version = {"wsx-plugin-check", 16};
  wt::ErrorSlot error;
  Negotiated result;
  result.status = entry(&host, &result.chosen, &result.descriptor, &error.error);
  result.message = error.text();
  return result;
}

std::string range_text(std::uint32_t low, std::uint32_t high) {
  return "[" + std::to_string(low) + ", " + std::to_string(high) + "]";
}

void check_version_ranges(wsx_negotiate_fn entry, Report& report) {
  // The host's own range must be accepted with a version inside it.
  const Negotiated own = negotiate(entry, WSX_ABI_VERSION_1, WSX_ABI_VERSION_CURRENT);
  report.expect(
      own.status == WSX_OK && own.chosen >= WSX_ABI_VERSION_1 &&
          own.chosen <= WSX_ABI_VERSION_CURRENT && own.descriptor != nullptr,
      "abi: accepts the current range " + range_text(WSX_ABI_VERSION_1, WSX_ABI_VERSION_CURRENT),
      "status " + std::to_string(own.status) + ", chose " + std::to_string(own.chosen) + ": " +
          own.message,
      "choose a version in [abi_min, abi_max] that you implement and return WSX_OK "
      "with the descriptor (WSX_EXPORT_PLUGIN does this)");
  // A wider range around it: still a version the plugin implements, inside.
  const Negotiated around = negotiate(entry, 0, WSX_ABI_VERSION_CURRENT + 5);
  report.expect(
      around.status == WSX_OK && around.chosen >= 1 && around.chosen <= WSX_ABI_VERSION_CURRENT + 5,
      "abi: picks a version inside a range around its own " +
          range_text(0, WSX_ABI_VERSION_CURRENT + 5),
      "status " + std::to_string(around.status) + ", chose " + std::to_string(around.chosen),
      "pick the highest version you implement that lies in the host's range");
  // Ranges that hold no version it implements must be refused, with a
  // message the host can show.
  for (const auto& [low, high] :
       {std::pair{WSX_ABI_VERSION_CURRENT + 1, WSX_ABI_VERSION_CURRENT + 3}, std::pair{0u, 0u}}) {
    const Negotiated refused = negotiate(entry, low, high);
    const bool ok = (refused.status == WSX_FAIL && !refused.message.empty()) ||
                    (refused.status == WSX_OK && refused.chosen >= low && refused.chosen <= high &&
                     refused.chosen != 0);
    report.expect(ok, "abi: range " + range_text(low, high) + " refused with a message",
                  "status " + std::to_string(refused.status) + ", chose " +
                      std::to_string(refused.chosen) + ", message \"" + refused.message + "\"",
                  "return WSX_FAIL and write why into error->message when no version you "
                  "implement is in [abi_min, abi_max]");
  }
}

bool is_token(const char* text) {
  return text != nullptr && sdk::testing::detail::is_token(text);
}

void check_manifest(const wsx_plugin_descriptor* raw, Report& report) {
  report.expect(raw->struct_size >= sizeof(wsx_plugin_descriptor),
                "abi: descriptor struct_size covers ABI v1",
                "struct_size is " + std::to_string(raw->struct_size) + ", v1 is " +
                    std::to_string(sizeof(wsx_plugin_descriptor)),
                "set struct_size = sizeof(wsx_plugin_descriptor)");
  const wsx_plugin_descriptor descriptor = wt::detail::normalised(raw);
  report.expect(descriptor.name != nullptr && descriptor.name[0] != '\0', "manifest: name",
                "empty or null", "give the plugin a name");
  report.expect(descriptor.version != nullptr && descriptor.version[0] != '\0', "manifest: version",
                "empty or null", "give the plugin a version string");
  report.expect(descriptor.create != nullptr && descriptor.destroy != nullptr,
                "manifest: create and destroy", "a function is null", "provide both");
  report.expect(descriptor.extension_count > 0 && descriptor.extensions != nullptr,
                "manifest: declares extensions", "no extension definitions",
                "declare at least one wsx_extension_def");
  for (std::size_t i = 0; i < descriptor.extension_count && descriptor.extensions != nullptr; ++i) {
    const wsx_extension_def* raw_def = descriptor.extensions[i];
    if (raw_def == nullptr) {
      report.fail("manifest: extension " + std::to_string(i), "null definition pointer",
                  "remove the null entry");
      continue;
    }
    const wsx_extension_def def = wt::detail::normalised(raw_def);
    const std::string name =
        "manifest: extension \"" + std::string(def.token != nullptr ? def.token : "(null)") + "\"";
    report.expect(raw_def->struct_size >= sizeof(wsx_extension_def), name + " struct_size",
                  std::to_string(raw_def->struct_size) + " bytes",
                  "set struct_size = sizeof(wsx_extension_def)");
    report.expect(is_token(def.token), name + " token", "not an RFC 7230 token",
                  "use letters, digits and !#$%&'*+-.^_`|~ only");
    const std::uint32_t known_roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT;
    report.expect(def.roles != 0 && (def.roles & ~known_roles) == 0, name + " roles",
                  "roles " + std::to_string(def.roles),
                  "use WSX_ROLE_SERVER and/or WSX_ROLE_CLIENT");
    report.expect((def.rsv_bits & ~(WSX_RSV1 | WSX_RSV2 | WSX_RSV3)) == 0, name + " RSV bits",
                  "bits outside RSV1-3", "declare only WSX_RSV1, WSX_RSV2, WSX_RSV3");
    const bool server_ok = (def.roles & WSX_ROLE_SERVER) == 0 || def.server_negotiate != nullptr;
    const bool client_ok =
        (def.roles & WSX_ROLE_CLIENT) == 0 || (def.client_offer != nullptr && def.client_accept);
    report.expect(server_ok && client_ok && def.destroy_extension != nullptr,
                  name + " functions for its roles", "a required function is null",
                  "provide server_negotiate for the server role, client_offer and client_accept "
                  "for the client role, and destroy_extension");
  }
  for (std::size_t i = 0; i < descriptor.param_count && descriptor.params != nullptr; ++i) {
    const wsx_param_spec& spec = descriptor.params[i];
    const bool typed = spec.type == WSX_PARAM_STRING || spec.type == WSX_PARAM_INTEGER ||
                       spec.type == WSX_PARAM_BOOLEAN;
    report.expect(spec.name != nullptr && spec.name[0] != '\0' && typed,
                  "manifest: param " + std::to_string(i) + " (" +
                      (spec.name != nullptr ? spec.name : "null") + ")",
                  "missing name or unknown type", "name it and use a WSX_PARAM_* type");
  }
}

}  // namespace

void check_abi(const Target& target, Report& report) {
  if (::access(target.path.c_str(), R_OK) != 0) {
    report.fail("abi: plugin file", target.path + ": " + std::strerror(errno),
                "give the path of the built .so file");
    return;
  }
  const std::unique_ptr<void, int (*)(void*)> library(
      ::dlopen(target.path.c_str(), RTLD_NOW | RTLD_LOCAL), &::dlclose);
  if (!library) {
    const char* reason = ::dlerror();
    report.fail("abi: loads with RTLD_NOW | RTLD_LOCAL",
                reason != nullptr ? reason : "dlopen failed",
                "build with wsx_add_plugin(); every dependency must resolve at load time");
    return;
  }
  report.pass("abi: loads with RTLD_NOW | RTLD_LOCAL");
  void* symbol = ::dlsym(library.get(), WSX_PLUGIN_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    report.fail("abi: entry symbol " WSX_PLUGIN_ENTRY_SYMBOL, "not exported",
                "define it with WSX_PLUGIN_EXPORT (or WSX_EXPORT_PLUGIN in C++)");
    return;
  }
  report.pass("abi: entry symbol " WSX_PLUGIN_ENTRY_SYMBOL);

  if (const auto exports = exported_symbols(target.path)) {
    std::string extra;
    for (const std::string& name : *exports) {
      if (name != WSX_PLUGIN_ENTRY_SYMBOL) extra += (extra.empty() ? "" : ", ") + name;
    }
    report.expect(extra.empty(), "abi: exports only the entry symbol (ABI rule 3)",
                  "also exports " + extra.substr(0, 300),
                  "build with wsx_add_plugin() (hidden visibility and its version script)");
  } else {
    report.info("abi: exports", "not a 64-bit ELF file this checker reads; not checked");
  }

  wsx_negotiate_fn entry = nullptr;
  std::memcpy(&entry, &symbol, sizeof entry);
  check_version_ranges(entry, report);
  const Negotiated own = negotiate(entry, WSX_ABI_VERSION_1, WSX_ABI_VERSION_CURRENT);
  if (own.status == WSX_OK && own.descriptor != nullptr) check_manifest(own.descriptor, report);
}

}  // namespace wsx::plugin_check
