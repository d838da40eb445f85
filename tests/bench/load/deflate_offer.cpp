#include "deflate_offer.hpp"

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "core/extensions/extensions_header.hpp"

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

config::PluginEntry deflate_plugin_entry(const std::string& plugin_file,
                                         std::string_view offer_params) {
  if (plugin_file.empty())
    throw std::runtime_error("--deflate needs --plugin PATH to wsx_permessage_deflate.so");
  config::PluginEntry entry;
  entry.path = std::filesystem::absolute(plugin_file).lexically_normal();
  entry.where.file = "--plugin";
  entry.params = params_for_offer(offer_params);
  return entry;
}

}  // namespace wsx::bench
