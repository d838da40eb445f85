// The C face of the plugin: the entry symbol, the descriptor and the
// extern "C" functions the host calls. Each one converts the host's structs
// (ABI rule 2), calls into C++ and catches every exception (ABI rule 5):
// nothing thrown here may cross into the host.
#include <wsx/extension.h>

#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <variant>

#include "abi_struct.hpp"
#include "config.hpp"
#include "host_services.hpp"
#include "per_message_deflate.hpp"
#include "plugin.hpp"

namespace {

using wsx::pmd::HostServices;
using wsx::pmd::PerMessageDeflate;
using wsx::pmd::Plugin;
using wsx::pmd::read_abi_struct;

// Runs `body`, turning any exception into WSX_FAIL with close code 1011.
template <typename Body>
wsx_status guarded(const HostServices& host, wsx_error* error, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return host.fail(error, WSX_CLOSE_INTERNAL_ERROR, "permessage-deflate: out of memory");
  } catch (const std::exception& exception) {
    return host.fail(error, WSX_CLOSE_INTERNAL_ERROR, exception.what());
  } catch (...) {
    return host.fail(error, WSX_CLOSE_INTERNAL_ERROR, "permessage-deflate: unexpected error");
  }
}

Plugin& plugin_of(void* plugin) noexcept {
  return *static_cast<Plugin*>(plugin);
}
PerMessageDeflate& extension_of(void* extension) noexcept {
  return *static_cast<PerMessageDeflate*>(extension);
}

// --- Factories ---------------------------------------------------------------

wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer, void** out_extension,
                            wsx_error* error) {
  Plugin& self = plugin_of(plugin);
  return guarded(self.host(), error, [&] {
    return self.server_negotiate(read_abi_struct(offer), out_extension, error);
  });
}

wsx_status client_offer(void* plugin, wsx_params_out* offer, wsx_error* error) {
  Plugin& self = plugin_of(plugin);
  return guarded(self.host(), error, [&] { return self.client_offer(offer, error); });
}

wsx_status client_accept(void* plugin, const wsx_client_response* response, void** out_extension,
                         wsx_error* error) {
  Plugin& self = plugin_of(plugin);
  return guarded(self.host(), error, [&] {
    return self.client_accept(read_abi_struct(response), out_extension, error);
  });
}

// --- Extension operations ----------------------------------------------------

wsx_status encode(void* extension, const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
  PerMessageDeflate& self = extension_of(extension);
  // The host pre-fills `out`, a v1 struct whose fields we only assign.
  return guarded(self.host(), error, [&] { return self.encode(read_abi_struct(in), *out, error); });
}

wsx_status decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                  uint64_t max_payload_size, wsx_error* error) {
  PerMessageDeflate& self = extension_of(extension);
  return guarded(self.host(), error,
                 [&] { return self.decode(read_abi_struct(in), *out, max_payload_size, error); });
}

void destroy_extension(void* extension) {
  delete static_cast<PerMessageDeflate*>(extension);
}

// --- Instance ----------------------------------------------------------------

wsx_status create(const wsx_plugin_create_args* raw_args, void** out_plugin, wsx_error* error) {
  const wsx_plugin_create_args args = read_abi_struct(raw_args);
  const HostServices host(args.api);
  if (!host.complete()) {
    // Without buffer services not even a message can be written.
    if (error != nullptr) error->close_code = WSX_CLOSE_INTERNAL_ERROR;
    return WSX_FAIL;
  }
  return guarded(host, error, [&] {
    const auto parsed =
        wsx::pmd::parse_config(args.params == nullptr ? std::span<const wsx_config_param>{}
                                                      : std::span{args.params, args.param_count});
    if (const auto* problem = std::get_if<wsx::pmd::ConfigError>(&parsed)) {
      return host.fail(error, WSX_CLOSE_INTERNAL_ERROR, problem->message);
    }
    auto plugin = std::make_unique<Plugin>(host, std::get<wsx::pmd::DeflateConfig>(parsed));
    if (const std::string problem = plugin->check_zlib(); !problem.empty()) {
      return host.fail(error, WSX_CLOSE_INTERNAL_ERROR, problem);
    }
    const wsx::pmd::DeflateConfig& config = plugin->config();
    const std::uint64_t one_connection = plugin->configured_connection_reservation();
    if (config.max_memory != 0 && config.max_memory < one_connection) {
      host.log(WSX_LOG_WARNING, "max_memory (" + std::to_string(config.max_memory) +
                                    " bytes) is below what one connection needs (" +
                                    std::to_string(one_connection) +
                                    " bytes): every offer will be declined");
    }
    *out_plugin = plugin.release();
    return WSX_OK;
  });
}

void destroy(void* plugin) {
  delete static_cast<Plugin*>(plugin);
}

// --- Descriptor --------------------------------------------------------------

constexpr wsx_extension_def kPermessageDeflate{
    sizeof(wsx_extension_def),
    "permessage-deflate",
    WSX_ROLE_SERVER | WSX_ROLE_CLIENT,
    WSX_RSV1,  // RFC 7692 §6: the "Per-Message Compressed" bit
    &server_negotiate,
    &client_offer,
    &client_accept,
    &encode,
    &decode,
    &destroy_extension,
};

constexpr const wsx_extension_def* kExtensions[] = {&kPermessageDeflate};

constexpr wsx_plugin_descriptor kDescriptor{
    sizeof(wsx_plugin_descriptor),
    "permessage-deflate",
    "1.0.0",
    "RFC 7692 per-message compression with zlib",
    wsx::pmd::kConfigParamSpecs.data(),
    wsx::pmd::kConfigParamSpecs.size(),
    kExtensions,
    std::size(kExtensions),
    &create,
    &destroy,
    nullptr,  // thread_create: the compressor pool is not built yet
    nullptr,
};

}  // namespace

// The one exported symbol (WSX_PLUGIN_ENTRY_SYMBOL): pick ABI version 1 if
// the host speaks it, and hand back the descriptor.
extern "C" WSX_PLUGIN_EXPORT wsx_status
wsx_negotiate_plugin_abi(const wsx_host_info* raw_host, uint32_t* chosen_abi,
                         const wsx_plugin_descriptor** descriptor, wsx_error* error) {
  const wsx_host_info host_info = read_abi_struct(raw_host);
  const HostServices host(host_info.api);
  return guarded(host, error, [&] {
    if (host_info.abi_min > WSX_ABI_VERSION_1 || host_info.abi_max < WSX_ABI_VERSION_1) {
      return host.fail(error, WSX_CLOSE_INTERNAL_ERROR,
                       "permessage-deflate implements wsx plugin ABI 1 only; the host speaks " +
                           std::to_string(host_info.abi_min) + " to " +
                           std::to_string(host_info.abi_max));
    }
    *chosen_abi = WSX_ABI_VERSION_1;
    *descriptor = &kDescriptor;
    return WSX_OK;
  });
}
