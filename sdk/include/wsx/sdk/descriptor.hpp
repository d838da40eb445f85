// wsx/sdk/descriptor.hpp -- the static wsx_plugin_descriptor generated from a
// plugin class (checked at compile time), and the body of the entry symbol.
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/boundary.hpp>
#include <wsx/sdk/c_interop.hpp>
#include <wsx/sdk/config.hpp>
#include <wsx/sdk/host.hpp>
#include <wsx/sdk/plugin.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace wsx::sdk {

namespace detail {

template <class P, std::size_t I>
[[nodiscard]] constexpr wsx_extension_def make_extension_def() noexcept {
  using F = FactoryAt<P, I>;
  static_assert(std::is_lvalue_reference_v<std::tuple_element_t<I, FactoryTuple<P>>>,
                "factories() must return references to members: `return std::tie(a_, b_);`");
  static_assert(Factory<F>,
                "each factory needs `static constexpr wsx::sdk::ExtensionInfo info` "
                "and the member functions of its roles");
  constexpr ExtensionInfo info = F::info;
  static_assert(is_token(info.token), "ExtensionInfo::token must be an RFC 7230 token");
  static_assert(
      info.roles != 0 && (info.roles & ~std::uint32_t{WSX_ROLE_SERVER | WSX_ROLE_CLIENT}) == 0,
      "ExtensionInfo::roles must be WSX_ROLE_SERVER and/or WSX_ROLE_CLIENT");
  static_assert((info.rsv_bits & ~(WSX_RSV1 | WSX_RSV2 | WSX_RSV3)) == 0,
                "ExtensionInfo::rsv_bits must be WSX_RSV1/2/3 bits");
  constexpr bool server = (info.roles & WSX_ROLE_SERVER) != 0;
  constexpr bool client = (info.roles & WSX_ROLE_CLIENT) != 0;
  static_assert(!server || ServerFactory<F>,
                "WSX_ROLE_SERVER needs `Negotiation negotiate(const ServerOffer&) const`");
  static_assert(!client || ClientFactory<F>,
                "WSX_ROLE_CLIENT needs `OfferResult offer() const` and "
                "`Negotiation accept(const ClientResponse&) const`");

  wsx_extension_def def{};
  def.struct_size = sizeof(wsx_extension_def);
  def.token = info.token;
  def.roles = info.roles;
  def.rsv_bits = info.rsv_bits;
  if constexpr (server) def.server_negotiate = &FactoryThunks<P, I>::server_negotiate;
  if constexpr (client) {
    def.client_offer = &FactoryThunks<P, I>::client_offer;
    def.client_accept = &FactoryThunks<P, I>::client_accept;
  }
  def.encode = &ExtensionThunks::encode;
  def.decode = &ExtensionThunks::decode;
  def.destroy_extension = &ExtensionThunks::destroy;
  return def;
}

template <class P, std::size_t... I>
[[nodiscard]] constexpr auto make_extension_defs(std::index_sequence<I...>) noexcept {
  return std::array<wsx_extension_def, sizeof...(I)>{make_extension_def<P, I>()...};
}

template <class P>
inline constexpr auto extension_defs =
    make_extension_defs<P>(std::make_index_sequence<factory_count<P>>{});

template <class P, std::size_t... I>
[[nodiscard]] constexpr auto make_extension_def_pointers(std::index_sequence<I...>) noexcept {
  return std::array<const wsx_extension_def*, sizeof...(I)>{&extension_defs<P>[I]...};
}

template <class P>
inline constexpr auto extension_def_pointers =
    make_extension_def_pointers<P>(std::make_index_sequence<factory_count<P>>{});

template <class P>
[[nodiscard]] constexpr std::span<const ParamSpec> param_specs() noexcept {
  if constexpr (requires { std::data(P::params); }) {
    return {std::data(P::params), std::size(P::params)};
  } else {
    return {};
  }
}

template <class P>
[[nodiscard]] constexpr bool valid_param_specs() noexcept {
  const std::span<const ParamSpec> specs = param_specs<P>();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == nullptr || *specs[i].name == '\0') return false;
    if (specs[i].type != WSX_PARAM_STRING && specs[i].type != WSX_PARAM_INTEGER &&
        specs[i].type != WSX_PARAM_BOOLEAN) {
      return false;
    }
    // The host refuses a plugin that declares a key twice.
    for (std::size_t j = 0; j < i; ++j) {
      if (std::string_view{specs[j].name} == std::string_view{specs[i].name}) return false;
    }
  }
  return true;
}

template <class P, std::size_t... I>
[[nodiscard]] constexpr bool unique_tokens(std::index_sequence<I...>) noexcept {
  const std::array<std::string_view, sizeof...(I)> tokens{FactoryAt<P, I>::info.token...};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (same_token(tokens[i], tokens[j])) return false;
    }
  }
  return true;
}

// create() behind a check of the keys against P's ParamSpecs: wsx-host
// validates them before create, but a plugin is also loaded by other hosts
// (a test host, wsx-plugin-check), and an undeclared key or a wrong type
// must fail there too, naming what is accepted, not be silently ignored.
template <class P>
struct CheckedCreate {
  static wsx_status create(const wsx_plugin_create_args* raw, void** out_plugin,
                           wsx_error* error) noexcept {
    const wsx_plugin_create_args args = read_sized(raw);
    const Host host(args.api);
    const wsx_status checked = guarded(host, error, [&] {
      constexpr std::span<const ParamSpec> specs = param_specs<P>();
      for (std::size_t i = 0; i < args.param_count && args.params != nullptr; ++i) {
        const wsx_config_param& given = args.params[i];
        const std::string_view key{given.key.data, given.key.size};
        const ParamSpec* spec = nullptr;
        for (const ParamSpec& candidate : specs) {
          if (key == candidate.name) spec = &candidate;
        }
        if (spec == nullptr) {
          std::string accepted;
          for (const ParamSpec& candidate : specs) {
            accepted += (accepted.empty() ? "" : ", ") + std::string(candidate.name);
          }
          throw ConfigError("unknown parameter '" + std::string(key) + "'; " +
                            (accepted.empty() ? std::string("this plugin accepts none")
                                              : "accepted: " + accepted));
        }
        if (given.type != spec->type) {
          const char* declared = spec->type == WSX_PARAM_STRING    ? "a string"
                                 : spec->type == WSX_PARAM_INTEGER ? "an integer"
                                                                   : "a boolean";
          throw ConfigError("parameter '" + std::string(key) + "' must be " + declared);
        }
      }
      return WSX_OK;
    });
    if (checked != WSX_OK) return checked;
    return PluginThunks<P>::create(raw, out_plugin, error);
  }
};

template <class P>
[[nodiscard]] constexpr wsx_plugin_descriptor make_descriptor() noexcept {
  static_assert(factory_count<P> >= 1, "factories() must return at least one factory");
  constexpr PluginInfo info = P::info;
  static_assert(info.name != nullptr && *info.name != '\0', "PluginInfo::name must not be empty");
  static_assert(info.version != nullptr, "PluginInfo::version must be set");
  static_assert(valid_param_specs<P>(),
                "each ParamSpec needs a unique, non-empty name and a WSX_PARAM_* type");
  static_assert(unique_tokens<P>(std::make_index_sequence<factory_count<P>>{}),
                "two factories of one plugin declare the same token");
  constexpr std::span<const ParamSpec> specs = param_specs<P>();

  wsx_plugin_descriptor descriptor{};
  descriptor.struct_size = sizeof(wsx_plugin_descriptor);
  descriptor.name = info.name;
  descriptor.version = info.version;
  descriptor.description = info.description;
  descriptor.params = specs.empty() ? nullptr : specs.data();
  descriptor.param_count = specs.size();
  descriptor.extensions = extension_def_pointers<P>.data();
  descriptor.extension_count = factory_count<P>;
  descriptor.create = &CheckedCreate<P>::create;
  descriptor.destroy = &PluginThunks<P>::destroy;
  if constexpr (HasThreadContext<P>) {
    descriptor.thread_create = &ThreadContextThunks<P>::create;
    descriptor.thread_destroy = &ThreadContextThunks<P>::destroy;
  }
  return descriptor;
}

}  // namespace detail

/// The static descriptor of plugin class P (what the entry symbol hands to
/// the host). Exposed so tests and hosts that link a plugin statically can
/// reach it without the entry symbol.
template <Plugin P>
inline constexpr wsx_plugin_descriptor plugin_descriptor = detail::make_descriptor<P>();

/// The entry symbol's body for plugin class P (ABI rule 1): picks ABI
/// version 1 if the host's range holds it, else refuses with a message
/// naming both sides' versions. WSX_EXPORT_PLUGIN calls it.
template <Plugin P>
[[nodiscard]] wsx_status negotiate_abi(const wsx_host_info* host, std::uint32_t* chosen_abi,
                                       const wsx_plugin_descriptor** descriptor,
                                       wsx_error* error) noexcept {
  const wsx_host_info info = detail::read_sized(host);
  const Host services(info.api);
  if (chosen_abi == nullptr || descriptor == nullptr) return WSX_FAIL;
  if (info.abi_min <= WSX_ABI_VERSION_1 && WSX_ABI_VERSION_1 <= info.abi_max) {
    *chosen_abi = WSX_ABI_VERSION_1;
    *descriptor = &plugin_descriptor<P>;
    return WSX_OK;
  }
  return detail::guarded(services, error, [&] {
    detail::report(services, error, std::nullopt,
                   std::string("plugin '") + P::info.name +
                       "' implements wsx plugin ABI version 1 only; the host speaks versions " +
                       std::to_string(info.abi_min) + " to " + std::to_string(info.abi_max));
    return WSX_FAIL;
  });
}

}  // namespace wsx::sdk
