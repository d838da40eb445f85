// The registry: every enabled [[plugin]] of a Config, loaded in config order,
// and the extension factories they provide for each role. Reloading the
// config means building a new PluginSet; factories (and so libraries) that
// live connections still hold stay alive through their shared_ptrs.
#pragma once

#include <memory>
#include <vector>

#include "config/config.hpp"
#include "core/extensions/extension_factory.hpp"
#include "loaded_plugin.hpp"
#include "log/log.hpp"
#include "plugin_manifest.hpp"

namespace wsx::loader {

class PluginSet {
 public:
  // An empty set: no extension is ever negotiated.
  PluginSet() = default;

  // Loads every enabled plugin of `config`, in order. Refuses (PluginError)
  // a plugin that fails to load, or that provides a token for a role some
  // earlier plugin already provides (the error names both files). `logger`
  // must outlive the set and every factory taken from it.
  [[nodiscard]] static PluginSet load(const config::Config& config, const Logger& logger);

  // Adds an already loaded plugin (load() uses it; so do tests). `origin` is
  // where the config names it, for messages. Throws PluginError on a
  // duplicate token for the same role.
  void add(std::shared_ptr<const LoadedPlugin> plugin,
           std::optional<config::SourcePosition> origin = std::nullopt);

  // Factories answering client offers, in config order, then declaration
  // order within a plugin (host/core negotiation walks them in order).
  [[nodiscard]] const core::FactoryList& server_factories() const noexcept { return server_; }
  // Factories that build offers (client role), same order.
  [[nodiscard]] const core::FactoryList& client_factories() const noexcept { return client_; }

  // What each loaded plugin declared, in load order.
  [[nodiscard]] const std::vector<PluginManifest>& manifests() const noexcept { return manifests_; }
  [[nodiscard]] std::size_t size() const noexcept { return plugins_.size(); }
  [[nodiscard]] bool empty() const noexcept { return plugins_.empty(); }

 private:
  struct Entry {
    std::shared_ptr<const LoadedPlugin> plugin;
    std::optional<config::SourcePosition> origin;
  };

  void check_unique_tokens(const LoadedPlugin& plugin,
                           const std::optional<config::SourcePosition>& origin) const;

  std::vector<Entry> plugins_;
  std::vector<PluginManifest> manifests_;
  core::FactoryList server_;
  core::FactoryList client_;
};

// The factories `plugin` provides for `role` (WSX_ROLE_SERVER or
// WSX_ROLE_CLIENT). Each holds `plugin` alive through its keepalive.
[[nodiscard]] core::FactoryList make_factories(const std::shared_ptr<const LoadedPlugin>& plugin,
                                               std::uint32_t role);

}  // namespace wsx::loader
