// wsx/sdk/boundary.hpp -- the C trampolines behind a plugin's descriptor.
// Each one reads its inputs per ABI rule 2, calls the C++ object, writes the
// outcome into host-owned memory, and lets no exception cross (rule 5).
// Implementation detail of wsx/extension.hpp.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/c_interop.hpp>
#include <wsx/sdk/config.hpp>
#include <wsx/sdk/extension_base.hpp>
#include <wsx/sdk/host.hpp>
#include <wsx/sdk/negotiation.hpp>
#include <wsx/sdk/plugin.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace wsx::sdk {

namespace detail {

/// Grants the SDK access to Extension's host binding.
struct Access {
  static void bind(Extension& extension, const Host& host) noexcept { extension.host_ = &host; }
  [[nodiscard]] static const Host& host(const Extension& extension) noexcept {
    return extension.host();
  }
};

/// Writes a failure (or a decline's reason) into `error`, if the host gave
/// room for it. `close_code` is written only for a frame failure.
inline void report(const Host& host, wsx_error* error, std::optional<std::uint32_t> close_code,
                   std::string_view message, std::string_view more = {}) noexcept {
  if (error == nullptr) return;
  const wsx_error view = read_sized(error);
  if (close_code && error->struct_size >= offsetof(wsx_error, close_code) + sizeof(std::uint32_t)) {
    error->close_code = *close_code;
  }
  const auto append = host.api().buffer_append;
  if (view.message == nullptr || append == nullptr) return;
  // Out of memory here leaves the message short; the status still says FAIL.
  if (!message.empty()) append(view.message, message.data(), message.size());
  if (!more.empty()) append(view.message, more.data(), more.size());
}

/// Runs `body` (returning wsx_status) and turns every exception into
/// WSX_FAIL with close code 1011 and the exception's text (ABI rule 5).
template <class Body>
[[nodiscard]] wsx_status guarded(const Host& host, wsx_error* error, Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const std::bad_alloc& e) {
    // Two appends instead of a concatenation: no allocation while out of memory.
    report(host, error, WSX_CLOSE_INTERNAL_ERROR, "out of memory: ", e.what());
  } catch (const std::exception& e) {
    report(host, error, WSX_CLOSE_INTERNAL_ERROR, e.what());
  } catch (...) {
    report(host, error, WSX_CLOSE_INTERNAL_ERROR, "unknown exception (not a std::exception)");
  }
  return WSX_FAIL;
}

/// Appends `params` to a host list; returns the name that was refused.
[[nodiscard]] inline std::optional<std::string_view> add_params(const Host& host,
                                                                wsx_params_out* list,
                                                                const std::vector<Param>& params) {
  for (const Param& param : params) {
    const auto add = host.api().params_add;
    const std::string_view value = param.value ? std::string_view{*param.value} : "";
    if (add == nullptr || list == nullptr ||
        add(list, to_wsx(param.name), to_wsx(value), param.value ? 1 : 0) != 0) {
      return param.name;
    }
  }
  return std::nullopt;
}

/// Hands an accepted extension to the host or reports why not.
[[nodiscard]] inline wsx_status finish(const Host& host, Negotiation result,
                                       wsx_params_out* response, void** out_extension,
                                       wsx_error* error) {
  if (result.status() != WSX_OK) {
    report(host, error, std::nullopt, result.reason());
    return result.status() == WSX_DECLINE ? WSX_DECLINE : WSX_FAIL;
  }
  if (result.extension() == nullptr || out_extension == nullptr) {
    report(host, error, std::nullopt, "the factory accepted without an extension");
    return WSX_FAIL;
  }
  if (response != nullptr) {
    if (const auto refused = add_params(host, response, result.response())) {
      report(host, error, std::nullopt, "the host refused response parameter ", *refused);
      return WSX_FAIL;
    }
  }
  std::unique_ptr<Extension> extension = result.take_extension();
  Access::bind(*extension, host);
  *out_extension = static_cast<void*>(extension.release());
  return WSX_OK;
}

/// Reports a frame result to the host.
[[nodiscard]] inline wsx_status finish(const Host& host, const FrameResult& result,
                                       wsx_error* error) noexcept {
  if (result.status() != WSX_FAIL) return result.status();
  const std::uint32_t code = result.close_code();
  if (is_extension_close_code(code)) {
    report(host, error, code, result.message());
  } else {
    report(host, error, WSX_CLOSE_INTERNAL_ERROR, "(invalid close code from the plugin) ",
           result.message());
  }
  return WSX_FAIL;
}

/// The trampolines of encode, decode and destroy_extension: shared by every
/// definition, since they only need the Extension base.
struct ExtensionThunks {
  static wsx_status encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                           wsx_error* error) noexcept {
    Extension& self = *static_cast<Extension*>(extension);
    const Host& host = Access::host(self);
    return guarded(host, error, [&] {
      return run(host, out, error,
                 [&](FrameOut& frame_out) { return self.encode(Frame{in}, frame_out); });
    });
  }

  static wsx_status decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                           std::uint64_t max_payload_size, wsx_error* error) noexcept {
    Extension& self = *static_cast<Extension*>(extension);
    const Host& host = Access::host(self);
    return guarded(host, error, [&] {
      return run(host, out, error, [&](FrameOut& frame_out) {
        return self.decode(Frame{in}, frame_out, max_payload_size);
      });
    });
  }

  static void destroy(void* extension) noexcept {
    // A destructor declared noexcept(false) must not unwind into the host.
    try {
      delete static_cast<Extension*>(extension);
    } catch (...) {
    }
  }

 private:
  template <class Operation>
  static wsx_status run(const Host& host, wsx_frame_out* out, wsx_error* error,
                        Operation&& operation) {
    // Every field of wsx_frame_out is written in place, so the host's struct
    // must hold at least the version-1 fields.
    if (out == nullptr || out->struct_size < sizeof(wsx_frame_out)) {
      report(host, error, WSX_CLOSE_INTERNAL_ERROR, "the host passed a truncated wsx_frame_out");
      return WSX_FAIL;
    }
    FrameOut frame_out(host, *out);
    return finish(host, std::forward<Operation>(operation)(frame_out), error);
  }
};

/// One configured plugin instance: the `void* plugin` handed to the host.
template <class P>
struct Instance {
  explicit Instance(
      const wsx_plugin_create_args& args) requires std::constructible_from<P, const CreateArgs&>
      : host(args.api), plugin(CreateArgs(args, host)) {}
  explicit Instance(const wsx_plugin_create_args& args) requires(
      !std::constructible_from<P, const CreateArgs&>)
      : host(args.api), plugin() {}

  // Declared first: the plugin and its extensions point at it.
  Host host;
  P plugin;
};

template <class P>
using FactoryTuple = decltype(std::declval<const P&>().factories());

template <class P>
inline constexpr std::size_t factory_count = std::tuple_size_v<FactoryTuple<P>>;

template <class P, std::size_t I>
using FactoryAt = std::remove_cvref_t<std::tuple_element_t<I, FactoryTuple<P>>>;

/// The factory trampolines of the I-th factory of plugin P.
template <class P, std::size_t I>
struct FactoryThunks {
  using F = FactoryAt<P, I>;

  static const Instance<P>& instance(void* plugin) noexcept {
    return *static_cast<const Instance<P>*>(plugin);
  }
  static const F& factory(const Instance<P>& self) noexcept {
    return std::get<I>(self.plugin.factories());
  }

  static wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer,
                                     void** out_extension, wsx_error* error) noexcept {
    if (out_extension != nullptr) *out_extension = nullptr;
    const Instance<P>& self = instance(plugin);
    return guarded(self.host, error, [&] {
      const ServerOffer view(offer);
      return finish(self.host, factory(self).negotiate(view), view.raw().response, out_extension,
                    error);
    });
  }

  static wsx_status client_offer(void* plugin, wsx_params_out* offer, wsx_error* error) noexcept {
    const Instance<P>& self = instance(plugin);
    return guarded(self.host, error, [&] {
      const OfferResult result = factory(self).offer();
      if (result.status() != WSX_OK) {
        report(self.host, error, std::nullopt, result.reason());
        return result.status() == WSX_DECLINE ? WSX_DECLINE : WSX_FAIL;
      }
      if (const auto refused = add_params(self.host, offer, result.params())) {
        report(self.host, error, std::nullopt, "the host refused offer parameter ", *refused);
        return WSX_FAIL;
      }
      return WSX_OK;
    });
  }

  static wsx_status client_accept(void* plugin, const wsx_client_response* response,
                                  void** out_extension, wsx_error* error) noexcept {
    if (out_extension != nullptr) *out_extension = nullptr;
    const Instance<P>& self = instance(plugin);
    return guarded(self.host, error, [&] {
      return finish(self.host, factory(self).accept(ClientResponse{response}), nullptr,
                    out_extension, error);
    });
  }
};

/// thread_create and thread_destroy for a plugin class with a
/// `ThreadContext` (ABI rule 7).
template <class P>
struct ThreadContextThunks {
  using T = typename P::ThreadContext;

  static wsx_status create(void* plugin, const wsx_thread_info* raw, void** out_context,
                           wsx_error* error) noexcept {
    const Instance<P>& self = *static_cast<const Instance<P>*>(plugin);
    if (out_context == nullptr) return WSX_FAIL;
    *out_context = nullptr;
    const wsx_thread_info info = read_sized(raw);
    return guarded(self.host, error, [&] {
      if constexpr (std::constructible_from<T, const ThreadInfo&>) {
        *out_context = static_cast<void*>(new T(ThreadInfo{info.thread_index, info.thread_count}));
      } else {
        *out_context = static_cast<void*>(new T());
      }
      return WSX_OK;
    });
  }

  static void destroy(void* plugin, void* context) noexcept {
    (void)plugin;
    try {
      delete static_cast<T*>(context);
    } catch (...) {
    }
  }
};

template <class P>
struct PluginThunks {
  static wsx_status create(const wsx_plugin_create_args* raw, void** out_plugin,
                           wsx_error* error) noexcept {
    const wsx_plugin_create_args args = read_sized(raw);
    const Host host(args.api);
    if (out_plugin == nullptr) return WSX_FAIL;
    *out_plugin = nullptr;
    return guarded(host, error, [&] {
      *out_plugin = static_cast<void*>(new Instance<P>(args));
      return WSX_OK;
    });
  }

  static void destroy(void* plugin) noexcept {
    try {
      delete static_cast<Instance<P>*>(plugin);
    } catch (...) {
    }
  }
};

}  // namespace detail

}  // namespace wsx::sdk
