#include "loaded_plugins.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "core/extensions/extensions_header.hpp"
#include "core/extensions/negotiation.hpp"
#include "loader/plugin_set.hpp"

namespace wsx::bench {

std::filesystem::path pass_plugin_path() {
  return WSX_BENCH_PASS_PLUGIN;
}

std::filesystem::path permessage_deflate_plugin_path() {
  return WSX_BENCH_PMD_PLUGIN;
}

PluginFixture::PluginFixture(const std::filesystem::path& file,
                             std::vector<config::PluginParam> params)
    : logger_(LogLevel::off), params_(std::move(params)) {
  loader::PluginLoadRequest request;
  request.file = file;
  request.params = params_;
  plugin_ = loader::LoadedPlugin::load(request, logger_);
}

core::FactoryList PluginFixture::server_factories() const {
  return loader::make_factories(plugin_, WSX_ROLE_SERVER);
}

core::FactoryList numbered_copies(const std::shared_ptr<const core::ExtensionFactory>& factory,
                                  std::size_t count) {
  core::FactoryList copies;
  for (std::size_t i = 1; i <= count; ++i) {
    auto copy = std::make_shared<core::ExtensionFactory>(*factory);
    copy->token = factory->token + "-" + std::to_string(i);
    copies.push_back(std::move(copy));
  }
  return copies;
}

core::ExtensionChain negotiate_chain(const core::FactoryList& factories,
                                     std::string_view offer_header) {
  if (offer_header.empty()) return {};
  core::ParsedExtensions offers = core::parse_extensions_header(offer_header);
  if (!offers.ok())
    throw std::runtime_error("bad offer \"" + std::string(offer_header) +
                             "\": " + offers.error->message());
  core::ServerNegotiation negotiation = core::negotiate_server(offers.items, factories);
  if (!negotiation.ok()) throw std::runtime_error("negotiation failed: " + *negotiation.error);
  std::size_t accepted = 0;
  for (const core::NegotiationTraceEntry& entry : negotiation.trace)
    if (entry.outcome == core::OfferOutcome::accepted) ++accepted;
  if (accepted != offers.items.size())
    throw std::runtime_error("not every offer of \"" + std::string(offer_header) +
                             "\" was accepted");
  return std::move(negotiation.chain);
}

}  // namespace wsx::bench
