#include "deflate_client.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "config/config.hpp"
#include "core/extensions_header.hpp"
#include "core/negotiation.hpp"

namespace wsx::bench {

namespace {

constexpr std::string_view kToken = "permessage-deflate";

std::int64_t window_bits(const core::ExtensionParam& param) {
  int bits = 0;
  const std::string& text = *param.value;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bits);
  if (error != std::errc() || end != text.data() + text.size() || bits < 8 || bits > 15)
    throw std::runtime_error("--deflate-params: " + param.name + "=" + text +
                             " is not a window size 8-15 (RFC 7692 section 7.1.2)");
  return bits;
}

// The plugin params whose client offer is `offer_params`.
std::vector<config::PluginParam> params_for_offer(std::string_view offer_params) {
  std::vector<config::PluginParam> out;
  // The plugin always offers client_max_window_bits (section 7.1.2.2), with
  // the value of its param, bare when that is 15. Absent or bare here means
  // bare in the offer, as browsers send it.
  config::PluginParam client_window;
  client_window.key = "client_max_window_bits";
  client_window.value = std::int64_t{15};
  client_window.where.file = "--deflate-params";
  const std::string header =
      std::string(kToken) + (offer_params.empty() ? "" : "; " + std::string(offer_params));
  const core::ParsedExtensions parsed = core::parse_extensions_header(header);
  if (!parsed.ok())
    throw std::runtime_error("--deflate-params \"" + std::string(offer_params) +
                             "\": " + parsed.error->message());
  if (parsed.items.size() != 1)
    throw std::runtime_error("--deflate-params holds the parameters of ONE offer, without ','");
  for (const core::ExtensionParam& param : parsed.items.front().params) {
    config::PluginParam entry;
    entry.key = param.name;
    entry.where.file = "--deflate-params";
    if (param.name == "server_no_context_takeover" || param.name == "client_no_context_takeover") {
      if (param.value)
        throw std::runtime_error("--deflate-params: " + param.name + " takes no value");
      entry.value = true;
    } else if (param.name == "server_max_window_bits") {
      if (!param.value)
        throw std::runtime_error("--deflate-params: server_max_window_bits needs a value");
      entry.value = window_bits(param);
    } else if (param.name == "client_max_window_bits") {
      if (param.value) client_window.value = window_bits(param);
      continue;
    } else {
      throw std::runtime_error("--deflate-params: unknown parameter \"" + param.name +
                               "\" (RFC 7692 section 7.1 defines four)");
    }
    out.push_back(std::move(entry));
  }
  out.push_back(std::move(client_window));
  return out;
}

}  // namespace

std::string default_plugin_path() {
#ifdef WSX_BENCH_DEFAULT_PLUGIN
  return WSX_BENCH_DEFAULT_PLUGIN;
#else
  return {};
#endif
}

DeflateClient::DeflateClient(const std::string& plugin_file, std::string_view offer_params)
    : logger_(std::make_unique<Logger>(LogLevel::warning, [](LogLevel, std::string_view line) {
        std::fprintf(stderr, "wsx-bench: plugin: %.*s\n", static_cast<int>(line.size()),
                     line.data());
      })) {
  if (plugin_file.empty())
    throw std::runtime_error("--deflate needs --plugin PATH to wsx_permessage_deflate.so");
  config::Config config;
  config::PluginEntry entry;
  entry.path = plugin_file;
  entry.where.file = "--plugin";
  entry.params = params_for_offer(offer_params);
  config.plugins.push_back(std::move(entry));
  plugins_ = plugins::PluginSet::load(config, *logger_);

  const core::ClientOffers offers = core::build_client_offers(factories());
  if (!offers.ok()) throw std::runtime_error("the plugin made no offer: " + *offers.error);
  if (offers.offers.empty()) throw std::runtime_error("the plugin declined to make an offer");
  std::string why;
  auto header = core::serialize_extensions(offers.offers, &why);
  if (!header) throw std::runtime_error("cannot write the plugin's offer: " + why);
  offer_header_ = std::move(*header);
}

core::ExtensionChain DeflateClient::accept_own_offer(std::string* response_header) const {
  const core::ClientOffers offers = core::build_client_offers(factories());
  if (!offers.ok() || offers.offers.empty()) throw std::runtime_error("the plugin made no offer");
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
    throw std::runtime_error("the plugin refused its own offer: " + *negotiation.error);
  if (response_header != nullptr) *response_header = negotiation.chain.header_value();
  return std::move(negotiation.chain);
}

}  // namespace wsx::bench
