#include "plugin_set.hpp"

#include "plugin_error.hpp"
#include "plugin_text.hpp"

namespace wsx::loader {

namespace {

std::string describe(const PluginManifest& manifest,
                     const std::optional<config::SourcePosition>& origin) {
  std::string text = "plugin \"" + manifest.file.string() + "\" (" + short_name(manifest) + ")";
  if (origin) text += " at " + origin->to_string();
  return text;
}

std::string token_summary(const PluginManifest& manifest) {
  std::string out;
  for (const TokenManifest& token : manifest.tokens) {
    if (!out.empty()) out += ", ";
    out += token.token + " [" + roles_to_string(token.roles) + ", RSV " +
           rsv_to_string(token.rsv_bits) + "]";
  }
  return out;
}

}  // namespace

core::FactoryList make_factories(const std::shared_ptr<const LoadedPlugin>& plugin,
                                 std::uint32_t role) {
  core::FactoryList out;
  for (const wsx_extension_def& def : plugin->definitions()) {
    if ((def.roles & role) == 0) continue;
    auto factory = std::make_shared<core::ExtensionFactory>();
    factory->token = def.token;
    factory->plugin_name = plugin->manifest().name;
    factory->plugin_version = plugin->manifest().version;
    factory->rsv_bits = def.rsv_bits;
    factory->def = def;
    factory->plugin = plugin->instance();
    factory->keepalive = plugin;
    factory->thread_create = plugin->descriptor().thread_create;
    factory->thread_destroy = plugin->descriptor().thread_destroy;
    out.push_back(std::move(factory));
  }
  return out;
}

PluginSet PluginSet::load(const config::Config& config, const Logger& logger) {
  PluginSet set;
  for (const config::PluginEntry& entry : config.plugins) {
    if (!entry.enabled) {
      logger.info("plugin \"" + entry.path.string() + "\" is disabled in " +
                  entry.where.to_string() + "; not loaded");
      continue;
    }
    PluginLoadRequest request;
    request.file = entry.path;
    request.params = entry.params;
    request.config_file = config.file;
    request.origin = entry.where;
    set.add(LoadedPlugin::load(request, logger), entry.where);
    const PluginManifest& manifest = set.manifests_.back();
    logger.info("loaded plugin " + short_name(manifest) + " from \"" + manifest.file.string() +
                "\": " + token_summary(manifest));
  }
  return set;
}

void PluginSet::check_unique_tokens(const LoadedPlugin& plugin,
                                    const std::optional<config::SourcePosition>& origin) const {
  for (const wsx_extension_def& def : plugin.definitions()) {
    for (const Entry& earlier : plugins_) {
      for (const wsx_extension_def& other : earlier.plugin->definitions()) {
        const std::uint32_t shared_roles = def.roles & other.roles;
        if (shared_roles == 0 || !tokens_equal(def.token, other.token)) continue;
        // Two factories for one token and role: which one would negotiate
        // depends on config order by accident. Refuse instead.
        std::string text = describe(plugin.manifest(), origin) + ": provides extension token \"" +
                           std::string(def.token) + "\" for the " + roles_to_string(shared_roles) +
                           " role, which " + describe(earlier.plugin->manifest(), earlier.origin) +
                           " already provides; disable one of them (enabled = false) or remove "
                           "one [[plugin]] entry";
        throw PluginError(text);
      }
    }
  }
}

void PluginSet::add(std::shared_ptr<const LoadedPlugin> plugin,
                    std::optional<config::SourcePosition> origin) {
  check_unique_tokens(*plugin, origin);
  core::FactoryList server = make_factories(plugin, WSX_ROLE_SERVER);
  core::FactoryList client = make_factories(plugin, WSX_ROLE_CLIENT);
  manifests_.push_back(plugin->manifest());
  server_.insert(server_.end(), server.begin(), server.end());
  client_.insert(client_.end(), client.begin(), client.end());
  plugins_.push_back({std::move(plugin), std::move(origin)});
}

}  // namespace wsx::loader
