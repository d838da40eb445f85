// One plugin library, loaded, ABI-negotiated, validated and configured: the
// object that owns {plugin instance, host services table, shared library}.
// Extension factories hold it through shared_ptr (ExtensionFactory::keepalive),
// so a library stays mapped while any extension it made is alive, even after
// the PluginSet that loaded it is gone (a reload builds a new set).
#pragma once

#include <wsx/extension.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "host_services.hpp"
#include "log/log.hpp"
#include "plugin_manifest.hpp"

namespace wsx::loader {

struct PluginLoadRequest {
  // Absolute, or relative to the current directory.
  std::filesystem::path file;
  // The [plugin.params] of the config entry; borrowed for the call.
  std::span<const config::PluginParam> params;
  // The config file, handed to create() for the plugin's messages ("" if none).
  std::string config_file;
  // Where the config names this plugin; prefixes every error message.
  std::optional<config::SourcePosition> origin;
};

class LoadedPlugin {
 public:
  // Loads the library with RTLD_LOCAL | RTLD_NOW (ABI rule 3), negotiates the
  // ABI version, validates the descriptor, checks the params against the
  // plugin's specs and calls create(). Throws PluginError. `logger` must
  // outlive the returned plugin and every extension made through it.
  [[nodiscard]] static std::shared_ptr<const LoadedPlugin> load(const PluginLoadRequest& request,
                                                                const Logger& logger);

  // Calls destroy() on the instance, then frees the host services table,
  // then unloads the library: in that order (members are declared in
  // reverse).
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  [[nodiscard]] const PluginManifest& manifest() const noexcept { return manifest_; }
  // The pointer create() returned, passed as `plugin` to factory calls.
  [[nodiscard]] void* instance() const noexcept { return instance_; }
  // The normalised descriptor (ABI rule 2): fields an older plugin did not
  // know, such as thread_create, read as null.
  [[nodiscard]] const wsx_plugin_descriptor& descriptor() const noexcept { return descriptor_; }
  // Normalised copies (ABI rule 2) of the plugin's extension definitions.
  [[nodiscard]] const std::vector<wsx_extension_def>& definitions() const noexcept {
    return definitions_;
  }

 private:
  LoadedPlugin(const Logger& logger, const std::filesystem::path& file);

  // Maps the library at manifest_.file, making sure what is mapped is the
  // file the path names now (a replaced build is loaded anew).
  void open_library(const std::string& who);
  void open_library_at(const std::filesystem::path& spelling, const std::string& who);
  const wsx_plugin_descriptor* negotiate(const std::string& who);
  void create(const PluginLoadRequest& request, const std::string& label, const std::string& who);

  // Declaration order is destruction order reversed: the library must be
  // the last thing to go, since everything else may point into it.
  boost::dll::shared_library library_;
  HostServices services_;
  PluginManifest manifest_;
  wsx_plugin_descriptor descriptor_{};
  std::vector<wsx_extension_def> definitions_;
  void* instance_ = nullptr;
  bool created_ = false;
};

}  // namespace wsx::loader
