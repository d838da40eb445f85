// Client-side negotiation: RFC 6455 sections 4.1 (validating the server's
// Sec-WebSocket-Extensions) and 9.1.
#include <string>
#include <utility>

#include "core/extensions/negotiation.hpp"
#include "core/extensions/negotiation_support.hpp"
#include "core/extensions/plugin_call_site.hpp"
#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

using namespace negotiation_support;

ClientOffers build_client_offers(const FactoryList& factories) {
  ClientOffers result;
  ByteBuffer message;
  for (const auto& factory : factories) {
    if (!factory || find_factory(factories, factory->token, FactoryRole::client) != factory)
      continue;
    wsx_params_out params;
    wsx_error error = make_error(message);
    // An integer at once: a C plugin may return a value outside the enum.
    const PluginCallScope call(*factory, "client_offer");
    const int status =
        static_cast<int>(factory->def.client_offer(factory->plugin, &params, &error));
    switch (status) {
      case WSX_OK:
        if (auto bad = check_params_are_tokens(params.params)) {
          result.offers.clear();
          result.error = "extension " + factory->token + " (plugin " + factory->plugin_name +
                         ") made an offer that cannot be sent: " + *bad;
          return result;
        }
        result.offers.push_back(ExtensionItem{factory->token, std::move(params.params)});
        break;
      case WSX_DECLINE:  // "do not offer this token" (wsx/extension.h)
        break;
      default:
        result.offers.clear();
        result.error = "extension " + factory->token + " (plugin " + factory->plugin_name +
                       ") could not make an offer: " +
                       plugin_message(message, "status " + std::to_string(status));
        return result;
    }
  }
  return result;
}

namespace {

bool was_offered(std::span<const ExtensionItem> offered, std::string_view token) noexcept {
  for (const ExtensionItem& item : offered)
    if (iequals(item.token, token)) return true;
  return false;
}

// Accepts one response item or says why the connection must fail.
std::optional<std::string> accept_one(const ExtensionItem& item, const FactoryList& factories,
                                      std::span<const ExtensionItem> offered,
                                      AcceptedSoFar& accepted, ExtensionChain& chain,
                                      ByteBuffer& message) {
  // RFC 6455 section 4.1, item 5 of the client's checks: an extension the
  // client did not offer fails the connection.
  if (!was_offered(offered, item.token))
    return "the server accepted extension " + item.token + ", which was not offered";
  if (accepted.has_token(item.token))
    return "the server accepted extension " + item.token + " twice";
  auto factory = find_factory(factories, item.token, FactoryRole::client);
  if (!factory) return "no client factory for extension " + item.token;
  if (auto owner = accepted.rsv_owner(factory->rsv_bits))
    return "the server accepted " + item.token + " and " + std::string(*owner) +
           ", which both use " + rsv_names(factory->rsv_bits);

  // Copied before the call so that nothing can throw between the plugin
  // handing over an extension and the Extension taking ownership of it.
  std::vector<ExtensionParam> params = item.params;
  const std::vector<wsx_param> c_params = to_c_params(item.params);
  wsx_client_response response{};
  response.struct_size = sizeof(wsx_client_response);
  response.token = view_of(item.token);
  response.params = c_params.data();
  response.param_count = c_params.size();
  response.accepted = accepted.views();
  response.accepted_count = accepted.count();
  response.thread_context = factory->thread_context;
  wsx_error error = make_error(message);
  void* instance = nullptr;
  const PluginCallScope call(*factory, "client_accept");
  const int status =
      static_cast<int>(factory->def.client_accept(factory->plugin, &response, &instance, &error));
  if (status != WSX_OK) {
    // A client cannot decline what the server accepted (wsx/extension.h).
    return "extension " + item.token + " (plugin " + factory->plugin_name +
           ") refused the server's response: " +
           plugin_message(message, "status " + std::to_string(status));
  }
  Extension extension(factory, instance, std::move(params));
  accepted.add(factory->token, factory->rsv_bits, extension.params());
  chain.add(std::move(extension));
  return std::nullopt;
}

}  // namespace

ClientNegotiation accept_client_response(std::span<const ExtensionItem> response,
                                         const FactoryList& factories,
                                         std::span<const ExtensionItem> offered) {
  ClientNegotiation result;
  ExtensionChain chain;
  AcceptedSoFar accepted;
  ByteBuffer message;
  for (const ExtensionItem& item : response) {
    if (auto error = accept_one(item, factories, offered, accepted, chain, message)) {
      result.error = std::move(error);
      return result;  // `chain` destroys what was accepted before
    }
  }
  result.chain = std::move(chain);
  return result;
}

}  // namespace wsx::core
