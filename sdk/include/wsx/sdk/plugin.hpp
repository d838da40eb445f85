// wsx/sdk/plugin.hpp -- declaring a plugin: PluginInfo, ExtensionInfo and the
// concepts a plugin class and its factories must satisfy.
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/config.hpp>
#include <wsx/sdk/negotiation.hpp>

#include <concepts>
#include <cstdint>

namespace wsx::sdk {

/// A plugin's identity, declared as `static constexpr wsx::sdk::PluginInfo
/// info{...};` in the plugin class.
struct PluginInfo {
  /// Plugin name, non-empty, e.g. "permessage-deflate".
  const char* name;
  /// Plugin version, e.g. "1.0.0".
  const char* version;
  /// One line for --check-plugin; may be null.
  const char* description = nullptr;
};

/// A factory's extension, declared as `static constexpr
/// wsx::sdk::ExtensionInfo info{...};` in the factory class.
struct ExtensionInfo {
  /// Extension token, an RFC 7230 token (RFC 6455 section 9.1); checked at
  /// compile time.
  const char* token;
  /// WSX_ROLE_SERVER and/or WSX_ROLE_CLIENT. The factory must have the
  /// member functions of each role it declares (checked at compile time).
  std::uint32_t roles;
  /// RSV bits (WSX_RSV*) the extension's frames may carry. The host never
  /// accepts two extensions that own the same bit.
  std::uint8_t rsv_bits = 0;
};

/// The I/O thread a plugin's ThreadContext is made for (wsx_thread_info).
struct ThreadInfo {
  /// 0 to count - 1.
  std::uint32_t index = 0;
  /// How many I/O threads the host runs.
  std::uint32_t count = 1;
};

/// A plugin with per-thread state declares `using ThreadContext = T;`, where
/// T is constructible from `const wsx::sdk::ThreadInfo&` (or by default).
/// The SDK then sets thread_create/thread_destroy (ABI rule 7): the host
/// makes one T per I/O thread, on that thread, and factories reach it with
/// `offer.thread_context<ThreadContext>()`. An extension that keeps the
/// pointer is only ever called on that thread.
template <class P>
concept HasThreadContext = requires {
  typename P::ThreadContext;
};

/// A server-role factory: `Negotiation negotiate(const ServerOffer&) const`.
/// Called for each client offer of the token, possibly from several threads
/// at once (hence const).
template <class F>
concept ServerFactory = requires(const F& factory, const ServerOffer& offer) {
  { factory.negotiate(offer) } -> std::same_as<Negotiation>;
};

/// A client-role factory: `OfferResult offer() const` builds the offer and
/// `Negotiation accept(const ClientResponse&) const` processes the server's
/// response. Both may run on several threads at once.
template <class F>
concept ClientFactory = requires(const F& factory, const ClientResponse& response) {
  { factory.offer() } -> std::same_as<OfferResult>;
  { factory.accept(response) } -> std::same_as<Negotiation>;
};

/// An extension factory: `static constexpr ExtensionInfo info` plus the
/// member functions of its roles.
template <class F>
concept Factory = requires {
  { F::info } -> std::convertible_to<const ExtensionInfo&>;
}
&&(ServerFactory<F> || ClientFactory<F>);

/// A plugin class: one instance per [[plugin]] entry of the config.
///
/// Requirements:
///  - `static constexpr wsx::sdk::PluginInfo info{...};`
///  - optionally `static constexpr wsx::sdk::ParamSpec params[]{...};`, the
///    keys accepted in [plugin.params];
///  - a constructor taking `const wsx::sdk::CreateArgs&` (or a default
///    constructor); throw (e.g. ConfigError) to refuse a configuration;
///  - `auto factories() const { return std::tie(factory_a_, ...); }`: its
///    factory members, each a Factory, in the order the host should list
///    them.
/// The constructor and destructor run on one thread at a time; factories()
/// runs on any I/O thread.
template <class P>
concept Plugin = requires(const P& plugin) {
  { P::info } -> std::convertible_to<const PluginInfo&>;
  plugin.factories();
}
&&(std::constructible_from<P, const CreateArgs&> || std::default_initializable<P>);

}  // namespace wsx::sdk
