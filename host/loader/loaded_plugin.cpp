#include "loaded_plugin.hpp"

#include <dlfcn.h>

#include <cstdint>
#include <system_error>
#include <type_traits>

#include "core/extensions/byte_buffer.hpp"
#include "descriptor_check.hpp"
#include "file_identity.hpp"
#include "plugin_error.hpp"
#include "plugin_params.hpp"
#include "plugin_text.hpp"

#ifndef WSX_VERSION
#define WSX_VERSION "0.0.0"
#endif

namespace wsx::loader {

namespace {

namespace fs = std::filesystem;

// A message the plugin wrote into a host buffer, made printable.
std::string plugin_message(const core::ByteBuffer& buffer) {
  if (buffer.empty()) return "(the plugin gave no message)";
  return "\"" + printable(buffer.text()) + "\"";
}

// `plugin "/abs/x.so"`, prefixed with the config position that names it.
std::string describe_request(const PluginLoadRequest& request, const std::string& label) {
  if (!request.origin) return label;
  return request.origin->to_string() + ": " + label;
}

void check_file(const PluginLoadRequest& request, const fs::path& file, const std::string& who) {
  std::error_code error;
  const fs::file_status status = fs::status(file, error);
  if (!fs::exists(status)) {
    std::string fix = "check the path";
    if (request.origin)
      fix += " (a relative [[plugin]] path is resolved against the config file's folder)";
    fix += ", or build the plugin first";
    throw PluginError(who + ": file does not exist; " + fix);
  }
  if (fs::is_directory(status)) {
    throw PluginError(who + ": is a directory, not a shared library; give the plugin's .so file");
  }
}

}  // namespace

LoadedPlugin::LoadedPlugin(const Logger& logger, const fs::path& file)
    : services_(logger, file.filename().string()) {
  manifest_.file = file;
}

LoadedPlugin::~LoadedPlugin() {
  // The host calls destroy only after every extension made through the
  // instance is gone (extension.h): factories keep this object alive until then.
  if (created_) descriptor_.destroy(instance_);
}

std::shared_ptr<const LoadedPlugin> LoadedPlugin::load(const PluginLoadRequest& request,
                                                       const Logger& logger) {
  std::error_code error;
  fs::path file = fs::absolute(request.file, error);
  if (error) file = request.file;
  file = file.lexically_normal();
  const std::string label = "plugin \"" + file.string() + "\"";
  const std::string who = describe_request(request, label);
  check_file(request, file, who);

  std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin(logger, file));
  plugin->open_library(who);
  const wsx_plugin_descriptor* raw = plugin->negotiate(who);
  CheckedDescriptor checked = check_descriptor(raw, who);
  plugin->descriptor_ = checked.descriptor;
  plugin->definitions_ = std::move(checked.definitions);

  PluginManifest& manifest = plugin->manifest_;
  const wsx_plugin_descriptor& descriptor = plugin->descriptor_;
  manifest.name = printable(descriptor.name, 128);
  manifest.version = printable(descriptor.version, 128);
  manifest.description = descriptor.description == nullptr ? "" : printable(descriptor.description);
  for (const wsx_extension_def& def : plugin->definitions_) {
    manifest.tokens.push_back({def.token, def.roles, def.rsv_bits});
  }
  for (std::size_t i = 0; i < descriptor.param_count; ++i) {
    const wsx_param_spec& spec = descriptor.params[i];
    manifest.params.push_back(
        {spec.name, spec.type, spec.description == nullptr ? "" : printable(spec.description)});
  }
  plugin->services_.rename(manifest.name);

  const std::string named = label + " (" + short_name(manifest) + ")";
  plugin->create(request, named, describe_request(request, named));
  return plugin;
}

void LoadedPlugin::open_library(const std::string& who) {
  // dlopen() of a path the dynamic loader already has open returns that
  // library, even when a new build has since been moved over the path (a
  // reload while connections made by the old one are alive). The loader
  // matches a library by the path text first and by device and inode only
  // for a new text, so when the mapping is not the file the path names now,
  // open it again under an equivalent spelling ("dir/./x.so", then
  // "dir/././x.so"...): the new build is mapped beside the old one, which
  // stays until its last extension is gone. $ORIGIN still resolves to dir.
  constexpr int kSpellings = 64;
  const std::optional<FileIdentity> on_disk = identity_of_file(manifest_.file);
  std::filesystem::path spelling = manifest_.file;
  for (int attempt = 0; attempt < kSpellings; ++attempt) {
    open_library_at(spelling, who);
    // The entry function's address, as /proc/self/maps is searched with.
    const auto entry = reinterpret_cast<std::uintptr_t>(
        &library_.get<std::remove_pointer_t<wsx_negotiate_fn>>(WSX_PLUGIN_ENTRY_SYMBOL));
    const std::optional<FileIdentity> mapped = identity_of_mapping(entry);
    if (!on_disk || !mapped || *mapped == *on_disk) return;
    library_.unload();
    spelling = spelling.parent_path() / "." / manifest_.file.filename();
  }
  throw PluginError(who + ": the file was replaced more than " + std::to_string(kSpellings) +
                    " times while older builds of it are still in use; restart the host");
}

void LoadedPlugin::open_library_at(const std::filesystem::path& spelling, const std::string& who) {
  boost::dll::fs::error_code error;
  // RTLD_LOCAL: a plugin's symbols never satisfy another plugin's (ABI rule
  // 3). RTLD_NOW: a missing dependency fails here, not mid-connection.
  library_.load(boost::dll::fs::path(spelling.string()),
                boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, error);
  if (error) {
    // Boost.DLL leaves dlerror() set after a failed load; it says why
    // (bad ELF header, missing dependency, wrong architecture).
    const char* reason = ::dlerror();
    throw PluginError(who + ": cannot be loaded as a shared library (" +
                      (reason != nullptr ? printable(reason) : error.message()) +
                      "); a plugin is a shared library built for this platform, e.g. with "
                      "wsx_add_plugin() from the wsx SDK");
  }
  if (!library_.has(WSX_PLUGIN_ENTRY_SYMBOL)) {
    throw PluginError(who + ": does not export the entry symbol \"" WSX_PLUGIN_ENTRY_SYMBOL
                            "\" (WSX_PLUGIN_ENTRY_SYMBOL in wsx/extension.h); define it with "
                            "WSX_PLUGIN_EXPORT (and extern \"C\" in C++)");
  }
}

const wsx_plugin_descriptor* LoadedPlugin::negotiate(const std::string& who) {
  auto& entry = library_.get<std::remove_pointer_t<wsx_negotiate_fn>>(WSX_PLUGIN_ENTRY_SYMBOL);
  constexpr std::string_view host_version = WSX_VERSION;
  wsx_host_info host{};
  host.struct_size = sizeof host;
  host.abi_min = kHostAbiMin;
  host.abi_max = kHostAbiMax;
  host.api = services_.api();
  host.host_version = {host_version.data(), host_version.size()};

  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  std::uint32_t chosen = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  const wsx_status status = entry(&host, &chosen, &descriptor, &error);

  const std::string host_range =
      "[" + std::to_string(kHostAbiMin) + ", " + std::to_string(kHostAbiMax) + "]";
  if (status != WSX_OK) {
    throw PluginError(who + ": refused ABI negotiation: the host speaks ABI versions " +
                      host_range + ", the plugin says " + plugin_message(message) +
                      "; rebuild the plugin against this host's wsx SDK (wsx/extension.h)");
  }
  if (chosen == 0) {
    throw PluginError(who +
                      ": chose ABI version 0, which does not exist (versions start at 1); "
                      "the entry function must store the version it implements in "
                      "*chosen_abi before returning WSX_OK (WSX_EXPORT_PLUGIN does)");
  }
  if (chosen < kHostAbiMin || chosen > kHostAbiMax) {
    throw PluginError(who + ": chose ABI version " + std::to_string(chosen) +
                      ", outside the host's range " + host_range +
                      "; rebuild the plugin against this host's wsx SDK, or use a host that "
                      "speaks ABI " +
                      std::to_string(chosen));
  }
  manifest_.abi_version = chosen;
  return descriptor;
}

void LoadedPlugin::create(const PluginLoadRequest& request, const std::string& label,
                          const std::string& who) {
  // Param messages start with the param's own position, then the label.
  const std::vector<wsx_config_param> params =
      check_params(request.params, {descriptor_.params, descriptor_.param_count}, label);

  wsx_plugin_create_args args{};
  args.struct_size = sizeof args;
  args.params = params.data();
  args.param_count = params.size();
  args.api = services_.api();
  args.config_path = {request.config_file.data(), request.config_file.size()};

  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  void* instance = nullptr;
  if (descriptor_.create(&args, &instance, &error) != WSX_OK) {
    std::string text = who + ": create() failed: " + plugin_message(message);
    if (request.origin) text += "; check the plugin's params in the config";
    throw PluginError(text);
  }
  instance_ = instance;
  created_ = true;
}

}  // namespace wsx::loader
