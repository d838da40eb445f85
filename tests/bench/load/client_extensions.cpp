#include "client_extensions.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "core/extensions/extensions_header.hpp"
#include "core/extensions/negotiation.hpp"

namespace wsx::bench {

ClientExtensions::ClientExtensions(std::vector<config::PluginEntry> entries)
    : logger_(std::make_unique<Logger>(LogLevel::warning, [](LogLevel, std::string_view line) {
        std::fprintf(stderr, "wsx-bench: plugin: %.*s\n", static_cast<int>(line.size()),
                     line.data());
      })) {
  config::Config config;
  config.plugins = std::move(entries);
  plugins_ = loader::PluginSet::load(config, *logger_);
  // A plugin without a client role would silently offer nothing: refuse it.
  for (const loader::PluginManifest& manifest : plugins_.manifests()) {
    bool client = false;
    for (const loader::TokenManifest& token : manifest.tokens)
      client = client || (token.roles & WSX_ROLE_CLIENT) != 0;
    if (!client)
      throw std::runtime_error(manifest.file.string() + " provides no client-role extension");
  }

  const core::ClientOffers offers = core::build_client_offers(factories());
  if (!offers.ok()) throw std::runtime_error("a plugin made no offer: " + *offers.error);
  // Each client factory must offer: the run is meant to measure all of them.
  if (offers.offers.size() != factories().size())
    throw std::runtime_error("only " + std::to_string(offers.offers.size()) + " of the " +
                             std::to_string(factories().size()) +
                             " client-role extensions made an offer");
  std::string why;
  auto header = core::serialize_extensions(offers.offers, &why);
  if (!header) throw std::runtime_error("cannot write the plugins' offer: " + why);
  offer_header_ = std::move(*header);
  offered_count_ = offers.offers.size();
}

core::ExtensionChain ClientExtensions::accept_own_offer(std::string* response_header) const {
  const core::ClientOffers offers = core::build_client_offers(factories());
  if (!offers.ok() || offers.offers.empty()) throw std::runtime_error("the plugins made no offer");
  // A server that takes the offer as it stands echoes each parameter, except
  // a bare client_max_window_bits, which only says we could be limited
  // (RFC 7692 section 7.1.2.2).
  std::vector<core::ExtensionItem> response = offers.offers;
  for (core::ExtensionItem& item : response)
    std::erase_if(item.params, [](const core::ExtensionParam& param) {
      return param.name == "client_max_window_bits" && !param.value;
    });
  core::ClientNegotiation negotiation =
      core::accept_client_response(response, factories(), offers.offers);
  if (!negotiation.ok())
    throw std::runtime_error("the plugins refused their own offer: " + *negotiation.error);
  if (response_header != nullptr) *response_header = negotiation.chain.header_value();
  return std::move(negotiation.chain);
}

config::PluginEntry extension_plugin_entry(const std::string& plugin_file) {
  if (plugin_file.empty()) throw std::runtime_error("--extension-plugin needs a PATH");
  config::PluginEntry entry;
  entry.path = std::filesystem::absolute(plugin_file).lexically_normal();
  entry.where.file = "--extension-plugin";
  return entry;
}

}  // namespace wsx::bench
