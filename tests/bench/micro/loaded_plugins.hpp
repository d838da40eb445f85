// Extensions as the host sees them: plugin modules loaded through
// host/plugins (dlopen, ABI negotiation, descriptor checks, create()) and
// chains negotiated by host/core from a Sec-WebSocket-Extensions offer, so
// every frame a benchmark sends through a chain crosses the real C ABI.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/extensions/extension_chain.hpp"
#include "core/extensions/extension_factory.hpp"
#include "loader/loaded_plugin.hpp"
#include "log/log.hpp"

namespace wsx::bench {

// The built modules (paths come from CMake generator expressions).
[[nodiscard]] std::filesystem::path pass_plugin_path();
[[nodiscard]] std::filesystem::path permessage_deflate_plugin_path();

// One loaded plugin and the logger it writes through. The logger is declared
// first so it outlives the plugin and every extension made from it (the
// loader's contract); keep this object alive as long as any chain built from
// its factories.
class PluginFixture {
 public:
  // Loads `file` with the given [plugin.params]; throws PluginError.
  explicit PluginFixture(const std::filesystem::path& file,
                         std::vector<config::PluginParam> params = {});

  [[nodiscard]] const std::shared_ptr<const loader::LoadedPlugin>& plugin() const noexcept {
    return plugin_;
  }
  // The plugin's server-role factories, as a PluginSet would list them.
  [[nodiscard]] core::FactoryList server_factories() const;

 private:
  Logger logger_;  // no sink: plugin log lines are dropped
  std::vector<config::PluginParam> params_;
  std::shared_ptr<const loader::LoadedPlugin> plugin_;
};

// `count` copies of `factory` under the tokens "<token>-1" .. "<token>-N":
// the same plugin code, but distinct extensions to negotiation, so one
// pass-through plugin can fill a chain of any length.
[[nodiscard]] core::FactoryList numbered_copies(
    const std::shared_ptr<const core::ExtensionFactory>& factory, std::size_t count);

// The server chain negotiated for the client offer `offer_header` (e.g.
// "permessage-deflate; client_max_window_bits"). Throws std::runtime_error
// if the header does not parse or negotiation fails.
[[nodiscard]] core::ExtensionChain negotiate_chain(const core::FactoryList& factories,
                                                   std::string_view offer_header);

}  // namespace wsx::bench
